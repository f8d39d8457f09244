"""Job sessions, their logs, start full and the server's pulse: what those screens read and do.

Headless. Every request goes through `ServerOperations.perform` (its status line when it fails, its
outcome, its audit record for an action). Version facts come from the client's Capabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from vbotui.api.models import Health, Job, License, LogItem, Proxy, Repository, ServiceInstance

from .log_reading import LogReader
from .outcome import NOT_SENT, Outcome

if TYPE_CHECKING:
    from .history import JobHistory
    from .server import Result, ServerOperations

REASON_LINES = 100  # log lines a failed session's reason is looked for in, at each end
FULL_NOTE = (
    "An active full backup reads every object of the job again from Microsoft 365: it takes much longer."
)


def full_start_refusal(ops: ServerOperations) -> str | None:
    """Why a full start cannot be sent to this server, or None when it can (the API's v6+)."""
    capabilities = ops.client.capabilities
    if capabilities is None:
        return "the server's API version is not known yet"
    if not capabilities.full_start:
        return f"API {capabilities.version} has no full start (VB365 REST API v6 and later have it)"
    return None


async def start_full(ops: ServerOperations, jobs: Sequence[Job]) -> list[Outcome]:
    """Start `jobs` (claimed by the caller for "start") as active full backups; on an API without a
    full start nothing is sent: each job gets a not_sent line that says why."""
    why = full_start_refusal(ops)
    if why is not None:
        for job in jobs:
            ops.jobs.in_flight.discard(("start", job.id))
        what = jobs[0].name if len(jobs) == 1 else f"{len(jobs)} jobs"
        ops.activity.not_sent("start full", what, why)
        ops.notice(f"Start full is not available: {why}.", "warning")
        return [Outcome(NOT_SENT, None, why) for _ in jobs]
    return await ops.jobs.run("start", jobs, full=True)


async def read_newest_sessions(ops: ServerOperations, history: JobHistory, count: int) -> Result:
    """The job's `count` newest sessions, newest first, read afresh (a line only when it fails)."""
    return await ops.perform(
        "sessions", history.job.name, lambda: history.newest(count), read=True, line="on_problem"
    )


async def read_older_sessions(ops: ServerOperations, history: JobHistory, count: int) -> Result:
    """Up to `count` sessions older than those `history` gave ([] past the oldest)."""
    return await ops.perform(
        "sessions", history.job.name, lambda: history.older(count), read=True, line="on_problem"
    )


async def read_session(ops: ServerOperations, session_id: str, label: str) -> Result:
    return await ops.perform(
        "session", label, lambda: ops.client.job_session(session_id), read=True, line="on_problem"
    )


async def read_log(ops: ServerOperations, reader: LogReader, label: str) -> Result:
    """The log's end when nothing is held yet, else only the lines written since (LogReader)."""
    read = reader.newer if reader.opened else reader.open
    return await ops.perform("session log", label, read, read=True, line="on_problem")


async def read_earlier_log(ops: ServerOperations, reader: LogReader, label: str) -> Result:
    """The page of the log before the first line held."""
    return await ops.perform("session log", label, reader.earlier, read=True, line="on_problem")


def log_item_key(item: LogItem, position: int) -> str:
    """What tells a log item from the others across reads: its id, else its usn, else its position.

    A session's log only grows at its end, so the line at an offset is the same line at every read
    (LogReader asks by offset); an item without id or usn is told apart by that offset. Its text and
    time would not do: a log may hold the same line twice in one second (the same warning for two items).
    """
    if item.id:
        return f"id:{item.id}"
    if item.usn is not None:
        return f"usn:{item.usn}"
    return f"at:{position}"


def first_error_line(items: Sequence[LogItem]) -> str:
    """The first line of a log that says something failed (`[Error] ...`), or "" when none does."""
    return next((item.text for item in items if item.kind.lower() in ("error", "failed")), "")


async def failure_reason(ops: ServerOperations, session_id: str) -> str:
    """A failed session's first error line, from its log's two ends; raises the client's error (no
    line: the detail pane's glance, as its sessions are).

    The pane shows one line, and a log can hold hundreds of thousands. A job that fails says why
    where it stopped early (connecting, signing in, finding its objects: the first lines) or in the
    lines that say how it ended ("Job finished with error ...: reason", the last ones), so at most
    REASON_LINES are read from each end: the end first where the server can (v8 `orderAsc=false`),
    else from its `totalCount` (v5-v7); a server that says neither gives only the first lines.
    """
    client = ops.client
    head, page = await client.log_page(session_id, limit=REASON_LINES)
    reason = first_error_line(head)
    if reason or len(head) < REASON_LINES or (page.total is not None and page.total <= len(head)):
        return reason  # found, or the whole log was that page
    caps = await client.ensure_capabilities()
    if caps.log_items_order:
        tail, _ = await client.log_page(session_id, limit=REASON_LINES, newest_first=True)
    elif page.total is not None:
        start = max(len(head), page.total - REASON_LINES)
        tail, _ = await client.log_page(session_id, limit=REASON_LINES, offset=start)
    else:
        return ""
    tail.sort(key=lambda item: (item.usn is None, item.usn or 0))  # oldest first, whatever was asked
    return first_error_line(tail)


async def read_processed_objects(ops: ServerOperations, session_id: str, label: str) -> Result:
    return await ops.perform(
        "processed objects",
        label,
        lambda: ops.client.processed_objects(session_id),
        read=True,
        line="on_problem",
    )


# --- the pulse -------------------------------------------------------------------------------------

STATUSES = ("Failed", "Warning", "Success", "Stopped")


@dataclass
class OrganizationPulse:
    """One organization's jobs: how many ended in each status, how many run, are disabled, never ran."""

    name: str
    jobs: list[Job] = field(default_factory=list)

    def by_status(self, status: str) -> list[Job]:
        return [job for job in self.jobs if (job.last_status or "").lower() == status.lower()]

    @property
    def running(self) -> list[Job]:
        return self.by_status("Running")

    @property
    def disabled(self) -> list[Job]:
        return [job for job in self.jobs if job.is_enabled is False]

    @property
    def never_run(self) -> list[Job]:
        return [job for job in self.jobs if job.last_run is None and not job.last_status]

    @property
    def oldest_backup(self) -> tuple[Job | None, datetime | None]:
        """The job whose last backup is the oldest (a job never backed up counts as oldest)."""
        if not self.jobs:
            return None, None
        oldest = min(
            self.jobs, key=lambda job: (job.last_backup is not None, job.last_backup or datetime.min)
        )
        return oldest, oldest.last_backup


def organizations_pulse(jobs: Sequence[Job], org_names: dict[str, str]) -> list[OrganizationPulse]:
    """Jobs per organization (by the organization's name, sorted; unknown organizations by id)."""
    by_org: dict[str, OrganizationPulse] = {}
    for job in jobs:
        key = job.organization_id or ""
        name = org_names.get(key) or key or "(no organization)"
        by_org.setdefault(key, OrganizationPulse(name)).jobs.append(job)
    return sorted(by_org.values(), key=lambda org: org.name.lower())


@dataclass
class ServerPulse:
    """What the server says about itself; a part it did not answer holds the reason instead."""

    instance: ServiceInstance | None = None
    health: Health | None = None
    proxies: list[Proxy] | None = None
    repositories: list[Repository] | None = None
    license: License | None = None
    problems: dict[str, str] = field(default_factory=dict)  # part -> why it is missing
    health_available: bool = True


async def read_pulse(ops: ServerOperations) -> ServerPulse:
    """Version and build, health (v8), proxies, repositories, licence: each read on its own, so that one
    refused part (a restricted role, an old version) leaves the others."""
    pulse = ServerPulse()
    capabilities = ops.client.capabilities
    reads = {
        "instance": ops.client.service_instance,
        "proxies": ops.client.list_proxies,
        "repositories": ops.client.list_repositories,
        "license": ops.client.license,
    }
    pulse.health_available = capabilities is not None and capabilities.health
    if pulse.health_available:
        reads["health"] = ops.client.health
    for part, read in reads.items():
        result = await ops.perform("pulse", part, read, read=True, line="on_problem")
        if result.done:
            setattr(pulse, part, result.value)
        else:
            pulse.problems[part] = result.outcome.describe()
    return pulse


__all__ = [
    "FULL_NOTE",
    "OrganizationPulse",
    "ServerPulse",
    "failure_reason",
    "first_error_line",
    "full_start_refusal",
    "log_item_key",
    "organizations_pulse",
    "read_earlier_log",
    "read_log",
    "read_newest_sessions",
    "read_older_sessions",
    "read_processed_objects",
    "read_pulse",
    "read_session",
    "start_full",
]
