"""The terminal driver: Textual's own, with its style escapes written as changes (see sgr.py)."""

from __future__ import annotations

import select
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


def terminal_hung_up(fd: int) -> bool:
    """The other side of the terminal is gone (its master closed), asked without reading input.

    A hang-up reaches the app as SIGHUP only where the terminal is its controlling one (SSH,
    tmux); one started without (by a script, in a pty of its own session) hears nothing, and
    Textual's input thread then reads end-of-file in a loop at full CPU, for ever."""
    poller = select.poll()
    poller.register(fd, 0)  # no input events: only POLLHUP, POLLERR and POLLNVAL are reported
    try:
        return any(
            events & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, events in poller.poll(0)
        )
    except OSError:
        return True
