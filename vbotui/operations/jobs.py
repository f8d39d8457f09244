"""Enable / disable / start / stop on one job or many: in-flight guard, bounded concurrency.

Every request ends in one outcome on a status line (outcome.py), nothing is ever resent. After an
answer the job is re-read, so its row shows what the server now says: also after a refusal (the
job may have changed meanwhile), and above all when the outcome is unknown (the request may have
reached the server: the operator must check before retrying, and the re-read shows them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vbotui.api.models import Job

from .events import JobsChanged
from .outcome import DONE, NOT_SENT, REFUSED, UNKNOWN, Outcome

if TYPE_CHECKING:
    from .server import ServerOperations

ACTIONS = ("enable", "disable", "start", "stop")
CONFIRM_ALWAYS = {"stop", "disable"}
BULK_CONCURRENCY = 8
# Up to this many jobs, a bulk action re-reads each job as its answer comes; above it, one list
# of every job at the end is cheaper than N single reads.
REREAD_ONE_BY_ONE_UP_TO = 20


def needs_confirmation(action: str, count: int) -> bool:
    return action in CONFIRM_ALWAYS or count > 1


def worth_rereading(outcome: Outcome) -> bool:
    """Did the server answer (its state may differ from the row), or may the action have happened?

    Not when the request never left (nothing changed, and the server is likely unreachable), nor
    for a job the server no longer has.
    """
    if outcome.kind == UNKNOWN:
        return True
    return outcome.kind == REFUSED and outcome.status != 404


class JobActions:
    def __init__(self, ops: ServerOperations, concurrency: int = BULK_CONCURRENCY) -> None:
        self.ops = ops
        self.concurrency = concurrency
        self.in_flight: set[tuple[str, str]] = set()
        # job id -> the session a done start made, where the answer names one (v8; v3-v7 do not).
        self.started_sessions: dict[str, str] = {}

    def all_in_flight(self, action: str, jobs: Sequence[Job]) -> bool:
        return all((action, job.id) in self.in_flight for job in jobs)

    def claim(self, action: str, jobs: Sequence[Job]) -> list[Job]:
        """The jobs not already running this action, now marked in flight; says so for the rest."""
        free = [job for job in jobs if (action, job.id) not in self.in_flight]
        busy = len(jobs) - len(free)
        if busy:
            what = f"'{jobs[0].name}'" if len(jobs) == 1 else f"{busy} of {len(jobs)} jobs"
            self.ops.notice(f"{action} already in progress for {what}", "warning")
            self.ops.activity.not_sent(action, "", f"{action} already in progress for {what}")
        self.in_flight.update((action, job.id) for job in free)
        return free

    async def run(self, action: str, jobs: Sequence[Job], *, full: bool = False) -> list[Outcome]:
        """The action on `jobs` (claimed by the caller): one job, or a bulk action. Returns each
        job's outcome, in the order of `jobs` (the one-shot commands print them). `full`: an active
        full start (only where the API has it: the client refuses it elsewhere, nothing sent)."""
        if len(jobs) == 1:
            return [await self.run_one(action, jobs[0], full=full)]
        if jobs:
            return await self.run_bulk(action, jobs, full=full)
        return []

    async def _one(
        self, action: str, job: Job, *, own_line: bool = True, reread: bool = True, full: bool = False
    ) -> Outcome:
        from .server import AuditTarget

        try:
            result = await self.ops.perform(
                action,
                job.name,
                lambda: self.ops.client.job_action(job.id, action, full=full),
                line="always" if own_line else "on_problem",
                audit=AuditTarget(action, job.id, job.name, "full" if full else ""),
                done_note=lambda answer: (
                    f"session {answer.job_session.id}" if answer.job_session and answer.job_session.id else ""
                ),
            )
        finally:
            self.in_flight.discard((action, job.id))
        session = result.value.job_session if result.done else None
        if session is not None and session.id:
            self.started_sessions[job.id] = session.id
        outcome = result.outcome
        if reread and (outcome.kind == DONE or worth_rereading(outcome)):
            await self._reread(job, say_what=outcome.kind == UNKNOWN)
        return outcome

    async def _reread(self, job: Job, *, say_what: bool = False) -> None:
        """Show the job as the server has it now; `say_what` also puts that on a line."""
        result = await self.ops.perform(
            "re-read",
            job.name,
            lambda: self.ops.client.get_job(job.id),
            read=True,
            line="always" if say_what else "on_problem",
            done_note=lambda fresh: f"the server says now: {job_state(fresh)}",
        )
        if result.done:
            self.ops.emit(JobsChanged((result.value,)))
        elif result.outcome.status == 404:
            self.ops.emit(JobsChanged((), gone=(job.id,)))

    async def _reread_all(self, jobs: Sequence[Job]) -> None:
        """One list of every job instead of a read per job (a large bulk action)."""
        wanted = {job.id for job in jobs}
        result = await self.ops.perform(
            "re-read", f"{len(wanted)} jobs", self.ops.client.list_jobs, read=True
        )
        if not result.done:
            return
        found = tuple(job for job in result.value if job.id in wanted)
        gone = tuple(wanted - {job.id for job in found})
        self.ops.emit(JobsChanged(found, gone=gone))
        entry = self.ops.activity.entries[-1] if self.ops.activity.entries else None
        if entry is not None and entry.action == "re-read":
            entry.progress(f"{len(found)} jobs" + (f", {len(gone)} no longer on the server" if gone else ""))

    async def run_one(self, action: str, job: Job, *, full: bool = False) -> Outcome:
        outcome = await self._one(action, job, full=full)
        if outcome.kind != DONE:
            self.ops.notice(f"{action} '{job.name}': {outcome.describe()}", "error")
        return outcome

    async def run_bulk(self, action: str, jobs: Sequence[Job], *, full: bool = False) -> list[Outcome]:
        total, answered, problems, unknown = len(jobs), 0, 0, 0
        one_by_one = total <= REREAD_ONE_BY_ONE_UP_TO
        entry = self.ops.activity.begin(action, f"{total} jobs")
        gate = asyncio.Semaphore(self.concurrency)
        stopped = False
        outcomes: list[Outcome] = [Outcome(NOT_SENT, None, "not sent") for _ in jobs]

        async def run(index: int, job: Job) -> None:
            nonlocal answered, problems, unknown
            async with gate:
                if stopped:
                    return
                outcome = await self._one(action, job, own_line=False, reread=one_by_one, full=full)
            outcomes[index] = outcome
            answered += 1
            problems += outcome.kind != DONE
            unknown += outcome.kind == UNKNOWN
            entry.progress(f"{answered}/{total} answered, {problems} not done")

        tasks = [asyncio.ensure_future(run(index, job)) for index, job in enumerate(jobs)]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            # Quit or hang-up: no new request leaves; each one sent is written as unknown (perform).
            stopped = True
            for task in tasks:
                task.cancel()
            # gather() re-raises the cancellation once every task has ended, so a job still waiting
            # for the gate shows as a cancelled task (the ones that were sent released their claim).
            self._not_sent(
                action,
                [job for job, task in zip(jobs, tasks, strict=True) if task.cancelled() or not task.done()],
            )
            entry.cancelled()
            raise
        if not one_by_one:
            await self._reread_all(jobs)
        summary = bulk_summary(total, problems, unknown)
        if problems:
            entry.finished_with_failures(summary)
        else:
            entry.succeeded(None, None, summary)
        self.ops.activity.keep(entry)
        self.ops.notice(f"{action}: {summary}", "error" if problems else "information")
        return outcomes

    def _not_sent(self, action: str, jobs: Sequence[Job]) -> None:
        for job in jobs:
            self.in_flight.discard((action, job.id))


def bulk_summary(total: int, problems: int, unknown: int = 0) -> str:
    """`7/10 done, 3 failed`; says how many may have happened anyway; `3/3 succeeded` if all did."""
    if not problems:
        return f"{total}/{total} succeeded"
    summary = f"{total - problems}/{total} done, {problems} failed"
    if unknown:
        summary += f" ({unknown} outcome unknown: may have reached the server; check before retrying)"
    return summary


def job_state(job: Job) -> str:
    enabled = "?" if job.is_enabled is None else "yes" if job.is_enabled else "no"
    return f"last status {job.last_status or '-'}, enabled {enabled}"


__all__ = ["ACTIONS", "NOT_SENT", "JobActions", "bulk_summary", "needs_confirmation"]
