"""The request log behind the status panel: `app.activity.begin(action, target)`.

An entry is written when a request leaves and completed in place when its answer comes back:

    entry = self.app.activity.begin("start", job.name)
    entry.succeeded(result.status, result.elapsed_s)      # or: entry.failed(error)

Listeners (the status panel) are told about every change; history is bounded.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone

from rich.text import Text

from vbotui.api.errors import VboError

from .safe_text import clean

Clock = Callable[[], datetime]
Listener = Callable[["ActivityEntry"], None]

PENDING, OK, FAILED, NOTE = "pending", "ok", "failed", "note"


class ActivityEntry:
    """One line of the status panel; mutated in place as the request progresses."""

    def __init__(self, log: ActivityLog, action: str, target: str, state: str = PENDING) -> None:
        self._log = log
        self.action = action
        self.target = target
        self.state = state
        self.started_at = log.clock()
        self._started = log.monotonic()
        self.status: int | None = None
        self.elapsed_s: float | None = None
        self.note = ""

    def progress(self, note: str) -> None:
        """Update the note of a request still in flight (e.g. a bulk action's count)."""
        self.note = note
        self._log.changed(self)

    def succeeded(self, status: int | None, elapsed_s: float | None = None, note: str = "") -> None:
        self.state = OK
        self.status = status
        self.elapsed_s = self._log.monotonic() - self._started if elapsed_s is None else elapsed_s
        self.note = note
        self._log.changed(self)

    def failed(self, error: BaseException, note: str = "", elapsed_s: float | None = None) -> None:
        self.state = FAILED
        self.elapsed_s = self._log.monotonic() - self._started if elapsed_s is None else elapsed_s
        if isinstance(error, VboError):
            self.status = error.status
            self.note = error.describe()
        else:
            self.note = f"{type(error).__name__}: {error}"
        if note:
            self.note = f"{note}: {self.note}"
        self._log.changed(self)

    def finished_with_failures(self, note: str) -> None:
        """A bulk action some of whose requests failed (each failure has a line of its own)."""
        self.state = FAILED
        self.elapsed_s = self._log.monotonic() - self._started
        self.note = note
        self._log.changed(self)

    def cancelled(self) -> None:
        """The worker was cancelled (e.g. a newer refresh replaced it) before an answer came."""
        self.state = NOTE
        self.elapsed_s = self._log.monotonic() - self._started
        self.note = "cancelled"
        self._log.changed(self)

    def render(self) -> Text:
        """`09:30:01  start  Mailbox job 7  202  0.15s  note`, server text made safe."""
        stamp = self.started_at.astimezone().strftime("%H:%M:%S")
        line = Text(no_wrap=True, end="")
        line.append(f"{stamp} ", style="dim")
        line.append(f"{clean(self.action):<10.10} ", style="bold")
        line.append(f"{clean(self.target):<28.28} ")
        if self.state == PENDING:
            line.append("...  ", style="yellow")
        elif self.state == OK:
            line.append(f"{'' if self.status is None else self.status:<4} ", style="green")
        elif self.state == FAILED:
            line.append("FAIL ", style="bold red")
        else:
            line.append("     ")
        if self.elapsed_s is not None:
            line.append(f"{self.elapsed_s:6.2f}s ", style="dim")
        if self.note:
            line.append(clean(self.note), style="red" if self.state == FAILED else "")
        return line


class ActivityLog:
    """Bounded history of requests and notes, shared by every screen of the app."""

    def __init__(
        self,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        limit: int = 200,
    ) -> None:
        self.clock: Clock = clock or (lambda: datetime.now(timezone.utc))
        self.monotonic = monotonic
        self.entries: deque[ActivityEntry] = deque(maxlen=limit)
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def begin(self, action: str, target: str) -> ActivityEntry:
        entry = ActivityEntry(self, action, target)
        self.entries.append(entry)
        self.changed(entry)
        return entry

    def note(self, action: str, text: str) -> ActivityEntry:
        """A line that is not a request (e.g. why read-only mode refused a key)."""
        entry = ActivityEntry(self, action, "", state=NOTE)
        entry.note = text
        self.entries.append(entry)
        self.changed(entry)
        return entry

    def changed(self, entry: ActivityEntry) -> None:
        for listener in list(self._listeners):
            listener(entry)
