"""The terminal driver: Textual's own, with its style escapes written as changes (see sgr.py)."""

from __future__ import annotations

from typing import Any

from textual.drivers.linux_driver import LinuxDriver

from .sgr import SgrCompactor


class CompactDriver(LinuxDriver):
    """LinuxDriver whose output goes through one SgrCompactor (one terminal, one pen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compact = SgrCompactor()

    def start_application_mode(self) -> None:
        # Also after a suspend (ctrl+z, an editor): the shell may have left any pen; start from a reset.
        self._compact = SgrCompactor()
        self._compact.pen = None
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def write(self, data: str) -> None:
        super().write(self._compact(data))
