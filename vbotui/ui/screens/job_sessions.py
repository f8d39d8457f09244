"""The job sessions screen (Enter on a job): the job's sessions, newest first, refreshed in place.

Start, end, duration, status, full or incremental (v8 says which; before, "-"), retries, processed
objects, data transferred, rate, bottleneck. While a session runs the list is read again every
RUNNING_REFRESH_S seconds, otherwise every IDLE_REFRESH_S; rows are updated by session id, so the
cursor stays. Enter opens the log of the session under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
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
from vbotui.operations.sessions import read_job_sessions
from vbotui.timeparse import zone_label
from vbotui.words import counted

from ..actions import bindings_for
from ..safe_text import cut, safe_text
from ..widgets.footer import KeyFooter
from ..zone import InTheAppsZone
from .base import AppScreen
from .help import open_help

Clock = Callable[[], datetime]
RUNNING_REFRESH_S = 2.0
IDLE_REFRESH_S = 15.0
COLUMNS = (
    "start",
    "end",
    "duration",
    "status",
    "type",
    "retries",
    "objects",
    "transferred",
    "rate",
    "bottleneck",
)
NARROW_COLUMNS = ("start", "duration", "status", "type", "objects", "transferred", "rate")
WIDE_FROM = 110
KINDS = {"full": "full", "incremental": "incremental"}
NARROW_KINDS = {"full": "full", "incremental": "incr"}
STATUS_STYLES = {"failed": "bold red", "warning": "yellow", "running": "bold green", "stopped": "dim"}


BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB", "EB")
# Past this many bytes no unit says it (a float cannot even hold 400 digits): the digits as given.
HUGE_BYTES = 1000 * 1024 ** (len(BYTE_UNITS) - 1)
NUMBER_WIDTH = 12  # a count or a size that long is cut with an ellipsis, not let widen its column


def as_given(number: int) -> str:
    """A number as the server gave it, cut with an ellipsis past NUMBER_WIDTH cells."""
    return cut(str(number), NUMBER_WIDTH)


def human_bytes(count: int | None) -> str:
    """Three significant digits at most ("1.6 MB", "273 KB"), so that a rate fits 80 columns."""
    if count is None:
        return "-"
    if abs(count) >= HUGE_BYTES:
        return f"{as_given(count)} B"
    value = float(count)
    unit = BYTE_UNITS[0]
    for unit in BYTE_UNITS:
        if abs(value) < 1000 or unit == BYTE_UNITS[-1]:
            break
        value /= 1024
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"


def duration_text(session: JobSession, now: datetime) -> str:
    if session.creation_time is None:
        return "-"
    end = session.end_time or (now if session.is_running else None)
    if end is None:
        return "-"
    seconds = max(0, int((end - session.creation_time).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def in_zone(value: datetime, zone: tzinfo) -> datetime | None:
    """`value` in `zone`; None when the zone moves it past year 1 or 9999 (a server's edge dates)."""
    try:
        return value.astimezone(zone)
    except (OverflowError, ValueError):
        return None


def stamp(value: datetime, *, date: bool = True, year: bool = True) -> str:
    """ "2024-05-06 09:30", four-digit years always (strftime leaves year 1 as "1")."""
    clock = f"{value.hour:02d}:{value.minute:02d}"
    if not date:
        return clock
    day = f"{value.month:02d}-{value.day:02d}"
    return f"{value.year:04d}-{day} {clock}" if year else f"{day} {clock}"


def as_sent(value: datetime) -> str:
    """A time the display zone cannot hold, as the server sent it (UTC, said so)."""
    zone = value.tzname() or ""
    return f"{stamp(value)} {zone}".rstrip()


def local_time(value: datetime | None, zone: tzinfo) -> str:
    if value is None:
        return "-"
    shown = in_zone(value, zone)
    return as_sent(value) if shown is None else stamp(shown)


def local_date(value: datetime, zone: tzinfo) -> str:
    """The date in `zone` ("2025-02-20"), or the time as sent when the zone cannot hold it."""
    shown = in_zone(value, zone)
    return as_sent(value) if shown is None else stamp(shown)[:10]


def end_time(session: JobSession, zone: tzinfo) -> str:
    """The end, without the date it shares with the start (the row then fits 120 columns)."""
    if session.end_time is None or session.creation_time is None:
        return local_time(session.end_time, zone)
    end, start = in_zone(session.end_time, zone), in_zone(session.creation_time, zone)
    if end is None or start is None:
        return local_time(session.end_time, zone)
    if end.date() == start.date():
        return stamp(end, date=False)
    return stamp(end, year=end.year != start.year)


def session_cells(
    session: JobSession, now: datetime, zone: tzinfo, columns: tuple[str, ...] = COLUMNS
) -> list[Text]:
    stats = session.statistics
    status = session.status or "-"
    objects = stats.processed_objects if stats.processed_objects is not None else session.progress
    # Narrow, "incr" leaves the rate its room.
    kinds = KINDS if "bottleneck" in columns else NARROW_KINDS
    kind = kinds.get((session.config_type or "").lower(), "-")
    cells = {
        "start": Text(local_time(session.creation_time, zone)),
        "end": Text(
            "running" if session.is_running and session.end_time is None else end_time(session, zone)
        ),
        "duration": Text(duration_text(session, now)),
        "status": safe_text(status, style=STATUS_STYLES.get(status.lower(), ""), width=NUMBER_WIDTH),
        "type": Text(kind),
        "retries": Text("-" if session.retry_count is None else as_given(session.retry_count)),
        "objects": Text("-" if objects is None else as_given(objects)),
        "transferred": Text(human_bytes(stats.transferred_bytes)),
        "rate": Text(
            f"{human_bytes(stats.processing_rate_bytes)}/s"
            if stats.processing_rate_bytes is not None
            else "-"
        ),
        "bottleneck": safe_text(stats.bottleneck or "-", width=20),
    }
    return [cells[key] for key in columns]


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
    @work(exclusive=True, group="job-sessions-refresh", exit_on_error=False, description="job sessions")
    async def load_sessions(self) -> None:
        result = await read_job_sessions(self.ops, self.job)
        running = False
        if not result.done:
            self.show_status(
                Text.assemble("Could not read the sessions: ", safe_text(result.outcome.describe())), True
            )
        else:
            sessions: list[JobSession] = result.value
            self.apply(sessions)
            self.loaded = True
            running = any(session.is_running for session in sessions)
            every = RUNNING_REFRESH_S if running else IDLE_REFRESH_S
            words = "a session is running: " if running else ""
            self.show_status(
                Text(f"{counted(len(sessions), 'session')}, newest first; {words}refreshed every {every:g} s")
            )
        if self.poll_timer is not None:
            self.poll_timer.stop()
        if self.is_attached and not self.ops.expired:
            delay = RUNNING_REFRESH_S if running else IDLE_REFRESH_S
            self.poll_timer = self.set_timer(delay, self.load_sessions, name="job-sessions-poll")

    def apply(self, sessions: list[JobSession]) -> None:
        table = self.query_one(DataTable)
        fresh = {session.id: session for session in sessions if session.id}
        for gone in [key for key in self.sessions if key not in fresh]:
            table.remove_row(gone)
        known = [key for key in fresh if key in self.sessions]
        for key in known:
            for column, cell in zip(self.columns, self.cells(fresh[key]), strict=True):
                table.update_cell(key, column, cell, update_width=True)
        new = [session for key, session in fresh.items() if key not in self.sessions]
        if new and not self.sessions:
            for session in new:
                table.add_row(*self.cells(session), key=session.id)
        elif new:
            # Newer sessions go on top: rebuild the rows (the cursor stays on its session).
            under = self.session_under_cursor()
            self.sessions = fresh
            table.clear()
            for session in fresh.values():
                table.add_row(*self.cells(session), key=session.id)
            if under is not None and under.id in fresh:
                table.move_cursor(row=table.get_row_index(under.id))
        self.sessions = fresh
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


__all__ = ["JobSessionsScreen", "human_bytes", "session_cells"]
