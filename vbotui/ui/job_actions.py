"""Enable / disable / start / stop on one job or many: in-flight guard, bounded concurrency.

The coroutines here run inside Textual workers started by the main screen. Every request ends
in a status-panel line, whatever went wrong; nothing is ever resent. After an answer the job is
re-read from the server, so its row shows what the server now says: also after an error, since
the job may have changed meanwhile, and above all when the request may have reached the server
but its answer was lost (the operator must check before retrying; the re-read shows them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from vbotui.api.client import VboClient
from vbotui.api.errors import NotFound, TransportError, VboError
from vbotui.api.models import ActionResult, Job

from .activity import ActivityEntry, ActivityLog
from .audit import AuditLog
from .safe_text import clean

ACTIONS = ("enable", "disable", "start", "stop")
CONFIRM_ALWAYS = {"stop", "disable"}
BULK_CONCURRENCY = 8
# Up to this many jobs, a bulk action re-reads each job as its answer comes; above it, one list
# of every job at the end is cheaper than N single reads.
REREAD_ONE_BY_ONE_UP_TO = 20

Notify = Callable[[str, str], None]  # (message, severity)


def needs_confirmation(action: str, count: int) -> bool:
    return action in CONFIRM_ALWAYS or count > 1


def outcome_unknown(error: BaseException) -> bool:
    """The request left and no answer came: the action may have happened."""
    return isinstance(error, VboError) and error.may_have_reached_server


def worth_rereading(error: BaseException) -> bool:
    """Did the server answer (its state may differ from the row), or may the action have happened?

    Not for a job the server no longer has, nor when the request never left (nothing changed,
    and the server is likely unreachable).
    """
    if isinstance(error, NotFound):
        return False
    if isinstance(error, TransportError):
        return error.may_have_reached_server
    return isinstance(error, VboError)


class JobActions:
    def __init__(
        self,
        client: VboClient,
        activity: ActivityLog,
        on_job: Callable[[Job], None],
        notify: Notify,
        audit: AuditLog | None = None,
        concurrency: int = BULK_CONCURRENCY,
    ) -> None:
        self.client = client
        self.activity = activity
        self.on_job = on_job
        self._notify = notify
        self.audit = audit
        self.concurrency = concurrency
        self.in_flight: set[tuple[str, str]] = set()

    def notify(self, message: str, severity: str) -> None:
        """A toast; server text in `message` is made safe here (the caller sends markup=False)."""
        self._notify(clean(message), severity)

    def claim(self, action: str, jobs: Sequence[Job]) -> list[Job]:
        """The jobs not already running this action, now marked in flight; says so for the rest."""
        free = [job for job in jobs if (action, job.id) not in self.in_flight]
        busy = len(jobs) - len(free)
        if busy:
            what = f"'{jobs[0].name}'" if len(jobs) == 1 else f"{busy} of {len(jobs)} jobs"
            self.notify(f"{action} already in progress for {what}", "warning")
            self.activity.note(action, f"not sent: {action} already in progress for {what}")
        self.in_flight.update((action, job.id) for job in free)
        return free

    async def _one(
        self, action: str, job: Job, *, own_line: bool = True, reread: bool = True
    ) -> Exception | None:
        """Send one action; returns the error, if any (already on its own status line)."""
        entry = self.activity.begin(action, job.name) if own_line else None
        started = self.activity.monotonic()
        try:
            outcome: ActionResult | Exception = await self.client.job_action(job.id, action)
        except asyncio.CancelledError:
            if entry is not None:
                entry.cancelled()
            raise
        except Exception as error:  # whatever went wrong must end in a line, never vanish
            outcome = error
        finally:
            self.in_flight.discard((action, job.id))
        if isinstance(outcome, Exception):
            if entry is None:  # in a bulk action only failures get a line, written now
                elapsed = self.activity.monotonic() - started
                self.activity.begin(action, job.name).failed(outcome, elapsed_s=elapsed)
            else:
                entry.failed(outcome)
            self._audit(action, job, f"failed: {describe(outcome)}")
            if reread and worth_rereading(outcome):
                await self._reread(job, say_what=outcome_unknown(outcome))
            return outcome
        note = f"session {outcome.job_session.id}" if outcome.job_session and outcome.job_session.id else ""
        if entry is not None:
            entry.succeeded(outcome.status, outcome.elapsed_s, note)
        self._audit(action, job, f"ok {outcome.status}")
        if reread:
            await self._reread(job)
        return None

    async def _reread(self, job: Job, *, say_what: bool = False) -> None:
        """Show the job as the server has it now; `say_what` also puts that on a line."""
        entry = self.activity.begin("re-read", job.name) if say_what else None
        try:
            fresh = await self.client.get_job(job.id)
        except VboError as error:
            (entry or self.activity.begin("re-read", job.name)).failed(error)
            return
        self.on_job(fresh)
        if entry is not None:
            entry.succeeded(None, note=f"the server says now: {job_state(fresh)}")

    async def _reread_all(self, jobs: Sequence[Job]) -> None:
        """One list of every job instead of a read per job (a large bulk action)."""
        wanted = {job.id for job in jobs}
        entry = self.activity.begin("re-read", f"{len(wanted)} jobs")
        try:
            everything = await self.client.list_jobs()
        except VboError as error:
            entry.failed(error)
            return
        found = [job for job in everything if job.id in wanted]
        for job in found:
            self.on_job(job)
        gone = len(wanted) - len(found)
        note = f"{len(found)} jobs" + (f", {gone} no longer on the server" if gone else "")
        entry.succeeded(None, note=note)

    async def run_one(self, action: str, job: Job) -> None:
        error = await self._one(action, job)
        if error is not None:
            self.notify(f"{action} '{job.name}': {describe(error)}", "error")

    async def run_bulk(self, action: str, jobs: Sequence[Job]) -> None:
        total, answered, failed, unknown = len(jobs), 0, 0, 0
        one_by_one = total <= REREAD_ONE_BY_ONE_UP_TO
        entry = self.activity.begin(action, f"{total} jobs")
        gate = asyncio.Semaphore(self.concurrency)

        async def run(job: Job) -> None:
            nonlocal answered, failed, unknown
            async with gate:
                error = await self._one(action, job, own_line=False, reread=one_by_one)
            answered += 1
            failed += error is not None
            unknown += error is not None and outcome_unknown(error)
            entry.progress(f"{answered}/{total} answered, {failed} failed")

        try:
            await asyncio.gather(*(run(job) for job in jobs))
        except asyncio.CancelledError:
            entry.cancelled()
            raise
        if not one_by_one:
            await self._reread_all(jobs)
        summary = bulk_summary(total, failed, unknown)
        finish_bulk(entry, summary, failed)
        self.notify(f"{action}: {summary}", "error" if failed else "information")

    def _audit(self, action: str, job: Job, outcome: str) -> None:
        if self.audit is not None:
            self.audit.write(action=action, job_id=job.id, job_name=job.name, outcome=outcome)


def bulk_summary(total: int, failed: int, unknown: int = 0) -> str:
    """`7/10 done, 3 failed`; says how many may have happened anyway; `3/3 succeeded` if all did."""
    if not failed:
        return f"{total}/{total} succeeded"
    summary = f"{total - failed}/{total} done, {failed} failed"
    if unknown:
        summary += f" ({unknown} may have reached the server; check before retrying)"
    return summary


def finish_bulk(entry: ActivityEntry, summary: str, failed: int) -> None:
    if failed:
        entry.finished_with_failures(summary)
    else:
        entry.succeeded(None, None, summary)


def job_state(job: Job) -> str:
    enabled = "?" if job.is_enabled is None else "yes" if job.is_enabled else "no"
    return f"last status {job.last_status or '-'}, enabled {enabled}"


def describe(error: BaseException) -> str:
    return error.describe() if isinstance(error, VboError) else f"{type(error).__name__}: {error}"
