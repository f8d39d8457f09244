"""What a job session has to show besides its statistics: log items and processed objects; and the
server's own parts (proxies, repositories, the licence).

Deterministic: each session's log is planned from the seed and the session's id (the same lines at
the same offsets into the run every time), and what is shown is the part of that plan the clock has
reached, so a running session's log grows as the simulated time passes; a finished one holds every
line up to its end and its last line says how it ended.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .data import SimJob, SimOrganization, new_uuid

# Log item types as v8 writes them (RESTLogItem.type); v3-v7 put the same word in the title.
RUNNING, WARNING, ERROR, SUCCESS, STOP = "Running", "Warning", "Error", "Success", "Stop"
OBJECT_TYPES = ("User", "Site", "Group", "Team")
PROCESSING_LINES = 12  # "Processing ..." lines over a run (or fewer, for fewer objects)
PROCESSED_OBJECTS_SHOWN = 40  # processed objects listed per session at most


@dataclass(frozen=True)
class SimLogItem:
    id: str
    usn: int
    type: str  # Running | Warning | Error | Success | Stop
    message: str
    creation_time: datetime
    end_time: datetime

    @property
    def title(self) -> str:
        """v3-v7: the type in brackets, then the message."""
        return f"[{self.type}] {self.message}"


@dataclass(frozen=True)
class SimProcessedObject:
    id: str
    type: str  # Group | User | Site | Team
    status: str  # Success | Warning | Failed


@dataclass
class SimProxy:
    id: str
    host_name: str
    status: str = "Online"  # Online | Offline
    type: str = "Domain"
    port: int = 9193
    threads: int = 64


@dataclass
class SimRepository:
    id: str
    name: str
    path: str
    organization_id: str
    proxy_id: str
    capacity_bytes: int
    free_bytes: int
    is_out_of_sync: bool = False


@dataclass
class SimLicense:
    licensed_to: str
    expires: datetime
    total: int
    used: int
    status: str = "Valid"
    type: str = "Subscription"


def _when(value: datetime) -> str:
    return f"{value:%m/%d/%Y %I:%M:%S %p}"


def _account(rng: random.Random, org: SimOrganization | None) -> str:
    tenant = org.name if org is not None else "tenant.onmicrosoft.com"
    kind = rng.random()
    if kind < 0.55:
        return f"mailbox: user{rng.randint(1, 999):03d}@{tenant}"
    if kind < 0.8:
        return f"OneDrive: user{rng.randint(1, 999):03d}@{tenant}"
    if kind < 0.93:
        return f"site: https://{tenant.split('.')[0]}.sharepoint.com/sites/project{rng.randint(1, 60)}"
    return f"team: Team {rng.randint(1, 40)}"


def log_plan(
    seed: int,
    session_id: str,
    job: SimJob | None,
    org: SimOrganization | None,
    objects: int,
    creation: datetime,
    run_seconds: float,
) -> list[tuple[float, str, str]]:
    """(seconds into the run, type, message) of every line a complete run writes, the last one excepted."""
    rng = random.Random(f"{seed}:log:{session_id}")
    name = job.name if job is not None else "the job"
    lines: list[tuple[float, str, str]] = [
        (0.0, SUCCESS, f"Job {name} started at {_when(creation)}"),
        (run_seconds * 0.02, SUCCESS, f"Connected to organization {org.name if org else ''}".rstrip()),
        (run_seconds * 0.05, SUCCESS, f"Found {objects} objects to process"),
    ]
    count = max(1, min(PROCESSING_LINES, objects))
    for index in range(count):
        offset = run_seconds * (0.1 + 0.8 * index / count)
        items = rng.randint(5, 900)
        kind = WARNING if rng.random() < 0.08 else SUCCESS
        what = _account(rng, org)
        message = f"Processing {what} ({items} items processed)"
        if kind == WARNING:
            message = f"Processing {what}: 2 items were skipped (item size exceeds the limit)"
        lines.append((offset, kind, message))
    return lines


def final_line(status: str, end: datetime) -> tuple[str, str]:
    if status == "Failed":
        return ERROR, f"Job finished with error at {_when(end)}: Exchange Web Services returned ServerBusy"
    if status == "Warning":
        return WARNING, f"Job finished with warning at {_when(end)}"
    if status == "Stopped":
        return STOP, f"Job was stopped by user at {_when(end)}"
    return SUCCESS, f"Job finished at {_when(end)}"


def log_items(
    seed: int,
    session_id: str,
    job: SimJob | None,
    org: SimOrganization | None,
    objects: int,
    creation: datetime,
    end: datetime | None,
    status: str,
    now: datetime,
    planned_s: float,
) -> list[SimLogItem]:
    """The lines of a session's log the clock has reached, oldest first; a finished one ends with how.

    `planned_s` is how long the run was planned to take: the lines keep their times when a run is
    stopped early (the ones planned after the stop never come)."""
    planned_s = max(planned_s, 0.001)
    reached = min(now, end) if end is not None else now
    reached_s = (reached - creation).total_seconds()
    rng = random.Random(f"{seed}:log-ids:{session_id}")
    items: list[SimLogItem] = []
    for offset, kind, message in log_plan(seed, session_id, job, org, objects, creation, planned_s):
        if offset > reached_s:
            break
        at = creation + timedelta(seconds=offset)
        items.append(
            SimLogItem(
                new_uuid(rng),
                len(items) + 1,
                kind,
                message,
                at,
                at + timedelta(seconds=min(1.0, planned_s / 50)),
            )
        )
    if end is not None and now >= end:
        kind, message = final_line(status, end)
        items.append(SimLogItem(new_uuid(rng), len(items) + 1, kind, message, end, end))
    return items


def processed_objects(seed: int, session_id: str, progress: int, status: str) -> list[SimProcessedObject]:
    """Up to PROCESSED_OBJECTS_SHOWN of the objects processed so far."""
    rng = random.Random(f"{seed}:objects:{session_id}")
    shown = []
    for _ in range(min(progress, PROCESSED_OBJECTS_SHOWN)):
        kind = OBJECT_TYPES[min(int(rng.random() * 4.4), 3)]
        roll = rng.random()
        result = "Success"
        if status == "Failed" and roll < 0.3:
            result = "Failed"
        elif status in ("Warning", "Failed") and roll < 0.45:
            result = "Warning"
        shown.append(SimProcessedObject(new_uuid(rng), kind, result))
    return shown


def make_proxies(seed: int, jobs: int) -> list[SimProxy]:
    """One proxy per 100 jobs (one to four); with three or more, the last is offline."""
    rng = random.Random(f"{seed}:proxies")
    count = max(1, min(4, jobs // 100 + 1))
    proxies = [SimProxy(new_uuid(rng), f"vbo-proxy{index + 1:02d}.corp.local") for index in range(count)]
    if count >= 3:
        proxies[-1].status = "Offline"
    return proxies


def make_repositories(seed: int, orgs: list[SimOrganization], proxies: list[SimProxy]) -> list[SimRepository]:
    """One repository per organization (the one its jobs write to)."""
    rng = random.Random(f"{seed}:repositories")
    repositories = []
    for index, org in enumerate(orgs):
        capacity = 2 * 1024**4
        free = int(capacity * rng.uniform(0.05, 0.8))
        repositories.append(
            SimRepository(
                id=org.repository_id,
                name=f"{org.office_name} repository",
                path=f"E:\\Backups\\{org.office_name}",
                organization_id=org.id,
                proxy_id=proxies[index % len(proxies)].id,
                capacity_bytes=capacity,
                free_bytes=free,
            )
        )
    return repositories


def make_license(seed: int, jobs: list[SimJob], now: datetime) -> SimLicense:
    rng = random.Random(f"{seed}:license")
    users = sum(min(job.objects, 400) for job in jobs) // 4 + 1
    total = ((users * 5 // 4) // 500 + 1) * 500
    return SimLicense(
        licensed_to="Contoso Ltd.",
        expires=now + timedelta(days=rng.randint(90, 400)),
        total=total,
        used=users,
    )
