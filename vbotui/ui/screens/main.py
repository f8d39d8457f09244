"""The main screen: header, filter, job list, detail pane, status panel, footer."""

from __future__ import annotations

import asyncio
import math
from contextlib import suppress
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Static

from vbotui.api.models import Job
from vbotui.filtering import JobFilter, parse_filter
from vbotui.operations import ServerOperations, needs_confirmation
from vbotui.timeparse import zone_label

from ..actions import bindings_for
from ..clipboard import copy_refusal
from ..collector import collector_paused, freeze_once
from ..commands import JobCommands
from ..messages import JobsUpdated
from ..safe_text import clean
from ..typeahead import TypeaheadInput
from ..widgets.footer import KeyFooter
from ..widgets.job_detail import JobDetail
from ..widgets.job_table import SORTABLE, JobTable
from ..widgets.status_panel import StatusPanel
from .confirm import ConfirmScreen
from .main_detail import DetailFollowsTheCursor
from .main_header import header_text, marks_said

# The dialogs and screens a key opens are imported when it is pressed: start-up paints sooner.

MODAL_RECHECK_S = 1.0


class MainScreen(DetailFollowsTheCursor):
    COMMANDS = {JobCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("main")

    def __init__(
        self,
        ops: ServerOperations,
        *,
        refresh_s: float = 30.0,
        insecure: bool = False,
        plain_http: bool = False,
        accent: str | None = None,
    ) -> None:
        super().__init__()
        self.plain_http = plain_http
        self.accent = accent  # the profile's badge colour (config.ACCENTS), or None
        self.ops = ops  # this screen's server; a new sign-in brings a new screen
        self.refresh_s = refresh_s
        self.insecure = insecure
        self.jobs = JobTable(id="jobs", clock=ops.clock, zone=ops.zone)
        self._refresh_timer: Timer | None = None
        self.loaded = False
        self._header_text: Text | None = None  # what the header shows (update_header skips a repeat)
        self._filter_said: tuple[str, bool] = ("", False)  # the filter line's end, as last shown

    @property
    def refresh_error(self) -> str | None:
        """Why the last poll failed, until one succeeds."""
        return self.ops.refresh_error

    def compose(self) -> ComposeResult:
        yield Static("", id="header")
        hint = "/ filter: words, status:failed, org:x, org:=x, enabled:no, !negate"
        with Horizontal(id="filter-line"):
            yield TypeaheadInput(placeholder=hint, id="filter")
            yield Static("", id="filter-status")  # row N of M; no job matches; a filter's error
        yield self.jobs
        yield JobDetail(self.ops.clock, id="detail", zone=self.ops.zone)
        yield StatusPanel(self.ops.activity, id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.jobs.focus()
        self.update_header()
        self.set_interval(1.0, self.update_header)
        self.refresh_jobs(with_orgs=True)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100 or self.size.height < 30, "-compact")

    # ----- header -----
    def update_header(self) -> None:
        header = header_text(
            self.ops,
            self.jobs,
            accent=self.accent,
            insecure=self.insecure,
            plain_http=self.plain_http,
            polling=self.polling,
        )
        # The clock ticks every second: repaint the header line alone (its size is fixed by the
        # stylesheet, so no layout, which would repaint the job table's scrollbar too), and only
        # when its text or styles changed.
        if header != self._header_text:
            self._header_text = header
            self.query_one("#header", Static).update(header, layout=False)

    def show_zone(self) -> None:
        """The app's zone changed (the palette's UTC / local toggle): the list, pane and label again."""
        self.jobs.set_zone(self.ops.zone)
        self.query_one("#detail", JobDetail).zone = self.ops.zone
        self._show_detail()
        self.update_filter_status()

    # ----- loading and refresh -----
    @work(group="refresh", exclusive=True, exit_on_error=False, description="refresh")
    async def refresh_jobs(self, with_orgs: bool = False) -> None:
        async def first_pages(jobs: list[Job]) -> None:
            # The first load, while more pages come: shown at once; the header says "so far".
            await self.jobs.load_async(jobs, self.ops.org_names, complete=False)
            self._sync_detail()
            self.update_header()
            # On the terminal before the next page is asked for: the demo's simulator renders
            # it on this loop (~0.3 s for 10,000 jobs), which held the first paint back.
            with suppress(asyncio.TimeoutError):  # bounded: no refresh comes while the app ends
                await asyncio.wait_for(self.jobs.wait_for_refresh(), 1.0)

        try:
            first = not self.loaded
            # Read, parse and diff with the cyclic collector paused (collector.py): a full
            # collection walks every job, 100+ ms with the GIL held, and a poll set one off.
            with collector_paused():
                jobs = await self.ops.refresh(
                    with_orgs=with_orgs, first=first, on_page=first_pages if first else None
                )
                read = jobs is not None
                if jobs is not None:
                    # Diffed in slices between which keys and paints go on (10,000s of jobs).
                    await self.jobs.load_async(jobs, self.ops.org_names)
                    self.update_header()  # the list and how fresh it is, before the freeing below
                    # The fresh copies of unchanged jobs (the table kept its own) freed a slice
                    # at a time: 45,000 at once held the loop for tens of ms.
                    while jobs:
                        del jobs[-JobTable.SLICE_JOBS :]
                        await asyncio.sleep(0)
                del jobs
            if read:
                self.loaded = True
                if first:
                    freeze_once()  # what is alive now is never walked by a collection again
                self._sync_detail()
                self._refresh_detail_sessions()
        finally:
            self.update_header()
            self._arm_refresh()

    @property
    def polling(self) -> bool:
        """False with `--refresh off`: only ctrl+r reads the jobs again."""
        return math.isfinite(self.refresh_s)

    def _arm_refresh(self, delay: float | None = None) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        if delay is None and not self.polling:
            self._refresh_timer = None
            return
        self._refresh_timer = self.set_timer(delay or self.refresh_s, self._poll)

    def _poll(self) -> None:
        if self.app.screen is not self:  # a dialog or the palette is open: wait for it
            self._arm_refresh(MODAL_RECHECK_S)
        else:
            self.refresh_jobs()

    def action_refresh_now(self) -> None:
        self.refresh_jobs(with_orgs=True)

    # ----- detail pane -----
    @on(JobTable.RowHighlighted, "#jobs")
    def _cursor_moved(self) -> None:
        self._sync_detail()
        self.update_filter_status()

    @on(JobTable.Shown, "#jobs")
    def _rows_shown(self) -> None:
        self.update_filter_status()

    def update_filter_status(self) -> None:
        """The filter line's right end: `row N of M`, `no job matches`, or what is wrong with the filter."""
        status = self.query_one("#filter-status", Static)
        typed = self.query_one("#filter", Input).value
        errors = parse_filter(typed).errors
        table = self.jobs
        if errors:
            said, error = "; ".join(errors) + " (filters nothing)", True
        elif not table.row_count and table.job_filter.terms:
            said, error = f"no job matches {clean(typed.strip())}", True
        elif not table.row_count:
            said, error = "no jobs", False
        else:
            said, error = f"row {table.cursor_row + 1} of {table.row_count}", False
        # The list's and the detail pane's times are in the app's one zone (ops.zone: local, or
        # UTC with --utc / the palette's toggle): say which, as every other screen does.
        said += f" · times in {zone_label(self.ops.zone, self.ops.clock())}"
        if (said, error) == self._filter_said:
            return
        # The line is as wide as its text: a layout only when the width changes (a layout also
        # repaints the job table's scrollbar, ~800 bytes on every cursor move).
        relayout = len(said) != len(self._filter_said[0])
        self._filter_said = (said, error)
        status.update(Text(said, no_wrap=True, overflow="ellipsis"), layout=relayout)
        status.set_class(error, "-error")

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

    def action_palette(self) -> None:
        if isinstance(self.focused, Input):  # ":" typed in the filter box (status:failed): text
            self.focused.post_message(events.Key("colon", ":"))
            return
        self.app.action_command_palette()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self._apply_filter()
        self.set_focus(self.jobs)

    @on(Input.Changed, "#filter")
    def _filter_typed(self) -> None:
        # No debounce: filtering is a pass over plain tuples and repaints one screenful.
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._apply_filter()
        self.set_focus(self.jobs)

    def _apply_filter(self) -> None:
        new = parse_filter(self.query_one("#filter", Input).value)
        if new.errors:  # said on the filter line; the list is not filtered by a mistake
            new = JobFilter()
        if new != self.jobs.job_filter:
            self.jobs.set_filter(new)
            self._sync_detail()
            self.update_header()
        self.update_filter_status()

    def action_mark(self) -> None:
        if (job_id := self.jobs.cursor_job_id) is not None:
            self.jobs.toggle_mark(job_id)
            self.jobs.action_cursor_down()  # the next job is the likely next mark (as k9s, mutt)
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

    def _targets(self) -> list[Job]:
        marked = self.jobs.marked_jobs()
        if marked:
            return marked
        job = self.jobs.jobs.get(self.jobs.cursor_job_id or "")
        return [job] if job else []

    def _only_the_cursor_row(self, jobs: list[Job]) -> bool:
        """An action on anything but the job under the cursor is never sent without a question."""
        return [job.id for job in jobs] == [self.jobs.cursor_job_id]

    def _away_from_cursor(self, jobs: list[Job]) -> str:
        """The question's note when the marks are elsewhere: the cursor is not what is acted on."""
        if self.jobs.cursor_job_id in {job.id for job in jobs}:
            return ""
        return "Marked earlier: not the job under the cursor."

    def _sent(self, jobs: list[Job]) -> None:
        """The action on these jobs left: their marks are spent, whatever the outcome. A later key
        must not act on them again by surprise (they may be off screen by then)."""
        if self.jobs.marks & {job.id for job in jobs}:
            self.jobs.clear_marks()

    def request_action(self, action: str) -> None:
        if self.ops.refuse_read_only(action):
            return
        jobs = self._targets()
        if not jobs:
            self.say("No job under the cursor.", "warning")
            return
        actions = self.ops.jobs
        if actions.all_in_flight(action, jobs):
            actions.claim(action, jobs)  # says "already in progress"
            return
        hidden = self.jobs.hidden_marks() if self.jobs.marks else 0
        if hidden or needs_confirmation(action, len(jobs)) or not self._only_the_cursor_row(jobs):
            # Marks the filter hides are acted on too, but never without saying so.
            note = marks_said(len(jobs), hidden) if hidden else self._away_from_cursor(jobs)
            confirm = ConfirmScreen(action, [job.name for job in jobs], note=note)
            self.app.push_screen(confirm, callback=partial(self._confirmed, action, jobs))
        else:
            self._launch(action, jobs)

    def _confirmed(self, action: str, jobs: list[Job], answer: bool | None) -> None:
        if answer:
            self._launch(action, jobs)
        else:
            self.ops.activity.not_sent(action, f"{len(jobs)} job{'s' if len(jobs) > 1 else ''}", "cancelled")

    def _launch(self, action: str, jobs: list[Job]) -> None:
        free = self.ops.jobs.claim(action, jobs)
        if not free:
            return
        self._sent(jobs)
        # On the app, not this screen: a sign-in screen on top must not cancel actions in flight.
        self.app.run_worker(
            self.ops.jobs.run(action, free), group="action", exit_on_error=False, description=f"{action} jobs"
        )
        self.update_header()

    @on(JobsUpdated)
    def _jobs_updated(self, message: JobsUpdated) -> None:
        for job in message.jobs:
            self.jobs.update_job(job)
        if self._detail_id in {job.id for job in message.jobs}:
            self._show_detail()
            self._refresh_detail_sessions()
        # A job that no longer matches the filter leaves the list: the cursor, and so the detail
        # pane and what `o` opens, are now on another job.
        self._sync_detail()
        if message.jobs:
            self.update_header()

    def action_explore(self) -> None:
        if self.ops.refuse_read_only("explore"):
            return
        job = self.jobs.jobs.get(self.jobs.cursor_job_id or "")
        if job is None:
            self.say("No job under the cursor.", "warning")
        else:
            from .explore import ExploreDialog

            self.app.push_screen(ExploreDialog(self.ops, job))

    # ----- copy the id (c), export what the filter shows (w) -----
    def action_copy_id(self) -> None:
        job_id = self.jobs.cursor_job_id
        if job_id is None:
            self.say("No job under the cursor.", "warning")
            return
        if (why := copy_refusal(job_id)) is not None:
            said = f"not copied: the job's id is not a plausible id ({why}): {job_id}"
            self.say(said, "warning", action="copy")
            return
        self.app.copy_to_clipboard(job_id)  # OSC 52: the terminal (or tmux set-clipboard on) keeps it
        # Sent, not "copied": the terminal may ignore OSC 52, and nothing tells vbotui whether it did.
        self.say(f"job id {job_id} sent to the terminal's clipboard (OSC 52)", action="copy")

    def action_export(self) -> None:
        from vbotui.config import download_folder

        from ..export import ExportDialog, export_done, export_jobs, export_path

        ids = self.jobs.visible_ids()
        jobs = [self.jobs.jobs[job_id] for job_id in ids if job_id in self.jobs.jobs]
        app = self.app  # the download folder: --download-dir, VBOTUI_DOWNLOAD_DIR, the profile's
        folder = download_folder(
            getattr(app, "download_dir_flag", None), getattr(app, "profile_download_dir", None)
        )
        default = str(export_path(folder, self.ops.label, self.ops.clock()))

        def chosen(path: object) -> None:
            if path is None:
                return
            try:
                kind = export_jobs(jobs, self.jobs.org_name, path)  # type: ignore[arg-type]
            except OSError as error:
                self.say(f"not written: {error}", "error", action="export")
                return
            said = export_done(len(jobs), path, kind)  # type: ignore[arg-type]
            self.say(said, action="export")

        self.app.push_screen(ExportDialog(len(jobs), default), chosen)

    def action_restore_sessions(self) -> None:
        from .restore_sessions import RestoreSessionsScreen

        self.app.push_screen(RestoreSessionsScreen(self.ops))

    # ----- the job's sessions (enter), start full (S), the pulse (p) -----
    def action_sessions(self) -> None:
        from .job_sessions import JobSessionsScreen

        job = self.jobs.jobs.get(self.jobs.cursor_job_id or "")
        if job is None:
            self.say("No job under the cursor.", "warning")
        else:
            self.app.push_screen(JobSessionsScreen(self.ops, job))

    def action_start_full(self) -> None:
        from vbotui.operations.sessions import FULL_NOTE, full_start_refusal, start_full

        if self.ops.refuse_read_only("start full"):
            return
        jobs = self._targets()
        if not jobs:
            self.say("No job under the cursor.", "warning")
            return
        if full_start_refusal(self.ops) is not None:  # v3-v5: says why on a line, sends nothing
            self.app.run_worker(start_full(self.ops, jobs), group="action", exit_on_error=False)
            return
        if self.ops.jobs.all_in_flight("start", jobs):
            self.ops.jobs.claim("start", jobs)  # says "already in progress"
            return
        hidden = self.jobs.hidden_marks() if self.jobs.marks else 0
        where = marks_said(len(jobs), hidden) if hidden else self._away_from_cursor(jobs)
        note = f"{FULL_NOTE} {where}" if where else FULL_NOTE
        confirm = ConfirmScreen("start full", [job.name for job in jobs], note=note)

        def answered(answer: bool | None) -> None:
            if not answer:
                self.ops.activity.not_sent(
                    "start full", f"{len(jobs)} job{'s' * (len(jobs) > 1)}", "cancelled"
                )
                return
            free = self.ops.jobs.claim("start", jobs)
            if not free:
                return
            self._sent(jobs)
            self.app.run_worker(
                start_full(self.ops, free), group="action", exit_on_error=False, description="start full jobs"
            )
            self.update_header()

        self.app.push_screen(confirm, callback=answered)

    def action_pulse(self) -> None:
        from .pulse import PulseScreen, Shortcut

        def shortcut(chosen: Shortcut | None) -> None:
            if chosen is None:
                return
            if chosen.job_id:
                self.go_to_job(chosen.job_id)
                return
            box = self.query_one("#filter", Input)
            box.value = chosen.filter
            self._apply_filter()
            self.set_focus(self.jobs)

        self.app.push_screen(
            PulseScreen(self.ops, list(self.jobs.jobs.values()), self.jobs.org_names), shortcut
        )

    # ----- app-level keys -----
    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit_app(self) -> None:
        # Restore sessions started from here hold server resources: offer to stop them first.
        from .quit_sessions import request_quit

        request_quit(self.app, self.ops)

    def run_palette_action(self, name: str) -> None:
        """Run `action_<name>` (from the command palette)."""
        getattr(self, f"action_{name}")()
