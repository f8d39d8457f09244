"""The restore sessions screen (`R`): what the server lists, refreshed in place; `x` stops one.

The table fits the terminal without a horizontal scrollbar: ids are shortened to their first 8
characters (the full id of the session under the cursor is on the detail line below the table),
dates are `MM-DD HH:MM` in the clock's current year, organizations drop `.onmicrosoft.com` and are
cut to the room left; below WIDE_FROM columns (80x24), result and ended move to the detail line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowKey

from vbotui.api.models import RestoreSession
from vbotui.operations import DONE, ServerOperations
from vbotui.timeparse import zone_label
from vbotui.timetext import in_zone, out_of_range, stamp, zoned_text
from vbotui.ui.actions import bindings_for
from vbotui.ui.safe_text import safe_text
from vbotui.words import counted

from ..widgets.footer import KeyFooter
from ..zone import InTheAppsZone
from .base import AppScreen
from .confirm import ConfirmDialog
from .help import open_help

Clock = Callable[[], datetime]
COLUMNS = ("id", "type", "state", "result", "organization", "created", "ended")
NARROW_COLUMNS = ("id", "type", "state", "organization", "created")  # the most useful, at 80 columns
WIDE_FROM = 100  # terminal columns from which every column is shown
ID_CHARS = 8  # the table's id: enough to tell sessions apart; the full one is on the detail line
# The widest each fixed column can get (type, state, result: the API's words; dates: with the year).
FIXED_WIDTHS = {"id": ID_CHARS, "type": 4, "state": 7, "result": 7, "created": 16, "ended": 16}
CELL_PADDING, SCROLLBAR = 2, 2  # DataTable's padding per column; a vertical scrollbar's width
ORG_SUFFIX = ".onmicrosoft.com"
REFRESH_SECONDS = 5.0
KEYS_HINT = "x stop the session under the cursor   ctrl+r refresh   esc back"
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def format_local(value: datetime | None, local_tz: tzinfo) -> str:
    """The full local time, for the detail line."""
    return zoned_text(value, local_tz, "%Y-%m-%d %H:%M:%S") if value else ""


def format_short(value: datetime | None, local_tz: tzinfo, year: int | None) -> str:
    """'MM-DD HH:MM' in `year` (the clock's, local), else 'YYYY-MM-DD HH:MM'; '' when none."""
    if value is None:
        return ""
    local = in_zone(value, local_tz)
    if local is None:  # a date at an end of the range: text, never an overflow
        return out_of_range(value)
    return stamp(local, "%m-%d %H:%M" if local.year == year else "%Y-%m-%d %H:%M")


def columns_for(width: int) -> tuple[str, ...]:
    return COLUMNS if width >= WIDE_FROM else NARROW_COLUMNS


def organization_room(columns: tuple[str, ...], width: int) -> int:
    """The organization column's width: what the other columns (at their widest) leave of `width`."""
    taken = sum(FIXED_WIDTHS[key] for key in columns if key != "organization")
    return max(len("organization"), width - taken - CELL_PADDING * len(columns) - SCROLLBAR)


def short_organization(name: str, room: int) -> str:
    """Without the `.onmicrosoft.com` every tenant shares, cut with an ellipsis to `room` characters."""
    if name.lower().endswith(ORG_SUFFIX) and len(name) > len(ORG_SUFFIX):
        name = name[: -len(ORG_SUFFIX)]
    return name if len(name) <= room else name[: room - 1] + "…"


def session_cells(
    session: RestoreSession,
    local_tz: tzinfo,
    *,
    columns: tuple[str, ...] = COLUMNS,
    year: int | None = None,
    org_room: int = 1000,
) -> list[Text]:
    """The cells of `columns` for one session (server text made safe)."""
    state, result = session.state or "", session.result or ""
    cells = {
        "id": safe_text(session.id[:ID_CHARS]),
        "type": safe_text(session.type or ""),
        "state": safe_text(state, style="bold green" if session.is_working else ""),
        "result": safe_text(result, style="red" if result.lower() == "failed" else ""),
        "organization": safe_text(short_organization(session.organization or session.name or "", org_room)),
        "created": Text(format_short(session.creation_time, local_tz, year)),
        "ended": Text(format_short(session.end_time, local_tz, year)),
    }
    return [cells[key] for key in columns]


def session_detail(session: RestoreSession, local_tz: tzinfo) -> Text:
    """The detail line of the session under the cursor: what the table shortens or leaves out."""
    line = Text()
    line.append("session ", style="dim")
    line.append_text(safe_text(session.id, style="bold"))
    line.append("  ")
    line.append_text(safe_text(session.organization or session.name or ""))
    line.append("\ncreated ", style="dim")
    line.append(format_local(session.creation_time, local_tz) or "-")
    line.append("  ended ", style="dim")
    line.append(format_local(session.end_time, local_tz) or "-")
    line.append("  result ", style="dim")
    line.append_text(safe_text(session.result or "-"))
    return line


def describe_session(session: RestoreSession) -> Text:
    """`<id> (Vex, contoso, Working)`, server text made safe."""
    details = [part for part in (session.type, session.organization, session.state) if part]
    line = safe_text(session.id, style="bold")
    if details:
        line.append(" (")
        line.append_text(safe_text(", ".join(details)))
        line.append(")")
    return line


class ConfirmStopSession(ConfirmDialog):
    """Asks before stopping a restore session; the default (Enter) is "No"."""

    def __init__(self, session: RestoreSession) -> None:
        super().__init__(
            Text.assemble("Stop restore session ", describe_session(session), "?"),
            note="Anyone exploring or restoring from it loses it.",
            yes="Yes, stop it",
        )
        self.session = session


class RestoreSessionsScreen(AppScreen, InTheAppsZone, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("restore-sessions")

    def __init__(
        self,
        ops: ServerOperations,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        local_tz: tzinfo | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.ops = ops
        self._zone = local_tz  # a fixed zone (tests); None: the app's, which can change
        # The app's clock (the simulator's in --demo) decides the current year, unless one is given.
        self.clock: Clock = clock or ops.clock
        # The table's layout: its columns, the organization's room and the year shown without a year.
        self.table_layout: tuple[tuple[str, ...], int, int] | None = None
        self.refresh_seconds = refresh_seconds
        self.sessions: dict[str, RestoreSession] = {}
        self.loaded = False
        self.poll_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("Restore sessions", id="sessions-title")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sessions-detail", classes="sessions-line")
        yield Static("Reading restore sessions...", id="sessions-status", classes="sessions-line")
        yield Static(
            "x stop the session under the cursor   ctrl+r refresh   esc back",
            id="sessions-outcome",
            classes="sessions-line",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_title()
        self.relayout()
        self.query_one(DataTable).focus()
        self.load_sessions()

    # --- the table's layout: columns for the terminal's width, rebuilt when it changes

    def wanted_layout(self) -> tuple[tuple[str, ...], int, int]:
        width = self.app.size.width
        columns = columns_for(width)
        year = self.clock().astimezone(self.local_tz).year
        return columns, organization_room(columns, width), year

    def cells(self, session: RestoreSession) -> list[Text]:
        assert self.table_layout is not None
        columns, room, year = self.table_layout
        return session_cells(session, self.local_tz, columns=columns, year=year, org_room=room)

    def relayout(self) -> None:
        """Columns (and cells) for the terminal's width and the clock's year, if they changed."""
        wanted = self.wanted_layout()
        if wanted == self.table_layout:
            return
        table = self.query_one(DataTable)
        under_cursor = self.session_under_cursor()
        self.table_layout = wanted
        table.clear(columns=True)
        for column in wanted[0]:
            table.add_column(column, key=column)
        for session in self.ordered(self.sessions.values()):
            table.add_row(*self.cells(session), key=session.id)
        if under_cursor is not None:
            table.move_cursor(row=table.get_row_index(under_cursor.id))
        self.show_detail()

    def on_resize(self, event: events.Resize) -> None:
        if self.table_layout is not None:
            self.relayout()

    def show_zone(self) -> None:
        """The app's zone changed (the palette's UTC / local toggle): every time again, and the title."""
        if self.table_layout is not None:
            self.table_layout = None
            self.relayout()
        self.show_title()

    @staticmethod
    def ordered(sessions: Any) -> list[RestoreSession]:
        """Oldest first (sessions with no creation time last), then by id."""
        return sorted(sessions, key=lambda s: (s.creation_time is None, s.creation_time or EARLIEST, s.id))

    # --- refresh: one poll at a time, re-armed when it finishes, rows updated in place by id

    @work(
        exclusive=True, group="restore-sessions-refresh", exit_on_error=False, description="restore sessions"
    )
    async def load_sessions(self) -> None:
        result = await self.ops.list_restore_sessions()
        if not result.done:
            why = result.outcome.message
            if result.outcome.status is not None:
                why = f"{result.outcome.status} {why}"
            self.show_status(Text.assemble("Could not read restore sessions: ", safe_text(why)), True)
        else:
            sessions: list[RestoreSession] = result.value
            self.apply(sessions)
            self.loaded = True
            self.show_status(
                Text(
                    f"{counted(len(sessions), 'restore session')}; refreshed every {self.refresh_seconds:g} s"
                )
            )
        # One timer at most, even when ctrl+r starts a refresh between polls.
        if self.poll_timer is not None:
            self.poll_timer.stop()
        if self.is_attached and not self.ops.expired:  # a dead session stops polling here too
            self.poll_timer = self.set_timer(self.refresh_seconds, self.load_sessions, name="sessions-poll")

    def apply(self, sessions: list[RestoreSession]) -> None:
        self.relayout()  # a new year since the last poll
        assert self.table_layout is not None
        table = self.query_one(DataTable)
        fresh = {session.id: session for session in sessions if session.id}
        for gone in [key for key in self.sessions if key not in fresh]:
            table.remove_row(gone)
        new = self.ordered(s for key, s in fresh.items() if key not in self.sessions)
        for session in fresh.values():
            if session.id in self.sessions:
                for column, cell in zip(self.table_layout[0], self.cells(session), strict=True):
                    # Widening: an end time arrives in a column sized for none.
                    table.update_cell(session.id, column, cell, update_width=True)
        for session in new:
            table.add_row(*self.cells(session), key=session.id)
        self.sessions = fresh
        self.show_detail()
        self.show_title()

    def show_detail(self) -> None:
        """The full id and what the table leaves out, for the session under the cursor."""
        session = self.session_under_cursor()
        detail = self.query_one("#sessions-detail", Static)
        detail.update(session_detail(session, self.local_tz) if session is not None else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        self.show_title()

    def show_title(self) -> None:
        """`Restore sessions   times in UTC   row 2 of 5`."""
        zone = zone_label(self.local_tz, self.clock())
        table = self.query_one(DataTable)
        where = f"   row {table.cursor_row + 1} of {table.row_count}" if table.row_count else ""
        self.query_one("#sessions-title", Static).update(f"Restore sessions   times in {zone}{where}")

    def session_under_cursor(self) -> RestoreSession | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key: RowKey = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return self.sessions.get(str(row_key.value))

    def show_status(self, text: Text, error: bool = False) -> None:
        """The refresh line: how many sessions, or why they could not be read."""
        status = self.query_one("#sessions-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def show_outcome(self, text: Text, error: bool = False) -> None:
        """The action line: what the last `x` did; kept across refreshes."""
        outcome = self.query_one("#sessions-outcome", Static)
        outcome.update(text)
        outcome.set_class(error, "-error")

    # --- actions

    def action_refresh(self) -> None:
        self.load_sessions()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def action_first(self) -> None:
        self.query_one(DataTable).move_cursor(row=0)

    def action_last(self) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.row_count - 1))

    def action_help(self) -> None:
        open_help(self)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_stop_session(self) -> None:
        if self.ops.read_only:
            self.show_outcome(Text("Read-only mode: stopping restore sessions is turned off."), True)
            return
        session = self.session_under_cursor()
        if session is None:
            self.show_outcome(Text("No restore session under the cursor."), True)
            return
        if not session.is_working:
            self.show_outcome(Text.assemble(describe_session(session), " is not working: nothing to stop."))
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.stop(session)

        self.app.push_screen(ConfirmStopSession(session), answered)

    @work(group="restore-sessions-stop", exit_on_error=False, description="stop restore session")
    async def stop(self, session: RestoreSession) -> None:
        self.show_outcome(Text.assemble("Stopping ", describe_session(session), "..."))
        result = await self.ops.stop_restore_session(session)
        if result.outcome.kind != DONE:
            self.show_outcome(Text.assemble("Stop refused: ", safe_text(result.outcome.describe())), True)
        else:
            self.show_outcome(Text.assemble("Stopped ", safe_text(session.id, style="bold"), "."))
        self.load_sessions()


__all__ = ["ConfirmStopSession", "RestoreSessionsScreen"]
