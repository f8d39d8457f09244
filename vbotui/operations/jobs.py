"""Enable / disable / start / stop on one job or many: in-flight guard, bounded concurrency.

Every request ends in one outcome on a status line (outcome.py), nothing is ever resent. After an
answer the job is re-read, so its row shows what the server now says: also after a refusal (the
job may have changed meanwhile), and above all when the outcome is unknown (the request may have
reached the server: the operator must check before retrying, and the re-read shows them).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
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
# After an answer the job is re-read at once, and again this many seconds after the answer until its
# lastStatus changes: a job started is Running at once, and may end before the next poll (the row
# would say Running while the detail pane's newest session has ended).
REREAD_AFTER_S = (2.0, 5.0, 10.0)

Scheduler = Callable[[float, Callable[[], Awaitable[None]]], None]
"""Run the coroutine function after a delay in seconds (the app's timers; a test's own list)."""


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
        # The later re-reads (REREAD_AFTER_S); None: none (a one-shot command ends at the answer).
        self.scheduler: Scheduler | None = None
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
            seen = await self._reread(job, say_what=outcome.kind == UNKNOWN)
            self._reread_later([job], {job.id: (seen or job).last_status})
        return outcome

    def _reread_later(self, jobs: Sequence[Job], seen: dict[str, str | None]) -> None:
        """Re-read `jobs` REREAD_AFTER_S after the answer, each until its lastStatus is no longer
        `seen[id]` (what the server said right after the answer)."""
        if self.scheduler is None or not jobs:
            return
        schedule = self.scheduler
        delays = iter(REREAD_AFTER_S)

        def after(previous: float, waiting: list[Job]) -> None:
            delay = next(delays, None)
            if delay is None or not waiting or self.ops.closing:
                return

            async def read() -> None:
                if self.ops.closing:
                    return
                if len(waiting) > REREAD_ONE_BY_ONE_UP_TO:
                    fresh = await self._reread_all(waiting, quiet=True)
                else:
                    fresh = [await self._reread(job) for job in waiting]
                changed = {job.id for job in fresh if job is not None and job.last_status != seen.get(job.id)}
                gone = {job.id for job, now in zip(waiting, fresh, strict=True) if now is None}
                after(delay, [job for job in waiting if job.id not in changed | gone])

            schedule(delay - previous, read)

        after(0.0, list(jobs))

    async def _reread(self, job: Job, *, say_what: bool = False) -> Job | None:
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
            fresh: Job = result.value
            self.ops.emit(JobsChanged((fresh,)))
            return fresh
        if result.outcome.status == 404:
            self.ops.emit(JobsChanged((), gone=(job.id,)))
        return None

    async def reread(self, job: Job) -> None:
        """Read `job` again and show it as the server has it (the detail pane saw it end)."""
        await self._reread(job)

    async def _reread_all(self, jobs: Sequence[Job], *, quiet: bool = False) -> list[Job | None]:
        """One list of every job instead of a read per job (a large bulk action). Returns each
        job as read, in the order of `jobs` (None: gone, or the list could not be read)."""
        wanted = {job.id for job in jobs}
        result = await self.ops.perform(
            "re-read",
            f"{len(wanted)} jobs",
            self.ops.client.list_jobs,
            read=True,
            line="on_problem" if quiet else "always",
        )
        if not result.done:
            return [None for _ in jobs]
        found = tuple(job for job in result.value if job.id in wanted)
        gone = tuple(wanted - {job.id for job in found})
        self.ops.emit(JobsChanged(found, gone=gone))
        entry = self.ops.activity.entries[-1] if self.ops.activity.entries else None
        if not quiet and entry is not None and entry.action == "re-read":
            entry.progress(f"{len(found)} jobs" + (f", {len(gone)} no longer on the server" if gone else ""))
        by_id = {job.id: job for job in found}
        return [by_id.get(job.id) for job in jobs]

    async def run_one(self, action: str, job: Job, *, full: bool = False) -> Outcome:
        outcome = await self._one(action, job, full=full)
        if outcome.kind != DONE:
            self.ops.notice(f"{action} '{job.name}': {outcome.describe()}", "error")
        return outcome

    async def run_bulk(self, action: str, jobs: Sequence[Job], *, full: bool = False) -> list[Outcome]:
        total, answered, problems = len(jobs), 0, 0
        one_by_one = total <= REREAD_ONE_BY_ONE_UP_TO
        entry = self.ops.activity.begin(action, f"{total} jobs")
        gate = asyncio.Semaphore(self.concurrency)
        stopped = False
        outcomes: list[Outcome] = [Outcome(NOT_SENT, None, "not sent") for _ in jobs]

        async def run(index: int, job: Job) -> None:
            nonlocal answered, problems
            async with gate:
                if stopped:
                    return
                outcome = await self._one(action, job, own_line=False, reread=one_by_one, full=full)
            outcomes[index] = outcome
            answered += 1
            problems += outcome.kind != DONE
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
            fresh = await self._reread_all(jobs)
            answered_jobs = [
                (job, now)
                for job, now, outcome in zip(jobs, fresh, outcomes, strict=True)
                if outcome.kind == DONE or worth_rereading(outcome)
            ]
            self._reread_later(
                [job for job, _ in answered_jobs],
                {job.id: (now or job).last_status for job, now in answered_jobs},
            )
        summary = bulk_summary(outcomes)
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


def bulk_summary(outcomes: Sequence[Outcome]) -> str:
    """`21 done, 3 refused`, each outcome counted in its own word; `3/3 succeeded` if all were done."""
    total = len(outcomes)
    count = Counter(outcome.kind for outcome in outcomes)
    if count[DONE] == total:
        return f"{total}/{total} succeeded"
    parts = [f"{count[DONE]} done"]
    if count[REFUSED]:
        parts.append(f"{count[REFUSED]} refused")
    if count[UNKNOWN]:
        parts.append(f"{count[UNKNOWN]} outcome unknown (may have reached the server; check before retrying)")
    if count[NOT_SENT]:
        parts.append(f"{count[NOT_SENT]} not sent")
    return ", ".join(parts)


def job_state(job: Job) -> str:
    enabled = "?" if job.is_enabled is None else "yes" if job.is_enabled else "no"
    return f"last status {job.last_status or '-'}, enabled {enabled}"


__all__ = ["ACTIONS", "NOT_SENT", "JobActions", "bulk_summary", "needs_confirmation"]
