"""The terminal driver: Textual's own, with its style escapes written as changes (see sgr.py), and
writes that never wait on a terminal that is gone.

Textual's writer thread drains a bounded queue (30 writes); a write waits while it is full. If the
thread stops draining (a write to a hung-up terminal raised and ended it, or it is stuck), every
later write, and the writer's own stop at shutdown, waits for ever: the process outlives its
terminal, holding its token (the pattern of Textual #6692). Here a write waits only while the
writer is alive and the terminal is there; once the terminal is gone nothing is written to it,
and closing waits for the writer only a bounded time."""

from __future__ import annotations

import queue
import select
from typing import Any

from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

from .sgr import SgrCompactor

WRITE_WAIT_S = 0.25  # between two looks at the writer and the terminal while the queue is full
CLOSE_LIMIT_S = 2.0  # how long closing waits for the writer once the terminal is gone


class CompactDriver(LinuxDriver):
    """LinuxDriver whose output goes through one SgrCompactor (one terminal, one pen), and never
    blocks on a terminal that is gone or a writer that stopped draining."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compact = SgrCompactor()
        # Set from a signal handler (SIGHUP) or when the terminal is seen gone: a plain flag.
        self.terminal_gone = False

    def start_application_mode(self) -> None:
        # Also after a suspend (ctrl+z, an editor): the shell may have left any pen; start from a reset.
        self._compact = SgrCompactor()
        self._compact.pen = None
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def write(self, data: str) -> None:
        self._send(self._compact(data))

    def _send(self, text: str) -> None:
        """Textual's write (a put on the writer's queue), but never for ever."""
        writer = self._writer_thread
        if self.terminal_gone or writer is None or not writer.is_alive():
            return  # nobody would read it, or nothing drains the queue: dropped
        self._enqueue(writer, text)

    def _enqueue(self, writer: WriterThread, item: str | None) -> bool:
        """Put `item` on the writer's queue, waiting while it is full only as long as the writer is
        alive and the terminal there. False: dropped."""
        pending: queue.Queue[str | None] = writer._queue  # Textual keeps it private; pinned at 8.2.8
        while True:
            try:
                pending.put(item, timeout=WRITE_WAIT_S)
                return True
            except queue.Full:
                if not self.terminal_gone and terminal_hung_up(self.fileno):
                    self.terminal_gone = True
                if self.terminal_gone or not writer.is_alive():
                    return False

    def close(self) -> None:
        """Stop the writer: all it holds is written first while the terminal is there; once it is
        gone, waited for a bounded time (a writer stuck on it is left behind: a daemon thread)."""
        writer = self._writer_thread
        if writer is None:
            return
        if writer.is_alive() and self._enqueue(writer, None):
            writer.join(timeout=CLOSE_LIMIT_S if self.terminal_gone else None)


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
