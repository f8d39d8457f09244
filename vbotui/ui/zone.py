"""The time zone a screen shows times in: one given (tests fix one), else the app's, which the
palette's UTC/local toggle can change while the screen is open."""

from __future__ import annotations

from datetime import tzinfo

from vbotui.operations import ServerOperations


class InTheAppsZone:
    ops: ServerOperations
    _zone: tzinfo | None  # a fixed zone (tests); None: the app's (ops.zone, local or UTC)

    @property
    def local_tz(self) -> tzinfo:
        """The zone times are shown in: the one given, else the app's (ops.zone, local or UTC)."""
        return self._zone if self._zone is not None else self.ops.zone
