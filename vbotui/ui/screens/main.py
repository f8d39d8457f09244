"""The main screen: header, filter, job list, detail pane, status panel, footer."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from vbotui.api.client import VboClient
from vbotui.api.errors import VboError
from vbotui.api.models import Job, JobSession
from vbotui.filtering import parse_filter

from ..commands import JobCommands
from ..job_actions import JobActions, needs_confirmation
from ..safe_text import clean
from ..widgets.job_detail import JobDetail
from ..widgets.job_table import SORTABLE, JobTable
from ..widgets.status_panel import StatusPanel
from .confirm import ConfirmScreen
from .explore import ExploreDialog
from .help import HelpScreen
from .quit_sessions import request_quit
from .restore_sessions import RestoreSessionsScreen

if TYPE_CHECKING:
    from ..app import VboApp

DETAIL_DEBOUNCE_S = 0.3
FILTER_DEBOUNCE_S = 0.25
MODAL_RECHECK_S = 1.0


class MainScreen(Screen[None]):
    COMMANDS = {JobCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: handled the moment the key arrives, so that keys typed right after it (a
        # fast typist, or several keys in one SSH packet) already go to the filter box.
        Binding("slash", "filter", "Filter", id="filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
        Binding("space", "mark", "Mark", id="mark"),
        Binding("asterisk", "mark_shown", "Mark shown", show=False, id="mark-shown"),
        Binding("s", "start", "Start", id="start"),
        Binding("x", "stop", "Stop", id="stop"),
        Binding("e", "enable", "Enable", id="enable"),
        Binding("d", "disable", "Disable", id="disable"),
        Binding("o", "explore", "Explore", id="explore"),
        Binding("R", "restore_sessions", "Restores", id="restore-sessions"),
        Binding("greater_than_sign", "sort_next", "Sort", show=False, id="sort-next"),
        Binding("less_than_sign", "sort_reverse", "Reverse sort", show=False, id="sort-reverse"),
        Binding("ctrl+r", "refresh_now", "Refresh", id="refresh"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("colon", "app.command_palette", "Palette", show=False, id="palette"),
        Binding("q", "quit_app", "Quit", id="quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.jobs = JobTable(id="jobs")
        self._refresh_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._detail_id: str | None = None
        self._detail_sessions: list[JobSession] | None = None
        self.loaded = False
        self.refresh_error: str | None = None  # why the last poll failed, until one succeeds

    @property
    def vbo(self) -> VboApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="header")
        yield Input(placeholder="/ filter: words, status:failed, org:x, enabled:no, !negate", id="filter")
        yield self.jobs
        yield JobDetail(self.vbo.clock, id="detail")
        yield StatusPanel(self.vbo.activity, id="status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        vbo = self.vbo
        assert vbo.client is not None, "the main screen needs a signed-in client"
        self.client: VboClient = vbo.client  # this screen's client; a new sign-in brings a new screen
        self.actions = JobActions(self.client, vbo.activity, self._job_updated, self._notify, vbo.audit)
        self.jobs.focus()
        self.update_header()
        self.set_interval(1.0, self.update_header)
        self.refresh_jobs(with_orgs=True)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100 or self.size.height < 30, "-compact")

    # ----- header -----
    def update_header(self) -> None:
        vbo, table = self.vbo, self.jobs
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        header.append(f" {vbo.label} ", style="bold reverse")
        if vbo.insecure:  # first, so that no narrow terminal can cut it off
            header.append(" INSECURE: TLS not verified ", style="bold reverse red")
        if vbo.read_only:
            header.append(" READ-ONLY ", style="bold reverse red")
        header.append(f" API {self.client.version or '?'}  user {self.client.user or '?'}  ")
        if vbo.last_update is None:
            failed = self.refresh_error is not None
            header.append("load failed" if failed else "loading...", style="bold red" if failed else "yellow")
        else:
            age = int((vbo.clock() - vbo.last_update).total_seconds())
            header.append(f"updated {max(age, 0)} s ago", style="bold red" if vbo.refresh_failed else "")
        if self.refresh_error is not None:
            # Said in words, not only in red: 16-colour and NO_COLOR terminals lose the colour.
            header.append("  ")
            header.append("refresh failed: ", style="bold red")
            header.append(clean(self.refresh_error), style="red")
        # Short enough for 80 columns; the filter's words are on the filter line below.
        # (Separators go in unstyled pieces: SVG screenshots drop a styled piece's leading spaces.)
        total, shown = len(table.jobs), table.row_count
        header.append("  ")
        header.append(f"{total} jobs" if shown == total else f"{shown} of {total} jobs", style="dim")
        if table.marks:
            header.append(", ")
            header.append(f"{len(table.marks)} marked", style="bold")
        header.append("  ")
        header.append(f"sort {table.sort_column}{' desc' if table.sort_reverse else ''}", style="dim")
        self.query_one("#header", Static).update(header)

    # ----- loading and refresh -----
    @work(group="refresh", exclusive=True, exit_on_error=False)
    async def refresh_jobs(self, with_orgs: bool = False) -> None:
        vbo = self.vbo
        entry = None
        try:
            if with_orgs or not vbo.org_names:
                entry = vbo.activity.begin("list orgs", "organizations")
                orgs = await self.client.list_organizations()
                vbo.org_names = {org.id: org.name for org in orgs}
                entry.succeeded(None, note=f"{len(orgs)} organizations")
            entry = vbo.activity.begin("refresh" if self.loaded else "list jobs", "jobs")
            jobs = await self.client.list_jobs()
            entry.succeeded(None, note=f"{len(jobs)} jobs")
            self.jobs.load(jobs, vbo.org_names)
            self.loaded = True
            vbo.last_update, vbo.refresh_failed = vbo.clock(), False
            self.refresh_error = None
            self._sync_detail()
        except asyncio.CancelledError:
            if entry is not None:
                entry.cancelled()
            raise
        except Exception as error:  # a body of an unexpected shape may raise anything
            vbo.refresh_failed = True
            self.refresh_error = error.describe() if isinstance(error, VboError) else repr(error)
            if entry is not None:
                entry.failed(error)
        finally:
            self.update_header()
            self._arm_refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A request refused for a dead session (token and refresh both refused) ends here, from a
        # poll or an action alike: the app asks for the password; nothing is re-sent.
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR) and self.is_attached:
            self.vbo.check_session()

    def _arm_refresh(self, delay: float | None = None) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(delay or self.vbo.refresh_s, self._poll)

    def _poll(self) -> None:
        if self.app.screen is not self:  # a dialog or the palette is open: wait for it
            self._arm_refresh(MODAL_RECHECK_S)
        else:
            self.refresh_jobs()

    def action_refresh_now(self) -> None:
        self.refresh_jobs(with_orgs=True)

    # ----- detail pane -----
    @on(DataTable.RowHighlighted, "#jobs")
    def _cursor_moved(self) -> None:
        self._sync_detail()

    def _sync_detail(self) -> None:
        """Follow the cursor (a sort or filter moves rows under it without an event)."""
        job_id = self.jobs.cursor_job_id
        if job_id == self._detail_id:
            self._show_detail()
            return
        self._detail_id, self._detail_sessions = job_id, None
        self._show_detail()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if job_id is not None:
            self._detail_timer = self.set_timer(DETAIL_DEBOUNCE_S, partial(self.load_sessions, job_id))

    def _show_detail(self, error: str = "") -> None:
        job = self.jobs.jobs.get(self._detail_id or "")
        detail = self.query_one("#detail", JobDetail)
        detail.show(job, self.jobs.org_name(job) if job else "", self._detail_sessions, error)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def load_sessions(self, job_id: str) -> None:
        try:
            sessions = await self.client.job_sessions(job_id, limit=5)
        except VboError as error:
            if job_id == self._detail_id:
                self._show_detail(error.describe())
            return
        if job_id == self._detail_id:  # drop answers for a job the cursor has left
            self._detail_sessions = sessions
            self._show_detail()

    # ----- filter, marks, sort -----
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:
            # A priority binding sees "/" typed in the box too: queue it behind the keys the box
            # has not handled yet, so the text keeps the order it was typed in.
            box.post_message(events.Key("slash", "/"))
            return
        # Focus now, not via call_later: keys typed right after "/" are already queued.
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self._apply_filter()
        self.set_focus(self.jobs)

    @on(Input.Changed, "#filter")
    def _filter_typed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE_S, self._apply_filter)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._apply_filter()
        self.set_focus(self.jobs)

    def _apply_filter(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        new = parse_filter(self.query_one("#filter", Input).value)
        if new != self.jobs.job_filter:
            self.jobs.set_filter(new)
            self._sync_detail()
            self.update_header()

    def action_mark(self) -> None:
        if (job_id := self.jobs.cursor_job_id) is not None:
            self.jobs.toggle_mark(job_id)
            self.update_header()

    def action_mark_shown(self) -> None:
        self.jobs.toggle_mark_visible()
        self.update_header()

    def action_sort_next(self) -> None:
        columns = [c for c in SORTABLE if c in self.jobs.columns]
        index = columns.index(self.jobs.sort_column) if self.jobs.sort_column in columns else -1
        self.jobs.set_sort(columns[(index + 1) % len(columns)], False)
        self._sync_detail()
        self.update_header()

    def action_sort_reverse(self) -> None:
        self.jobs.set_sort(self.jobs.sort_column, not self.jobs.sort_reverse)
        self._sync_detail()
        self.update_header()

    def go_to_job(self, job_id: str) -> None:
        if not self.jobs.move_to(job_id):
            self.action_clear_filter()
            self.jobs.move_to(job_id)
        self.jobs.focus()

    # ----- actions -----
    def action_enable(self) -> None:
        self.request_action("enable")

    def action_disable(self) -> None:
        self.request_action("disable")

    def action_start(self) -> None:
        self.request_action("start")

    def action_stop(self) -> None:
        self.request_action("stop")

    def _refuse_read_only(self, action: str) -> bool:
        if self.vbo.read_only:
            self.notify(f"Read-only mode (--read-only): {action} is not allowed.", severity="warning")
            self.vbo.activity.note(action, "not sent: read-only mode (--read-only)")
        return self.vbo.read_only

    def _targets(self) -> list[Job]:
        marked = self.jobs.marked_jobs()
        if marked:
            return marked
        job = self.jobs.jobs.get(self.jobs.cursor_job_id or "")
        return [job] if job else []

    def request_action(self, action: str) -> None:
        if self._refuse_read_only(action):
            return
        jobs = self._targets()
        if not jobs:
            self.notify("No job under the cursor.", severity="warning")
            return
        if all((action, job.id) in self.actions.in_flight for job in jobs):
            self.actions.claim(action, jobs)  # says "already in progress"
            return
        if needs_confirmation(action, len(jobs)):
            confirm = ConfirmScreen(action, [job.name for job in jobs])
            self.app.push_screen(confirm, callback=partial(self._confirmed, action, jobs))
        else:
            self._launch(action, jobs)

    def _confirmed(self, action: str, jobs: list[Job], answer: bool | None) -> None:
        if answer:
            self._launch(action, jobs)
        else:
            self.vbo.activity.note(action, f"cancelled ({len(jobs)} job{'s' if len(jobs) > 1 else ''})")

    def _launch(self, action: str, jobs: list[Job]) -> None:
        free = self.actions.claim(action, jobs)
        if not free:
            return
        if len(jobs) == 1:
            work = self.actions.run_one(action, free[0])
        else:
            work = self.actions.run_bulk(action, free)
            self.jobs.clear_marks()  # done with them: a later key must not hit 100 jobs by surprise
        self.run_worker(work, group="action", exit_on_error=False, description=f"{action} jobs")
        self.update_header()

    def _job_updated(self, job: Job) -> None:
        self.jobs.update_job(job)
        if job.id == self._detail_id:
            self._show_detail()

    def _notify(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    def action_explore(self) -> None:
        if self._refuse_read_only("explore"):
            return
        job = self.jobs.jobs.get(self.jobs.cursor_job_id or "")
        if job is None:
            self.notify("No job under the cursor.", severity="warning")
        else:
            self.app.push_screen(ExploreDialog(self.client, job))

    def action_restore_sessions(self) -> None:
        self.app.push_screen(RestoreSessionsScreen(self.client))

    # ----- app-level keys -----
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit_app(self) -> None:
        # Restore sessions started from here hold server resources: offer to stop them first.
        request_quit(self.app, self.client)

    def run_palette_action(self, name: str) -> None:
        """Run `action_<name>` (from the command palette)."""
        getattr(self, f"action_{name}")()
