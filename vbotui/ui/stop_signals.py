"""The app's stop signals (SIGHUP, SIGINT, SIGTERM) and the bound on its shutdown after one.

The loop's part (stop sending, cancel, exit) runs as an asyncio signal handler; a Python-level
handler beside it runs in the main thread even while the loop waits on the terminal, so the
driver hears of a hang-up at once and the watchdog is armed even if the loop never runs again.

The watchdog: once armed, the process ends with the signal's code if it has not ended within
`limit_s` (by then the audit records of what was in flight have been written, unless the loop
itself is stuck: then nothing else could write them either)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)
SHUTDOWN_LIMIT_S = 10.0


class EarlySignals:
    """Stop signals that come before the app listens (the terminal closed while the app was taking
    it): kept, and handed over once it listens, instead of the default action ending the process
    half-way through (its alternate screen and mouse reporting left on)."""

    def __init__(self) -> None:
        self.caught: list[int] = []
        self._originals: dict[int, Any] = {}

    def listen(self) -> None:
        try:
            for signum in STOP_SIGNALS:
                self._originals[signum] = signal.signal(signum, self._keep)
        except ValueError:  # not the main thread: no signals to take
            self.restore()

    def _keep(self, signum: int, _frame: FrameType | None) -> None:
        self.caught.append(signum)

    def restore(self) -> list[int]:
        """The handlers as they were; returns the signals caught meanwhile (once)."""
        for signum, handler in self._originals.items():
            signal.signal(signum, handler)
        self._originals.clear()
        caught, self.caught = self.caught, []
        return caught


class ShutdownWatchdog(threading.Thread):
    """Ends the process with `code` when it is still alive `limit_s` after `arm(code)`."""

    def __init__(self, limit_s: float = SHUTDOWN_LIMIT_S, exit_now: Callable[[int], Any] = os._exit) -> None:
        super().__init__(daemon=True, name="vbotui-shutdown-watchdog")
        self.limit_s = limit_s
        self.code = 0
        self._exit_now = exit_now
        self._armed = threading.Event()
        self._ended = threading.Event()

    def arm(self, code: int) -> None:
        if not self._armed.is_set():
            self.code = code
            self._armed.set()

    def disarm(self) -> None:
        """The app ended by itself: the thread ends without doing anything."""
        self._ended.set()
        self._armed.set()

    def run(self) -> None:
        self._armed.wait()
        if not self._ended.wait(self.limit_s):
            self._exit_now(self.code)


class StopSignals:
    """Installs the handlers (main thread only) and puts the previous ones back on `restore()`.

    Each signal is handled twice: `on_signal(signum)` in the loop (asyncio's handler, whose wakeup
    descriptor wakes the loop whichever thread the kernel delivered the signal to), and
    `at_once(signum)` in the main thread's Python-level handler, which runs even while the loop is
    stuck; so it may only set flags (no locks, no I/O)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_signal: Callable[[int], None],
        at_once: Callable[[int], None],
        watchdog: ShutdownWatchdog,
    ) -> None:
        self._loop = loop
        self._on_signal = on_signal
        self._at_once = at_once
        self.watchdog = watchdog
        self._previous: dict[int, Any] = {}

    def install(self) -> bool:
        try:
            for signum in STOP_SIGNALS:
                previous = signal.getsignal(signum)
                self._loop.add_signal_handler(signum, self._on_signal, signum)
                self._previous[signum] = previous
                signal.signal(signum, self._handle)  # in place of asyncio's no-op Python handler
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, no signals
            self.restore()
            return False
        self.watchdog.start()
        return True

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self._at_once(signum)
        self.watchdog.arm(128 + signum)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            if not self._loop.is_closed():
                self._loop.remove_signal_handler(signum)
            signal.signal(signum, handler)
        self._previous.clear()
        if self.watchdog.is_alive():
            self.watchdog.disarm()
