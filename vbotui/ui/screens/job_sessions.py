"""The job sessions screen (Enter on a job): the job's sessions, newest first, refreshed in place.

Only a screenful is read at first (a job holds thousands of sessions); older pages are read as the
cursor nears the last row read, and `G` reads back to the oldest with a progress line. The polls
read the newest screenful again and merge it on top (operations/history.py does the reading).

Start, end, duration, status, full or incremental (v8 says which; before, "-"), retries, processed
objects, data transferred, rate, bottleneck. While a session runs the list is read again every
RUNNING_REFRESH_S seconds, otherwise every IDLE_REFRESH_S; rows are updated by session id, so the
cursor stays. Enter opens the log of the session under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from vbotui.api.models import Job, JobSession
from vbotui.operations import ServerOperations
from vbotui.operations.sessions import read_newest_sessions, read_older_sessions
from vbotui.timeparse import zone_label
from vbotui.words import counted

from ..actions import bindings_for
from ..safe_text import safe_text
from ..widgets.footer import KeyFooter
from ..zone import InTheAppsZone
from .base import AppScreen
from .help import open_help
from .session_cells import COLUMNS, NARROW_COLUMNS, as_given, human_bytes, local_date, session_cells

Clock = Callable[[], datetime]
OLDEST = datetime.min.replace(tzinfo=timezone.utc)
RUNNING_REFRESH_S = 2.0
IDLE_REFRESH_S = 15.0
WIDE_FROM = 110
PAGE_BACK = 100  # sessions read per step back in time (scrolling, G)
NEAR_END = 5  # the next older page is read when the cursor is this near the last row read


class JobSessionsScreen(AppScreen, InTheAppsZone, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("job-sessions")

    def __init__(self, ops: ServerOperations, job: Job, *, local_tz: tzinfo | None = None) -> None:
        super().__init__()
        self.ops = ops
        self.job = job
        self._zone = local_tz  # a fixed zone (tests); None: the app's, which can change
        self.sessions: dict[str, JobSession] = {}
        self.columns: tuple[str, ...] = ()
        self.loaded = False
        self.poll_timer: Timer | None = None
        self.back = ops.history(job)  # the first screenful, then older pages
        self.top = ops.history(job)  # the polls' newest screenful
        self.reading_older = False
        self.to_oldest = False  # G: keep reading older pages until the oldest
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="job-sessions-title")
        yield DataTable(id="job-sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="job-sessions-detail", classes="sessions-line")
        yield Static("Reading sessions...", id="job-sessions-status", classes="sessions-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.relayout()
        self.query_one(DataTable).focus()
        self.load_sessions()

    def on_resize(self) -> None:
        self.relayout()

    def title_text(self) -> Text:
        title = Text("Sessions of ", style="bold")
        title.append_text(safe_text(self.job.name, style="bold"))
        title.append(f"   times in {zone_label(self.local_tz, self.ops.clock())}")
        return title

    def show_zone(self) -> None:
        """The app's zone changed (the palette's UTC / local toggle): every time again, and the title."""
        self.query_one("#job-sessions-title", Static).update(self.title_text())
        if self.columns:
            self.columns = ()
            self.relayout()
            self.show_detail()

    def relayout(self) -> None:
        wanted = COLUMNS if self.app.size.width >= WIDE_FROM else NARROW_COLUMNS
        if wanted == self.columns:
            return
        table = self.query_one(DataTable)
        under = self.session_under_cursor()
        self.columns = wanted
        table.clear(columns=True)
        for column in wanted:
            table.add_column(column, key=column)
        for session in self.ordered():
            table.add_row(*self.cells(session), key=session.id)
        if under is not None:
            table.move_cursor(row=table.get_row_index(under.id))

    def cells(self, session: JobSession) -> list[Text]:
        return session_cells(session, self.ops.clock(), self.local_tz, self.columns)

    def ordered(self) -> list[JobSession]:
        return list(self.sessions.values())  # kept newest first, as read

    # --- refresh in place
    def screenful(self) -> int:
        """Sessions read at first and at each poll: what the screen shows, and some."""
        return max(10, self.app.size.height)

    @work(exclusive=True, group="job-sessions-refresh", exit_on_error=False, description="job sessions")
    async def load_sessions(self) -> None:
        history = self.top if self.loaded else self.back
        result = await read_newest_sessions(self.ops, history, self.screenful())
        self.running = False
        if not result.done:
            self.show_status(
                Text.assemble("Could not read the sessions: ", safe_text(result.outcome.describe())), True
            )
        else:
            sessions: list[JobSession] = result.value
            self.apply(sessions)
            self.loaded = True
            self.running = any(session.is_running for session in sessions)
            self.show_summary()
        if self.poll_timer is not None:
            self.poll_timer.stop()
        if self.is_attached and not self.ops.expired:
            delay = RUNNING_REFRESH_S if self.running else IDLE_REFRESH_S
            self.poll_timer = self.set_timer(delay, self.load_sessions, name="job-sessions-poll")

    def show_summary(self) -> None:
        every = RUNNING_REFRESH_S if self.running else IDLE_REFRESH_S
        words = "a session is running: " if self.running else ""
        more = "all of them" if self.back.at_oldest else "older ones as you scroll (G: the oldest)"
        self.show_status(
            Text(
                f"{counted(len(self.sessions), 'session')}, newest first, {more}; "
                f"{words}refreshed every {every:g} s"
            )
        )

    def want_older(self, *, to_oldest: bool = False) -> None:
        """Read the next older page (G: every one, to the oldest), one reader at a time."""
        self.to_oldest = self.to_oldest or to_oldest
        if self.loaded and not self.reading_older and not self.back.at_oldest:
            self.reading_older = True
            self.load_older()

    @work(group="job-sessions-older", exit_on_error=False, description="older job sessions")
    async def load_older(self) -> None:
        try:
            while not self.back.at_oldest:
                result = await read_older_sessions(self.ops, self.back, PAGE_BACK)
                if not result.done:
                    why = safe_text(result.outcome.describe())
                    self.show_status(Text.assemble("Could not read older sessions: ", why), True)
                    self.to_oldest = False
                    return
                self.apply(result.value, older=True)
                if not self.to_oldest:
                    break
                oldest = next(reversed(self.sessions.values()), None)
                back_to = oldest.creation_time if oldest is not None else None
                when = f", back to {local_date(back_to, self.local_tz)}" if back_to is not None else ""
                self.show_status(Text(f"Reading older sessions: {len(self.sessions):,} read{when}..."))
        finally:
            self.reading_older = False
        if self.to_oldest:
            self.to_oldest = False
            self.action_oldest()
        self.show_summary()

    def apply(self, sessions: list[JobSession], *, older: bool = False) -> None:
        """Update the rows of known sessions; older ones go at the bottom, newer ones on top
        (the cursor stays on its session). Rows are never dropped: a read is one page of many."""
        table = self.query_one(DataTable)
        fresh = [session for session in sessions if session.id]
        for session in fresh:
            if session.id in self.sessions:
                self.sessions[session.id] = session
                for column, cell in zip(self.columns, self.cells(session), strict=True):
                    table.update_cell(session.id, column, cell, update_width=True)
        new = [session for session in fresh if session.id not in self.sessions]
        if new and (older or not self.sessions):
            for session in new:
                self.sessions[session.id] = session
                table.add_row(*self.cells(session), key=session.id)
        elif new:
            under = self.session_under_cursor()
            merged = [*new, *self.sessions.values()]
            merged.sort(key=lambda s: s.creation_time or OLDEST, reverse=True)
            self.sessions = {session.id: session for session in merged}
            table.clear()
            for session in self.sessions.values():
                table.add_row(*self.cells(session), key=session.id)
            if under is not None:
                table.move_cursor(row=table.get_row_index(under.id))
        self.show_detail()

    def session_under_cursor(self) -> JobSession | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return self.sessions.get(str(key.value))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        if event.cursor_row >= event.data_table.row_count - NEAR_END:
            self.want_older()

    def show_detail(self) -> None:
        session = self.session_under_cursor()
        detail = self.query_one("#job-sessions-detail", Static)
        if session is None:
            detail.update("")
            return
        line = Text("session ", style="dim")
        line.append_text(safe_text(session.id, style="bold"))
        line.append("  ")
        line.append_text(safe_text(session.details))
        detail.update(line)

    def show_status(self, text: Text, error: bool = False) -> None:
        status = self.query_one("#job-sessions-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # --- keys
    def action_refresh(self) -> None:
        self.load_sessions()

    def action_first(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_oldest(self) -> None:
        """The last row; when older sessions remain unread, they are read first (a progress line)."""
        table = self.query_one(DataTable)
        if self.back.at_oldest or not self.loaded:
            table.move_cursor(row=max(0, table.row_count - 1))
        else:
            self.want_older(to_oldest=True)

    def action_help(self) -> None:
        open_help(self)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_log(self) -> None:
        session = self.session_under_cursor()
        if session is None:
            self.say("No session under the cursor.", "warning")
            return
        from .session_log import SessionLogScreen

        self.app.push_screen(SessionLogScreen(self.ops, self.job, session, local_tz=self._zone))


__all__ = ["JobSessionsScreen", "as_given", "human_bytes", "local_date", "session_cells"]
