"""Seeded, deterministic sample data: organizations and their backup jobs.

Everything is derived from `random.Random(seed)` and placed relative to the clock at creation,
so two simulators with the same seed and clock serve identical data. Generation is a handful of
random draws per job, so 10,000 jobs build in a fraction of a second.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# The job of the seed document's examples, so they work literally against the simulator.
FIRST_JOB_ID = "3396ba22-21b1-4666-a631-0edfc12a59cd"

# Microsoft's fictitious companies: realistic tenant names that belong to nobody.
TENANTS = (
    "contoso",
    "fabrikam",
    "northwindtraders",
    "adatum",
    "tailspintoys",
    "wingtiptoys",
    "woodgrovebank",
    "litwareinc",
    "alpineskihouse",
    "fourthcoffee",
    "proseware",
    "lucernepublishing",
    "margiestravel",
    "treyresearch",
    "cohovineyard",
    "wideworldimporters",
    "blueyonderairlines",
    "relecloud",
    "humongousinsurance",
    "southridgevideo",
)

REGIONS = ("emea", "apac", "us", "uk", "de", "latam")

JOB_TEMPLATES = (
    "Exchange Online - All mailboxes",
    "OneDrive for Business",
    "SharePoint sites",
    "Teams",
    "Executives mailboxes",
    "Finance OneDrive",
    "HR SharePoint",
    "Shared mailboxes",
    "Archive mailboxes",
    "Sales team sites",
    "Public folders",
    "Project sites",
)

DAILY_TYPES = ("Everyday", "Everyday", "Everyday", "Workdays", "Weekends", "Friday")
PERIODS = ("Minutes30", "Hours1", "Hours2", "Hours4", "Hours8")
PERIOD_SECONDS = {
    "Minutes5": 300,
    "Minutes10": 600,
    "Minutes15": 900,
    "Minutes30": 1800,
    "Hours1": 3600,
    "Hours2": 7200,
    "Hours4": 14400,
    "Hours8": 28800,
    "Hours12": 43200,
}


# "quirks": what real servers send beside their documents (add_quirks).
def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class SimOrganization:
    id: str
    name: str  # the tenant, e.g. contoso.onmicrosoft.com
    office_name: str
    description: str = ""
    first_backup: datetime | None = None  # None: never backed up
    last_backup: datetime | None = None
    is_exchange_online: bool = True
    is_sharepoint_online: bool = True
    is_teams_online: bool = True
    repository_id: str = ""
    wire: dict[str, Any] = field(default_factory=dict)  # sent in place of the model's fields (quirks)

    @property
    def is_backed_up(self) -> bool:
        return self.first_backup is not None


@dataclass
class SimJob:
    id: str
    name: str
    organization_id: str
    repository_id: str
    description: str = ""
    backup_type: str = "SelectedItems"  # or EntireOrganization
    schedule_type: str = "Daily"  # Daily | Periodically | ManualOnly
    daily_type: str = "Everyday"
    daily_time: str = "22:00:00"
    periodically_every: str | None = None
    backup_window: bool = False
    is_enabled: bool = True
    last_status: str | None = None  # None with last_run None: never run
    last_run: datetime | None = None
    last_backup: datetime | None = None
    objects: int = 500  # objects processed per run; a session's progress counts up to it
    etag: int = 1
    running_session_id: str | None = None
    session_ids: list[str] = field(default_factory=list)  # oldest first
    job_type: str = "Backup"  # what its sessions say they are (v7+ `jobType`: Backup | Copy)
    wire: dict[str, Any] = field(default_factory=dict)  # sent in place of the model's fields (quirks)
    # Times written as given, in place of the computed ones ("lastRun": "0001-01-01T00:00:00"):
    # the `edge` data mode's dates that a datetime cannot hold in every zone.
    raw_times: dict[str, str] = field(default_factory=dict)


def organization_count(jobs: int) -> int:
    return max(1, min(jobs, 40, max(3, jobs // 8)))


def make_organizations(rng: random.Random, count: int, now: datetime) -> list[SimOrganization]:
    orgs = []
    for index in range(count):
        base = TENANTS[index % len(TENANTS)]
        # Past the list, the same companies again as regional tenants (contoso-emea, ...).
        round_ = index // len(TENANTS)
        tenant = base if round_ == 0 else f"{base}-{REGIONS[(round_ - 1) % len(REGIONS)]}"
        if round_ > len(REGIONS):
            tenant = f"{tenant}{round_}"
        org = SimOrganization(
            id=new_uuid(rng),
            name=f"{tenant}.onmicrosoft.com",
            office_name=tenant,
            description=f"{tenant.capitalize()} Microsoft 365 tenant",
            is_teams_online=rng.random() < 0.8,
            repository_id=new_uuid(rng),
        )
        # The last of three or more is newly added and has never been backed up.
        if count < 3 or index != count - 1:
            org.first_backup = now - timedelta(days=rng.uniform(60, 900))
            org.last_backup = now - timedelta(hours=rng.uniform(1, 20))
        orgs.append(org)
    return orgs


def make_job(rng: random.Random, job_id: str, name: str, org: SimOrganization, now: datetime) -> SimJob:
    job = SimJob(id=job_id, name=name, organization_id=org.id, repository_id=org.repository_id)
    roll = rng.random()
    job.backup_type = "EntireOrganization" if roll < 0.3 else "SelectedItems"
    job.objects = rng.randint(40, 5000)
    kind = rng.random()
    if kind < 0.6:
        job.daily_type = DAILY_TYPES[rng.randrange(len(DAILY_TYPES))]
        job.daily_time = f"{rng.choice((19, 20, 21, 22, 23, 0, 1, 2)):02d}:{rng.choice((0, 15, 30)):02d}:00"
    elif kind < 0.9:
        job.schedule_type = "Periodically"
        job.periodically_every = PERIODS[rng.randrange(len(PERIODS))]
    else:
        job.schedule_type = "ManualOnly"
    job.backup_window = rng.random() < 0.15
    job.is_enabled = rng.random() >= 0.1
    outcome = rng.random()
    if not org.is_backed_up or outcome < 0.05:
        return job  # never run: lastRun and lastStatus null
    job.last_run = now - timedelta(hours=rng.uniform(0.5, 26 if job.schedule_type != "ManualOnly" else 400))
    duration = timedelta(minutes=rng.uniform(2, 90))
    if outcome < 0.13:
        job.last_status = "Failed"
        job.last_backup = job.last_run - timedelta(days=rng.uniform(1, 5))
    elif outcome < 0.25:
        job.last_status = "Warning"
        job.last_backup = job.last_run + duration
    elif outcome < 0.27:
        job.last_status = "Stopped"
        job.last_backup = job.last_run - timedelta(days=1)
    else:
        job.last_status = "Success"
        job.last_backup = job.last_run + duration
    if job.last_backup > now:
        job.last_backup = now
    return job


def generate(seed: int, jobs: int, now: datetime) -> tuple[list[SimOrganization], list[SimJob]]:
    """The organizations and `jobs` jobs of a seed; the first job has the seed document's id."""
    rng = random.Random(seed)
    orgs = make_organizations(rng, organization_count(max(jobs, 1)), now)
    per_org = [0] * len(orgs)
    result = []
    for index in range(jobs):
        org_index = index % len(orgs)
        org = orgs[org_index]
        count = per_org[org_index]
        per_org[org_index] += 1
        name = JOB_TEMPLATES[count % len(JOB_TEMPLATES)]
        if count >= len(JOB_TEMPLATES):
            name = f"{name} {count // len(JOB_TEMPLATES) + 1}"
        job_id = FIRST_JOB_ID if index == 0 else new_uuid(rng)
        job = make_job(rng, job_id, f"{org.office_name.capitalize()} - {name}", org, now)
        if index == 0:
            # The seed's examples enable, start, stop, disable then explore this job: keep it startable.
            job.is_enabled, job.schedule_type, job.last_status = True, "Daily", job.last_status or "Success"
            job.last_run = job.last_run or now - timedelta(hours=10)
            job.last_backup = job.last_backup or job.last_run + timedelta(minutes=12)
        result.append(job)
    return orgs, result


def add_quirks(orgs: list[SimOrganization], jobs: list[SimJob]) -> None:
    """What real servers send beside their documents (a client built on the documents had to patch
    for both): null where a value is promised (a job's isEnabled and lastRun, an organization's
    name) and enum values no document lists (lastStatus "Idle", a session's jobType "Backup2").
    Every few jobs get one; the first job (the seed's examples) and the first organization get none."""
    for index, job in enumerate(jobs[1:], start=1):
        match index % 5:
            case 1:
                job.wire["isEnabled"] = None
            case 2:
                job.last_run, job.last_status = None, "Idle"
            case 3:
                job.last_status = "Idle"
            case 4:
                job.job_type = "Backup2"
    for org in orgs[1:2]:
        org.wire["name"] = None
