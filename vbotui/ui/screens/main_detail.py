"""The main screen's detail pane: it follows the job under the cursor, with its newest sessions.

The sessions are read when the cursor rests (keys repeat: DETAIL_DEBOUNCE_S), at once for the
first job shown, and kept per job while the job is unchanged (sessions_cache.py); those of the
rows beside a resting cursor are read ahead, so a step through the list paints the pane once.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

from textual import work
from textual.screen import Screen
from textual.timer import Timer

from vbotui.api.errors import VboError
from vbotui.api.models import Job, JobSession
from vbotui.operations import ServerOperations
from vbotui.operations.sessions import failure_reason

from ..sessions_cache import KEEP, SessionsCache, running
from ..widgets.job_detail import JobDetail
from ..widgets.job_table import JobTable
from .base import AppScreen

DETAIL_DEBOUNCE_S = 0.3


def row_is_behind(job: Job, newest: JobSession) -> bool:
    """The job's newest session has ended, but the row says Running or knows no run that late."""
    if newest.end_time is None or newest.is_running:
        return False
    if running(job):
        return True
    return newest.creation_time is not None and (job.last_run is None or newest.creation_time > job.last_run)


def failed(session: JobSession) -> bool:
    return (session.status or "").lower() == "failed"


class DetailFollowsTheCursor(AppScreen, Screen[None]):
    """A screen with a job list (`jobs`) and a detail pane (`#detail`) for the job under its cursor."""

    ops: ServerOperations
    jobs: JobTable

    def __init__(self) -> None:
        super().__init__()
        self._detail_timer: Timer | None = None
        self._detail_id: str | None = None  # the job the pane shows
        self._detail_sessions: list[JobSession] | None = None  # its sessions; None: not read yet
        self._sessions_of: Job | None = None  # the job as it was when its sessions were read
        self._detail_asked = False  # the detail pane has asked for a job's sessions
        self._sessions_kept = SessionsCache()  # read sessions, while their job is unchanged
        self._reread_for: set[tuple[str, str]] = set()  # (job, session) that made the job be read again
        # Why a failed session failed (its log's first error line; "" when it has none), by session
        # id: an ended session's log does not change, so it is read once.
        self._reasons: OrderedDict[str, str] = OrderedDict()

    def _sync_detail(self) -> None:
        """Follow the cursor (a sort or filter moves rows under it without an event)."""
        job_id = self.jobs.cursor_job_id
        if job_id == self._detail_id:
            self._show_detail()
            return
        job = self.jobs.jobs.get(job_id or "")
        kept = self._sessions_kept.get(job) if job is not None else None
        self._detail_id, self._detail_sessions = job_id, kept
        self._sessions_of = job if kept is not None else self._sessions_of
        self._show_detail()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if job_id is None:
            return
        # Read when the cursor rests (keys repeat): the job's sessions, or those of its neighbours.
        then = self.read_ahead if kept is not None else self.load_sessions
        if not self._detail_asked:  # the first job shown: no keys repeating to wait for
            self._detail_asked = True
            then(job_id)
        else:
            self._detail_timer = self.set_timer(DETAIL_DEBOUNCE_S, partial(then, job_id))

    def _refresh_detail_sessions(self) -> None:
        """After a poll or an action: the sessions again, when the job changed or is running."""
        job = self.jobs.jobs.get(self._detail_id or "")
        if job is None or self._detail_sessions is None:
            return  # none shown yet: the cursor's debounced read is on its way
        if job != self._sessions_of or running(job):
            self.load_sessions(job.id)  # and then its neighbours'
        else:
            self.read_ahead(job.id)  # the order may have changed: new neighbours

    def _show_detail(self, error: str = "") -> None:
        job = self.jobs.jobs.get(self._detail_id or "")
        detail = self.query_one("#detail", JobDetail)
        newest = self._detail_sessions[0] if self._detail_sessions else None
        reason = self._reasons.get(newest.id, "") if newest is not None and failed(newest) else ""
        detail.show(job, self.jobs.org_name(job) if job else "", self._detail_sessions, error, reason)

    async def _read_reason(self, session: JobSession) -> None:
        """The first error line of a failed session's log (once per session; a failed read: none)."""
        if not failed(session) or session.id in self._reasons:
            return
        try:
            reason = await failure_reason(self.ops, session.id)
        except VboError:
            return  # a glance: the log screen (Enter, Enter) reads it and says why it could not
        self._reasons[session.id] = reason
        while len(self._reasons) > KEEP:
            self._reasons.popitem(last=False)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def load_sessions(self, job_id: str) -> None:
        try:
            sessions = await self.ops.job_sessions(self.jobs.jobs.get(job_id) or job_id, limit=5)
        except VboError as error:
            if job_id == self._detail_id:
                self._show_detail(error.describe())
            return
        job = self.jobs.jobs.get(job_id)
        if job is not None:
            self._sessions_kept.put(job, sessions)
            if (
                sessions
                and row_is_behind(job, sessions[0])
                and (job.id, sessions[0].id) not in self._reread_for
            ):
                # The row is older than its sessions: read the job, never copy a session's status.
                self._reread_for.add((job.id, sessions[0].id))
                self.app.run_worker(
                    self.ops.jobs.reread(job), group="re-read", exit_on_error=False, description="re-read job"
                )
        if job_id == self._detail_id:  # drop answers for a job the cursor has left
            self._detail_sessions = sessions
            self._sessions_of = job
            self._show_detail()
            self.read_ahead(job_id)

    @work(group="read-ahead", exclusive=True, exit_on_error=False)
    async def read_ahead(self, job_id: str) -> None:
        """The sessions of the rows above and below the cursor, for the next step (no line:
        a glance; a failure shows when the cursor gets there and reads them itself); first, when
        the job's newest session failed, why (its log's first error line)."""
        newest = self._detail_sessions[0] if job_id == self._detail_id and self._detail_sessions else None
        if newest is not None and failed(newest) and newest.id not in self._reasons:
            await self._read_reason(newest)
            if job_id == self._detail_id:
                self._show_detail()
        for neighbour in self.jobs.neighbours(job_id):
            job = self.jobs.jobs.get(neighbour)
            if job is None or job in self._sessions_kept:
                continue
            try:
                sessions = await self.ops.job_sessions(job, limit=5)
            except VboError:
                return
            self._sessions_kept.put(job, sessions)
