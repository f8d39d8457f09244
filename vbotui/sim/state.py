"""The simulated server's state and what actions do to it.

No background tasks (in-process ASGI has no lifespan): `advance(now)` is called at the start of
every request and moves running jobs on, so a started job is Running, counts its processed
objects up, and finishes `run_seconds` after it started with a seeded Success/Warning/Failed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .config import SimConfig
from .data import SimJob, SimOrganization, generate, new_uuid
from .data_modes import apply_data_modes
from .long_logs import LongLog
from .selected import SimSelectedItem, planned_selected_items
from .sessions import (
    SimLicense,
    SimLogItem,
    SimProcessedObject,
    SimProxy,
    SimRepository,
    log_items,
    make_license,
    make_proxies,
    make_repositories,
    processed_objects,
)

# Explore types as the API writes them in responses (vbo-api.md §7); Teams needs v5+.
RESTORE_TYPES = {"vex": "Vex", "veod": "Veod", "vesp": "Vesp", "vet": "Vet"}
RESTORE_TYPE_NAMES = {"vex": "Exchange", "veod": "OneDrive", "vesp": "SharePoint", "vet": "Teams"}


class SimError(Exception):
    """An error the API answers with: HTTP status, message and (v8) errorCode."""

    def __init__(self, status: int, message: str, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code


# No source shows the status of a conflicting action (vbo-api.md §4): we answer 400 everywhere,
# with errorCode OperationConflict on v8, rather than a 409 nobody has seen.
CONFLICT_STATUS = 400


def conflict(message: str) -> SimError:
    return SimError(CONFLICT_STATUS, message, "OperationConflict")


def not_found(what: str, ident: str) -> SimError:
    return SimError(404, f"{what} with ID '{ident}' was not found.", "ResourceNotFound")


@dataclass
class SimJobSession:
    id: str
    job_id: str
    repository_id: str
    creation_time: datetime
    objects: int  # what `progress` counts up to
    final_status: str  # what the run ends with unless stopped
    bytes_per_object: int = 120_000
    status: str = "Running"
    end_time: datetime | None = None
    progress: int = 0
    config_type: str = "Incremental"
    job_type: str = "Backup"
    etag: int = 1
    planned_s: float | None = None  # how long the run was to take (its log's time scale)

    @property
    def elapsed_s(self) -> float:
        return max(0.0, ((self.end_time or self.creation_time) - self.creation_time).total_seconds())


@dataclass
class SimRestoreSession:
    id: str
    job_id: str  # "" for a session explored by organization
    organization_id: str
    organization: str
    type: str  # Vex | Veod | Vesp | Vet
    name: str
    creation_time: datetime
    initiated_by: str
    client_host: str
    point_in_time: datetime
    restore_point: datetime | None  # None: no backup data at that point in time
    details: str
    reason: str
    show_deleted: bool = False
    show_all_versions: bool = False
    state: str = "Working"
    result: str = "Success"
    end_time: datetime | None = None
    etag: int = 1


@dataclass(frozen=True)
class ExploreRequest:
    """What an explore asks for (by job or by organization) and who asks."""

    point_in_time: datetime
    type_code: str  # a RESTORE_TYPES key
    show_deleted: bool
    show_all_versions: bool
    user: str
    client_host: str


# What GET /v8/Health checks, as the v8 document describes it: "the NATS server and the
# PostgreSQL configuration database".
HEALTH_PARTS = ("NATS", "PostgreSQL")


class SimState:
    def __init__(self, config: SimConfig, now: datetime) -> None:
        self.config = config
        orgs, jobs = generate(config.seed, config.jobs, now)
        apply_data_modes(config.data, orgs, jobs)
        self.organizations: dict[str, SimOrganization] = {o.id: o for o in orgs}
        self.jobs: dict[str, SimJob] = {j.id: j for j in jobs}
        self.job_sessions: dict[str, SimJobSession] = {}
        self.restore_sessions: dict[str, SimRestoreSession] = {}
        self.installation_id = new_uuid(random.Random(f"{config.seed}:installation"))
        self.proxies: list[SimProxy] = make_proxies(config.seed, config.jobs)
        self.repositories: list[SimRepository] = make_repositories(config.seed, orgs, self.proxies)
        self.license: SimLicense = make_license(config.seed, jobs, now)
        self._rng = random.Random(f"{config.seed}:runtime")
        self._running: set[str] = set()
        self._with_history: set[str] = set()
        # A part of HEALTH_PARTS named here is down, with this description (tests arrange it).
        self.unhealthy: dict[str, str] = {}
        # False: log items come without `id` and `usn`, as some servers write them (a client must
        # still see a running session's log grow).
        self.log_item_ids = "logs-without-ids" not in config.data
        # A job's selected items when a test sets them; else planned from its name (selected.py).
        self.selected_items: dict[str, Sequence[SimSelectedItem]] = {}

    def new_id(self) -> str:
        return new_uuid(self._rng)

    # -- time ------------------------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        for job_id in list(self._running):
            job = self.jobs[job_id]
            session = self.job_sessions.get(job.running_session_id or "")
            if session is None:  # a test rearranged the job by hand
                self._running.discard(job_id)
                continue
            elapsed = (now - session.creation_time).total_seconds()
            if elapsed < self.config.run_seconds:
                fraction = elapsed / self.config.run_seconds if self.config.run_seconds > 0 else 1.0
                session.progress = int(session.objects * max(0.0, fraction))
                continue
            end = session.creation_time + timedelta(seconds=self.config.run_seconds)
            self._finish(job, session, session.final_status, end)
            session.progress = session.objects if session.final_status != "Failed" else session.objects // 3

    def _finish(self, job: SimJob, session: SimJobSession, status: str, end: datetime) -> None:
        session.status, session.end_time = status, end
        session.etag += 1
        job.last_status, job.running_session_id = status, None
        job.etag += 1
        self._running.discard(job.id)
        if status in ("Success", "Warning"):
            job.last_backup = end
            org = self.organizations.get(job.organization_id)
            if org is not None:
                org.first_backup = org.first_backup or session.creation_time
                org.last_backup = max(org.last_backup or end, end)

    # -- job sessions (history made lazily: 10,000 jobs need none until someone asks) --------

    def ensure_history(self, job: SimJob) -> None:
        if job.id in self._with_history:
            return
        self._with_history.add(job.id)
        if job.last_run is None:
            return
        rng = random.Random(f"{self.config.seed}:history:{job.id}")
        runs = self.config.history - 1 if self.config.history > 0 else rng.randint(2, 5)
        every = timedelta(hours=4) if self.config.history > 0 else timedelta(days=1)
        history = []
        for back in range(runs, -1, -1):
            start = job.last_run - every * back
            older = "Warning" if rng.random() < 0.15 else "Success"
            status = (job.last_status or "Success") if back == 0 else older
            session = SimJobSession(
                id=new_uuid(rng),
                job_id=job.id,
                repository_id=job.repository_id,
                creation_time=start,
                objects=job.objects,
                final_status=status,
                status=status,
                bytes_per_object=rng.randint(20_000, 400_000),
                config_type="Incremental",
                job_type=job.job_type,
            )
            # A run ends before the next starts (a job runs one session at a time).
            session.end_time = start + min(timedelta(minutes=rng.uniform(2, 90)), every * 0.9)
            session.planned_s = (session.end_time - start).total_seconds()
            session.progress = job.objects if status != "Failed" else job.objects // 3
            history.append(session)
        history[0].config_type = "Full"
        for session in history:
            self.job_sessions[session.id] = session
        job.session_ids[:0] = [s.id for s in history]

    def ensure_all_history(self) -> None:
        for job in self.jobs.values():
            self.ensure_history(job)

    def sessions_of(self, job: SimJob) -> list[SimJobSession]:
        """The job's sessions, newest first."""
        self.ensure_history(job)
        return [self.job_sessions[sid] for sid in reversed(job.session_ids)]

    def job_session(self, session_id: str) -> SimJobSession:
        key = session_id.lower()
        if key not in self.job_sessions:
            self.ensure_all_history()
        session = self.job_sessions.get(key)
        if session is None:
            raise not_found("Job session", session_id)
        return session

    def log_of(self, session: SimJobSession, now: datetime) -> Sequence[SimLogItem]:
        """The session's log as far as the clock has reached (it grows while the session runs);
        with --log-lines/--log-rate a LongLog, whose lines are made when asked for."""
        job = self.jobs.get(session.job_id)
        org = self.organizations.get(job.organization_id) if job is not None else None
        planned = session.planned_s if session.planned_s is not None else self.config.run_seconds
        items = log_items(
            self.config.seed,
            session.id,
            job,
            org,
            session.objects,
            session.creation_time,
            session.end_time,
            session.status,
            now,
            planned,
        )
        extra, rate = self.config.log_lines, self.config.log_rate
        if not extra and not rate:
            return items
        end = session.end_time
        reached = min(now, end) if end is not None else now
        finished = end is not None and now >= end
        reached_s = (reached - session.creation_time).total_seconds()
        return LongLog(
            self.config.seed, session.id, items, session.creation_time, reached_s, finished, extra, rate
        )

    def selected_of(self, job: SimJob) -> Sequence[SimSelectedItem]:
        """What the job backs up, item by item (none for an EntireOrganization job)."""
        if job.id not in self.selected_items:
            return planned_selected_items(self.config.seed, job)
        return self.selected_items[job.id]

    def processed_of(self, session: SimJobSession) -> list[SimProcessedObject]:
        return processed_objects(self.config.seed, session.id, session.progress, session.status)

    def health(self) -> tuple[str, dict[str, tuple[str, str | None]]]:
        """The overall status and each part's (status, description): a part in `unhealthy` is down."""
        entries: dict[str, tuple[str, str | None]] = {
            part: ("Unhealthy", self.unhealthy[part]) if part in self.unhealthy else ("Healthy", None)
            for part in HEALTH_PARTS
        }
        overall = "Healthy" if all(status == "Healthy" for status, _ in entries.values()) else "Unhealthy"
        return overall, entries

    def proxy(self, proxy_id: str) -> SimProxy:
        for proxy in self.proxies:
            if proxy.id == proxy_id.lower():
                return proxy
        raise not_found("Proxy", proxy_id)

    def repository(self, repository_id: str) -> SimRepository:
        for repository in self.repositories:
            if repository.id == repository_id.lower():
                return repository
        raise not_found("Backup repository", repository_id)

    # -- actions -----------------------------------------------------------------------------

    def job(self, job_id: str) -> SimJob:
        job = self.jobs.get(job_id) or self.jobs.get(job_id.lower())  # a hostile id keeps its case
        if job is None:
            raise not_found("Job", job_id)
        return job

    def start(self, job: SimJob, now: datetime, full: bool = False) -> SimJobSession:
        if job.running_session_id is not None:
            raise conflict("Job is already running.")
        if not job.is_enabled:
            raise conflict("Job is disabled. Enable the job before starting it.")
        self.ensure_history(job)
        session_id = self.new_id()
        outcome = random.Random(f"{self.config.seed}:outcome:{session_id}").random()
        final = "Failed" if outcome < 0.1 else "Warning" if outcome < 0.25 else "Success"
        session = SimJobSession(
            id=session_id,
            job_id=job.id,
            repository_id=job.repository_id,
            creation_time=now,
            objects=job.objects,
            final_status=final,
            config_type="Full" if full or not job.session_ids else "Incremental",
            job_type=job.job_type,
        )
        self.job_sessions[session.id] = session
        job.session_ids.append(session.id)
        job.running_session_id, job.last_status, job.last_run = session.id, "Running", now
        job.etag += 1
        self._running.add(job.id)
        return session

    def stop(self, job: SimJob, now: datetime) -> None:
        if job.running_session_id is None:
            raise conflict("Job is not running.")
        self._finish(job, self.job_sessions[job.running_session_id], "Stopped", now)

    def set_enabled(self, job: SimJob, enabled: bool) -> None:
        if job.is_enabled != enabled:
            job.is_enabled = enabled
            job.etag += 1

    def explore(self, job: SimJob, now: datetime, request: ExploreRequest) -> SimRestoreSession:
        """A restore session of the job's organization, named after the job."""
        org = self.organizations[job.organization_id]
        return self._explore(org, now, request, job.id, job.name)

    def explore_organization(
        self, org: SimOrganization, now: datetime, request: ExploreRequest
    ) -> SimRestoreSession:
        return self._explore(org, now, request, "", org.name)

    def _explore(
        self, org: SimOrganization, now: datetime, request: ExploreRequest, job_id: str, named_after: str
    ) -> SimRestoreSession:
        if self.config.explore_refusal:
            raise SimError(500, self.config.explore_refusal)
        point_in_time = request.point_in_time
        kind = RESTORE_TYPE_NAMES[request.type_code]
        if org.first_backup is None or point_in_time < org.first_backup:
            restore_point = None
            reason = "The specified point in time precedes the organization's first backup."
            details = f"No backup data is available for {org.name} at the specified point in time."
        elif org.last_backup is not None and point_in_time > org.last_backup:
            restore_point = org.last_backup
            reason = "The specified point in time exceeds the organization's last backup."
            details = f"Showing {kind} data of {org.name} as of the latest restore point."
        else:
            restore_point = point_in_time
            reason = ""
            details = f"Showing {kind} data of {org.name} as of the specified point in time."
        session = SimRestoreSession(
            id=self.new_id(),
            job_id=job_id,
            organization_id=org.id,
            organization=org.name,
            type=RESTORE_TYPES[request.type_code],
            name=f"{kind} restore session ({named_after})",
            creation_time=now,
            initiated_by=request.user,
            client_host=request.client_host,
            point_in_time=point_in_time,
            restore_point=restore_point,
            details=details,
            reason=reason,
            show_deleted=request.show_deleted,
            show_all_versions=request.show_all_versions,
        )
        self.restore_sessions[session.id] = session
        return session

    def restore_session(self, session_id: str) -> SimRestoreSession:
        session = self.restore_sessions.get(session_id.lower())
        if session is None:
            raise not_found("Restore session", session_id)
        return session

    def stop_restore_session(self, session: SimRestoreSession, now: datetime) -> None:
        if session.state == "Stopped":
            raise conflict("Restore session is already stopped.")
        session.state, session.end_time = "Stopped", now
        session.etag += 1
