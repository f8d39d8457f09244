"""`ServerOperations`: everything the UI (and the one-shot commands) do with one signed-in server.

One object per signed-in server. It owns the client, the activity record the status panel shows,
the audit log, the organizations' names and the restore sessions started from this app. Every
request goes through `perform`, the one place that writes the request's line, words its outcome
(outcome.py), writes the audit entry and notices an expired session. It announces events
(events.py) to listeners; it never imports Textual.

    ops = ServerOperations(client, activity, label="vbo01", audit=audit)
    ops.subscribe(listener)
    jobs = await ops.refresh(with_orgs=True)
    await ops.job_action("start", [job])
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from vbotui.api.client import VboClient
from vbotui.api.models import (
    EXPLORE_TYPES,
    ActionResult,
    ExploreOptions,
    Job,
    JobSession,
    Organization,
    RestoreSession,
)
from vbotui.timeparse import system_local_zone

from .activity import ActivityEntry, ActivityLog
from .audit import AuditLog
from .events import Event, Listener, Notice, RestoreSessionsChanged, SessionExpired
from .history import ArrayCache, JobHistory
from .outcome import DONE, NOT_SENT, UNKNOWN, Outcome, classify
from .restore_lookup import sessions_opened_since

T = TypeVar("T")
EXPIRED = "Session expired (the server refused the token and its refresh): sign in again."
# The first page of a first load that is shown as it comes: a screenful and plenty to spare.
FIRST_PAGE = 200
# The action of the status lines about the server's answers themselves (`say_once`).
SERVER_NOTE = "server"
QUIT_STATE_CHECK_S = 5.0  # a dead server must not hold the quit for the client's full timeout


@dataclass(frozen=True)
class AuditTarget:
    """What an audit record names: the job (or none, for a restore session) and the action."""

    action: str
    job_id: str = ""
    job_name: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Result:
    """An operation's outcome, and the value when it was done."""

    outcome: Outcome
    value: Any = None

    @property
    def done(self) -> bool:
        return self.outcome.kind == DONE


class ServerOperations:
    def __init__(
        self,
        client: VboClient,
        activity: ActivityLog,
        *,
        label: str = "",
        read_only: bool = False,
        audit: AuditLog | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.client = client
        # The one zone every screen shows times in (local, or UTC with --utc); the app sets it
        # here and repaints when the palette toggles it.
        self.zone: tzinfo = zone if zone is not None else system_local_zone()
        self.activity = activity
        self.label = label
        self.read_only = read_only
        self.audit = audit
        self.org_names: dict[str, str] = {}
        # Restore sessions opened from this app (id -> session), offered for stopping on quit.
        self.started_restore_sessions: dict[str, RestoreSession] = {}
        self.last_update: datetime | None = None
        self.refresh_error: str | None = None  # why the last poll failed, until one succeeds
        self.expired = False
        self.closing = False  # the app is ending (quit, hang-up): nothing new is sent
        self._listeners: list[Listener] = []
        self._said: set[str] = set()  # what `say_once` has said
        client.on_paging_stopped = self.say_once
        from .jobs import JobActions  # jobs.py builds on this module

        self.jobs = JobActions(self)
        self.session_arrays = ArrayCache()  # v3-v5 jobs' whole session arrays

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.activity.clock

    # --- events
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    def notice(self, message: str, severity: str = "information") -> None:
        self.emit(Notice(message, severity))

    def say_once(self, message: str) -> None:
        """A status line about the server's answers (a page it repeats, a job it lists twice),
        written the first time only: a poll meets the same thing every time."""
        if message not in self._said:
            self._said.add(message)
            self.activity.note(SERVER_NOTE, message)

    def unique_jobs(self, jobs: list[Job], *, say: bool = True) -> list[Job]:
        """`jobs` with only the first of any that share an id (the list is indexed by id: a second
        one would silently replace the first); how many were dropped is said once (`say`: this is
        the whole list, not the part of it read so far)."""
        seen: set[str] = set()
        unique: list[Job] = []
        for job in jobs:
            if job.id not in seen:
                seen.add(job.id)
                unique.append(job)
        dropped = len(jobs) - len(unique)
        if dropped and say:
            twice = "1 job" if dropped == 1 else f"{dropped} jobs"
            self.say_once(
                f"the server listed {twice} again under an id already listed: kept the first of each"
            )
        return unique

    # --- the one place every request goes through
    async def perform(
        self,
        action: str,
        target: str,
        send: Callable[[], Awaitable[T]],
        *,
        read: bool = False,
        line: str = "always",  # always | on_problem (a bulk action's own requests) | never
        audit: AuditTarget | None = None,
        done_note: Callable[[T], str] | None = None,
    ) -> Result:
        """Send once (never resent here), then: the status line, the outcome, the audit record."""
        entry = self.activity.begin(action, target) if line == "always" else None
        started = self.activity.monotonic()
        if self.expired or self.closing:
            why = "the app is closing" if self.closing else "signed out: sign in again"
            outcome = Outcome(NOT_SENT, None, why)
            self._finish(entry, action, target, outcome, read, started, line)
            return Result(outcome)
        value: T | None = None
        try:
            value = await send()
        except asyncio.CancelledError:
            if read:
                if entry is not None:
                    entry.cancelled()
            else:  # quit or hang-up while in flight: the action may have reached the server
                lost = Outcome(UNKNOWN, None, "cancelled while in flight")
                self._finish(entry, action, target, lost, read, started, line)
                self._audit(audit, lost)
            raise
        except Exception as error:  # whatever went wrong ends in one outcome, never vanishes
            outcome = classify(error, read=read)
            resent = getattr(error, "resent_after_refused_token", False) is True
        else:
            status = value.status if isinstance(value, ActionResult) else None
            outcome = Outcome(DONE, status, done_note(value) if done_note else "")
            resent = isinstance(value, ActionResult) and value.resent_after_refused_token
        if resent:  # said on its line and in its audit record, once
            outcome = outcome.resent()
        self._finish(entry, action, target, outcome, read, started, line)
        self._audit(audit, outcome)
        self._check_session()
        return Result(outcome, value if outcome.kind == DONE else None)

    def _finish(
        self,
        entry: ActivityEntry | None,
        action: str,
        target: str,
        outcome: Outcome,
        read: bool,
        started: float,
        line: str,
    ) -> None:
        if entry is None and line == "on_problem" and outcome.kind != DONE:
            entry = self.activity.begin(action, target)
        if entry is not None:
            elapsed = self.activity.monotonic() - started
            entry.ended(outcome, read=read, elapsed_s=elapsed)

    def _audit(self, target: AuditTarget | None, outcome: Outcome) -> None:
        if target is not None and self.audit is not None:
            self.audit.write(
                action=target.action,
                job_id=target.job_id,
                job_name=target.job_name,
                outcome=outcome,
                detail=target.detail,
            )

    def _check_session(self) -> None:
        """A client that lost its tokens (refresh refused) means: sign in again, on every screen."""
        if not self.expired and not self.client.is_signed_in:
            self.expired = True
            self.emit(SessionExpired(EXPIRED))

    def close(self) -> None:
        """From now on nothing is sent (the app is ending)."""
        self.closing = True

    def refuse_read_only(self, action: str, target: str = "") -> bool:
        if self.read_only:
            self.activity.not_sent(action, target, "read-only mode (--read-only)")
            self.notice(f"Read-only mode (--read-only): {action} is not allowed.", "warning")
        return self.read_only

    # --- reads
    async def refresh(
        self,
        *,
        with_orgs: bool = False,
        first: bool = False,
        on_page: Callable[[list[Job]], Awaitable[None]] | None = None,
    ) -> list[Job] | None:
        """Organizations (first time, or asked) and every job; None when the read failed.

        `on_page` (the first load): awaited with the jobs read so far while more pages come, the
        first after a first screenful of them (FIRST_PAGE), so a long list shows early."""
        if with_orgs or not self.org_names:
            orgs = await self.perform(
                "list orgs",
                "organizations",
                self.client.list_organizations,
                read=True,
                done_note=lambda found: f"{len(found)} organizations",
            )
            if orgs.done:
                self.org_names = {org.id: org.name for org in orgs.value}
        # A poll writes a line only when it fails: the header's "updated N s ago" says the rest.
        partial = None
        if on_page is not None:
            shown = on_page

            async def partial(jobs: list[Job]) -> None:
                await shown(self.unique_jobs(jobs, say=False))

        async def read_jobs() -> list[Job]:
            jobs = await self.client.list_jobs(first_page=FIRST_PAGE if on_page else None, on_page=partial)
            return self.unique_jobs(jobs)

        result = await self.perform(
            "list jobs" if first else "refresh",
            "jobs",
            read_jobs,
            read=True,
            line="always" if first or with_orgs else "on_problem",
            done_note=lambda found: f"{len(found)} {'job' if len(found) == 1 else 'jobs'}",
        )
        if not result.done:
            self.refresh_error = result.outcome.message or result.outcome.describe()
            return None
        self.last_update, self.refresh_error = self.clock(), None
        jobs: list[Job] = result.value
        return jobs

    def history(self, job: Job | str) -> JobHistory:
        """A job's sessions read from the newest back, as far as asked (history.py)."""
        known = job if isinstance(job, Job) else Job(id=job, name="")
        return JobHistory(self.client, known, self.clock, self.session_arrays)

    async def job_sessions(self, job: Job | str, limit: int = 5) -> list[JobSession]:
        """The job's newest `limit` sessions, and only those read (the detail pane); raises the
        client's error (no line: a glance)."""
        return await self.history(job).newest(limit)

    async def organization(self, org_id: str) -> Organization:
        return await self.client.get_organization(org_id)

    async def list_restore_sessions(self) -> Result:
        result = await self.perform(
            "list restores",
            "restore sessions",
            self.client.list_restore_sessions,
            read=True,
            line="on_problem",
        )
        if result.done:
            self._update_started(result.value)
        return result

    def _update_started(self, listed: list[RestoreSession]) -> None:
        changed = False
        for session in listed:
            if (
                session.id in self.started_restore_sessions
                and self.started_restore_sessions[session.id] != session
            ):
                self.started_restore_sessions[session.id] = session
                changed = True
        if changed:
            self.emit(RestoreSessionsChanged(tuple(self.started_restore_sessions.values())))

    # --- explore and restore sessions
    def explore_types(self) -> list[str]:
        """The restore-session types the server's API version takes (the dialect knows)."""
        capabilities = self.client.capabilities
        if capabilities is None:  # version not known yet: offer what every version takes
            return [code for code in EXPLORE_TYPES if code != "vet"]
        return list(capabilities.explore_types)

    async def explore(self, job: Job, options: ExploreOptions) -> Result:
        """Open a restore session; a lost answer is looked for in the server's list afterwards."""
        sent_at = self.clock()
        details = f"{options.type} at {options.point_in_time.isoformat()}"
        result = await self.perform(
            "explore",
            job.name,
            lambda: self.client.explore(job.id, options),
            audit=AuditTarget("explore", job.id, job.name, details),
            done_note=lambda answer: f"session {answer.restore_session.id}" if answer.restore_session else "",
        )
        if result.done:
            session = result.value.restore_session
            if session is not None and session.id:
                self._started(session)
        elif result.outcome.kind == UNKNOWN:
            await self._find_lost_session(job, sent_at)
        return result

    def _started(self, session: RestoreSession) -> None:
        self.started_restore_sessions[session.id] = session
        self.emit(RestoreSessionsChanged(tuple(self.started_restore_sessions.values())))

    async def _find_lost_session(self, job: Job, sent_at: datetime) -> None:
        """After an explore whose answer was lost: a new working session is taken to be ours."""
        listed = await self.perform(
            "re-read", "restore sessions", self.client.list_restore_sessions, read=True
        )
        if not listed.done:
            return
        org = self.org_names.get(job.organization_id or "", "")
        found = sessions_opened_since(listed.value, sent_at, org, self.started_restore_sessions)
        for session in found:
            self._started(session)
        what = ", ".join(session.id for session in found) or "no new restore session"
        self.activity.note("explore", f"the server now shows: {what}")

    async def stop_restore_session(self, session: RestoreSession) -> Result:
        result = await self.perform(
            "stop session",
            session.id,
            lambda: self.client.stop_restore_session(session.id),
            audit=AuditTarget("stop restore session", detail=f"session {session.id}"),
        )
        if result.done and session.id in self.started_restore_sessions:
            self.started_restore_sessions[session.id] = replace(session, state="Stopped")
            self.emit(RestoreSessionsChanged(tuple(self.started_restore_sessions.values())))
        elif result.outcome.kind == UNKNOWN:
            await self.list_restore_sessions()  # what the server shows now says whether it stopped
        return result

    async def working_started_sessions(self) -> list[RestoreSession]:
        """The sessions this app started that are still Working, re-read from the server if it answers."""
        if not self.started_restore_sessions:
            return []
        try:
            await asyncio.wait_for(self.list_restore_sessions(), QUIT_STATE_CHECK_S)
        except asyncio.TimeoutError:
            pass  # keep what we knew: better to ask needlessly than to leave a session behind
        return [session for session in self.started_restore_sessions.values() if session.is_working]
