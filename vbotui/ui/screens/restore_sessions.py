"""The restore sessions screen (`R`): what the server lists, refreshed in place; `x` stops one."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Footer, Static
from textual.widgets.data_table import CellDoesNotExist, RowKey

from vbotui.api.client import VboClient
from vbotui.api.errors import VboError
from vbotui.api.models import RestoreSession
from vbotui.timeparse import system_local_zone
from vbotui.ui.safe_text import safe_text

from .explore import started_restore_sessions, write_audit

# State and result before the organization, so that they fit in 80 columns next to a 36-character id.
COLUMNS = ("id", "type", "state", "result", "organization", "created (local)", "ended (local)")
REFRESH_SECONDS = 5.0
KEYS_HINT = "x stop the session under the cursor   ctrl+r refresh   esc back"
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def format_local(value: datetime | None, local_tz: tzinfo) -> str:
    return value.astimezone(local_tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def session_cells(session: RestoreSession, local_tz: tzinfo) -> list[Text]:
    state = session.state or ""
    return [
        safe_text(session.id),
        safe_text(session.type or ""),
        safe_text(state, style="bold green" if session.is_working else ""),
        safe_text(session.result or "", style="red" if (session.result or "").lower() == "failed" else ""),
        safe_text(session.organization or session.name or ""),
        Text(format_local(session.creation_time, local_tz)),
        Text(format_local(session.end_time, local_tz)),
    ]


def describe_session(session: RestoreSession) -> Text:
    """`<id> (Vex, contoso, Working)`, server text made safe."""
    details = [part for part in (session.type, session.organization, session.state) if part]
    line = safe_text(session.id, style="bold")
    if details:
        line.append(" (")
        line.append_text(safe_text(", ".join(details)))
        line.append(")")
    return line


async def stop_session(app: App[Any], client: VboClient, session: RestoreSession) -> VboError | None:
    """Stop one restore session, reporting it in the status panel; returns the error, if any."""
    activity = getattr(app, "activity", None)
    entry = activity.begin("stop session", session.id) if activity is not None else None
    try:
        result = await client.stop_restore_session(session.id)
    except VboError as err:
        if entry is not None:
            entry.failed(err)
        write_audit(app, "stop restore session", "", "", f"failed: session {session.id}: {err.describe()}")
        return err
    if entry is not None:
        entry.succeeded(result.status, result.elapsed_s)
    write_audit(app, "stop restore session", "", "", f"ok {result.status} session {session.id}")
    started = getattr(app, "started_restore_sessions", None)
    if isinstance(started, dict) and session.id in started:
        started[session.id] = RestoreSession(
            id=session.id,
            type=session.type,
            state="Stopped",
            result=session.result,
            organization=session.organization,
            name=session.name,
            creation_time=session.creation_time,
            end_time=session.end_time,
        )
    return None


class ConfirmStopSession(ModalScreen[bool]):
    """Asks before stopping a restore session; the default (Enter) is "No"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmStopSession { align: center middle; }
    ConfirmStopSession > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmStopSession Horizontal { height: auto; margin-top: 1; }
    ConfirmStopSession Button { margin-right: 2; }
    """

    def __init__(self, session: RestoreSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Stop restore session ", describe_session(self.session), "?"))
            yield Static("Anyone exploring or restoring from it loses it.  y yes  n/Esc no")
            with Horizontal():
                yield Button("No", id="confirm-no", compact=True)
                yield Button("Yes, stop it", id="confirm-yes", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RestoreSessionsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "stop_session", "Stop session"),
        Binding("ctrl+r", "refresh", "Refresh"),
        Binding("escape,q", "back", "Back"),
    ]

    DEFAULT_CSS = """
    RestoreSessionsScreen #sessions-title { text-style: bold; padding: 0 1; }
    RestoreSessionsScreen DataTable { height: 1fr; }
    RestoreSessionsScreen .sessions-line { height: auto; padding: 0 1; }
    RestoreSessionsScreen .-error { color: $text-error; }
    """

    def __init__(
        self,
        client: VboClient,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        local_tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.local_tz = local_tz or system_local_zone()
        self.refresh_seconds = refresh_seconds
        self.sessions: dict[str, RestoreSession] = {}
        self.loaded = False
        self.poll_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("Restore sessions", id="sessions-title")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static("Reading restore sessions...", id="sessions-status", classes="sessions-line")
        yield Static(
            "x stop the session under the cursor   ctrl+r refresh   esc back",
            id="sessions-outcome",
            classes="sessions-line",
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        table.focus()
        self.load_sessions()

    # --- refresh: one poll at a time, re-armed when it finishes, rows updated in place by id

    @work(exclusive=True, group="restore-sessions-refresh")
    async def load_sessions(self) -> None:
        try:
            sessions = await self.client.list_restore_sessions()
        except VboError as err:
            self.show_status(
                Text.assemble("Could not read restore sessions: ", safe_text(err.describe())), True
            )
        else:
            self.apply(sessions)
            self.loaded = True
            self.show_status(
                Text(f"{len(sessions)} restore sessions; refreshed every {self.refresh_seconds:g} s")
            )
        # One timer at most, even when ctrl+r starts a refresh between polls.
        if self.poll_timer is not None:
            self.poll_timer.stop()
        if self.is_attached:
            self.poll_timer = self.set_timer(self.refresh_seconds, self.load_sessions, name="sessions-poll")

    def apply(self, sessions: list[RestoreSession]) -> None:
        table = self.query_one(DataTable)
        fresh = {session.id: session for session in sessions if session.id}
        for gone in [key for key in self.sessions if key not in fresh]:
            table.remove_row(gone)
        new = sorted(
            (s for key, s in fresh.items() if key not in self.sessions),
            key=lambda s: (s.creation_time is None, s.creation_time or EARLIEST, s.id),
        )
        for session in fresh.values():
            if session.id in self.sessions:
                for column, cell in zip(COLUMNS, session_cells(session, self.local_tz), strict=True):
                    table.update_cell(session.id, column, cell)
        for session in new:
            table.add_row(*session_cells(session, self.local_tz), key=session.id)
        self.sessions = fresh

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

    def action_back(self) -> None:
        self.dismiss(None)

    def action_stop_session(self) -> None:
        if getattr(self.app, "read_only", False):
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

    @work(group="restore-sessions-stop")
    async def stop(self, session: RestoreSession) -> None:
        self.show_outcome(Text.assemble("Stopping ", describe_session(session), "..."))
        error = await stop_session(self.app, self.client, session)
        if error is not None:
            self.show_outcome(Text.assemble("Stop refused: ", safe_text(error.describe())), True)
        else:
            self.show_outcome(Text.assemble("Stopped ", safe_text(session.id, style="bold"), "."))
        self.load_sessions()


__all__ = ["ConfirmStopSession", "RestoreSessionsScreen", "started_restore_sessions", "stop_session"]
