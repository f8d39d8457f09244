"""Enable / disable / start / stop on one job or many: in-flight guard, bounded concurrency.

The coroutines here run inside Textual workers started by the main screen. After each answer
the job is re-read from the server so its row shows what the server now says. An error that
may have reached the server is reported as such and never resent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from vbotui.api.client import VboClient
from vbotui.api.errors import VboError
from vbotui.api.models import Job

from .activity import ActivityLog
from .audit import AuditLog

ACTIONS = ("enable", "disable", "start", "stop")
CONFIRM_ALWAYS = {"stop", "disable"}
BULK_CONCURRENCY = 8

Notify = Callable[[str, str], None]  # (message, severity)


def needs_confirmation(action: str, count: int) -> bool:
    return action in CONFIRM_ALWAYS or count > 1


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
        self.notify = notify
        self.audit = audit
        self.concurrency = concurrency
        self.in_flight: set[tuple[str, str]] = set()

    def claim(self, action: str, jobs: Sequence[Job]) -> list[Job]:
        """The jobs not already running this action, now marked in flight."""
        free = [job for job in jobs if (action, job.id) not in self.in_flight]
        busy = len(jobs) - len(free)
        if busy:
            what = f"'{jobs[0].name}'" if len(jobs) == 1 else f"{busy} of {len(jobs)} jobs"
            self.notify(f"{action} already in progress for {what}", "warning")
        self.in_flight.update((action, job.id) for job in free)
        return free

    async def _one(self, action: str, job: Job, *, log_success: bool = True) -> BaseException | None:
        """Send one action; returns the error, if any (already logged)."""
        entry = self.activity.begin(action, job.name) if log_success else None
        try:
            result = await self.client.job_action(job.id, action)
        except VboError as error:
            (entry or self.activity.begin(action, job.name)).failed(error)
            self._audit(action, job, f"failed: {error.describe()}")
            return error
        finally:
            self.in_flight.discard((action, job.id))
        note = f"session {result.job_session.id}" if result.job_session and result.job_session.id else ""
        if entry is not None:
            entry.succeeded(result.status, result.elapsed_s, note)
        self._audit(action, job, f"ok {result.status}")
        await self._reread(job)
        return None

    async def _reread(self, job: Job) -> None:
        try:
            self.on_job(await self.client.get_job(job.id))
        except VboError as error:
            self.activity.begin("re-read", job.name).failed(error)

    async def run_one(self, action: str, job: Job) -> None:
        error = await self._one(action, job)
        if error is not None:
            self.notify(f"{action} '{job.name}': {_describe(error)}", "error")

    async def run_bulk(self, action: str, jobs: Sequence[Job]) -> None:
        total, done, failed = len(jobs), 0, 0
        entry = self.activity.begin(action, f"{total} jobs")
        gate = asyncio.Semaphore(self.concurrency)

        async def run(job: Job) -> None:
            nonlocal done, failed
            async with gate:
                error = await self._one(action, job, log_success=False)
            done += 1
            failed += error is not None
            entry.progress(f"{done}/{total} done, {failed} failed")

        await asyncio.gather(*(run(job) for job in jobs))
        summary = f"{total - failed}/{total} succeeded, {failed} failed"
        entry.succeeded(None, None, summary)
        self.notify(f"{action}: {summary}", "error" if failed else "information")

    def _audit(self, action: str, job: Job, outcome: str) -> None:
        if self.audit is not None:
            self.audit.write(action=action, job_id=job.id, job_name=job.name, outcome=outcome)


def _describe(error: BaseException) -> str:
    return error.describe() if isinstance(error, VboError) else f"{type(error).__name__}: {error}"
