"""The request log behind the status panel: one line per request, completed in place.

An entry is written when a request leaves and finished when its answer comes back (always by
`ServerOperations`, the one place that words outcomes). Listeners (the status panel) are told
about every change; history is bounded, and bulk summaries are kept apart so that a long run
of failures never pushes them out of sight.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone

from rich.text import Text

from vbotui.textclean import clean

from .outcome import DONE, NOT_SENT, REFUSED, UNKNOWN, Outcome

Clock = Callable[[], datetime]
Listener = Callable[["ActivityEntry"], None]

PENDING, FAILED, NOTE, PARTLY = "pending", "failed", "note", "partly"
# The request outcomes (outcome.py) and three more: a read that failed, a line that is no request,
# and a bulk action some of whose jobs were not done (its note counts each outcome: no one tag fits).
STATES = (PENDING, DONE, REFUSED, UNKNOWN, NOT_SENT, FAILED, NOTE, PARTLY)
PROBLEMS = (REFUSED, UNKNOWN, NOT_SENT, FAILED, PARTLY)
HISTORY = 500

_TAGS = {
    PENDING: ("...  ", "yellow"),
    REFUSED: ("REFUSED ", "bold red"),
    UNKNOWN: ("UNKNOWN ", "bold magenta"),
    NOT_SENT: ("     ", ""),  # the note says "not sent: why"
    FAILED: ("FAIL ", "bold red"),
    NOTE: ("     ", ""),
    PARTLY: ("     ", ""),
}


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

    @property
    def finished(self) -> bool:
        return self.state != PENDING

    def progress(self, note: str) -> None:
        """Update the note of a request still in flight (e.g. a bulk action's count)."""
        self.note = note
        self._log.changed(self)

    def _elapsed(self, elapsed_s: float | None) -> float:
        return self._log.monotonic() - self._started if elapsed_s is None else elapsed_s

    def succeeded(self, status: int | None, elapsed_s: float | None = None, note: str = "") -> None:
        self.state, self.status, self.note = DONE, status, note
        self.elapsed_s = self._elapsed(elapsed_s)
        self._log.changed(self)

    def ended(self, outcome: Outcome, *, read: bool = False, elapsed_s: float | None = None) -> None:
        """Finish with `outcome`; a read that went wrong is simply `failed` (it changed nothing)."""
        if outcome.kind == DONE:
            self.succeeded(outcome.status, elapsed_s, outcome.message)
            return
        self.state = FAILED if read else outcome.kind
        self.status = outcome.status
        self.elapsed_s = self._elapsed(elapsed_s)
        # The tag says refused (and the status): the note is the server's words alone.
        self.note = outcome.message if read or outcome.kind == REFUSED else outcome.describe()
        self._log.changed(self)

    def finished_with_failures(self, note: str) -> None:
        """A bulk action some of whose requests were not done (each has a line of its own); `note`
        counts them by outcome ("21 done, 3 refused"): the line is not tagged FAIL."""
        self.state = PARTLY
        self.elapsed_s = self._elapsed(None)
        self.note = note
        self._log.changed(self)

    def cancelled(self) -> None:
        """The worker was cancelled (e.g. a newer refresh replaced it) before an answer came."""
        self.state = NOTE
        self.elapsed_s = self._elapsed(None)
        self.note = "cancelled"
        self._log.changed(self)

    def render(self) -> Text:
        """`09:30:01  start  Mailbox job 7  202  0.15s  note`, server text made safe."""
        stamp = self.started_at.astimezone().strftime("%H:%M:%S")
        line = Text(no_wrap=True, end="")
        line.append(f"{stamp} ", style="dim")
        line.append(f"{clean(self.action):<10.10} ", style="bold")
        if self.state == NOTE and not self.target:  # a said line is prose: all of it, not 33 blank cells
            line.append(clean(self.note), style="")
            return line
        line.append(f"{clean(self.target):<28.28} ")
        if self.state == DONE:
            line.append(f"{'' if self.status is None else self.status:<4} ", style="green")
        else:
            tag, style = _TAGS[self.state]
            if self.state in (REFUSED, FAILED) and self.status is not None:
                tag = f"{tag.rstrip()} {self.status} "
            line.append(tag, style=style)
        if self.elapsed_s is not None:
            line.append(f"{self.elapsed_s:6.2f}s ", style="dim")
        if self.note:
            line.append(clean(self.note), style="red" if self.state in PROBLEMS else "")
        return line


class ActivityLog:
    """Bounded history of requests and notes, shared by every screen of the app."""

    def __init__(
        self,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        limit: int = HISTORY,
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

    def not_sent(self, action: str, target: str, why: str) -> ActivityEntry:
        """A requested action stopped before sending (read-only, cancelled, already in flight)."""
        entry = ActivityEntry(self, action, target, state=NOT_SENT)
        entry.note = f"not sent: {why}"
        entry.elapsed_s = None
        self.entries.append(entry)
        self.changed(entry)
        return entry

    def keep(self, entry: ActivityEntry) -> None:
        """Move `entry` (a bulk summary) to the newest place, so its own failure lines never push it out."""
        try:
            self.entries.remove(entry)
        except ValueError:
            pass
        self.entries.append(entry)
        self.changed(entry)

    def changed(self, entry: ActivityEntry) -> None:
        for listener in list(self._listeners):
            listener(entry)
