"""The JSON of each resource in the dialect of each API version (vbo-api.md §3-§8).

v3-v5 write absolute, lowercase hrefs; v6+ relative ones. Fields appear and disappear by version
exactly as the OpenAPI documents (v6-v8) and the archived v3 pages show them. What a version can do
(links, paging, ids, eTags) is asked of `View.caps`, the client's own Capabilities; the remaining
`view.version` comparisons are fields of each version's schema, nothing a client decides on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from vbotui.api.dialects import Capabilities

from .data import PERIOD_SECONDS, SimJob, SimOrganization
from .protocol import caps
from .selected import SimSelectedItem
from .state import SimJobSession, SimRestoreSession

Json = dict[str, Any]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class View:
    """What a response depends on besides the state: version, href prefix, the clock."""

    version: int
    base_url: str  # scheme://host:port, for the absolute hrefs of v3-v5
    now: datetime

    @property
    def caps(self) -> Capabilities:
        return caps(self.version)

    def href(self, path: str) -> Json:
        if not self.caps.relative_links:
            return {"href": f"{self.base_url}/v{self.version}/{path.lower()}"}
        return {"href": f"/v{self.version}/{path}"}


def api_time(value: datetime | None) -> str | None:
    """UTC with seven fractional digits and a Z, as .NET writes it."""
    if value is None:
        return None
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}.{value.microsecond:06d}0Z"


def next_run(job: SimJob, now: datetime) -> datetime | None:
    """When the schedule would run the job next (scheduled runs themselves are not simulated)."""
    if not job.is_enabled or job.schedule_type == "ManualOnly":
        return None
    # Many jobs share a schedule: a list of 10,000 works out each schedule once per moment.
    return _next_run(job.schedule_type, job.periodically_every, job.daily_time, job.daily_type, now)


@lru_cache(maxsize=256)
def _next_run(
    schedule_type: str, periodically_every: str | None, daily_time: str, daily_type: str, now: datetime
) -> datetime | None:
    if schedule_type == "Periodically":
        period = PERIOD_SECONDS.get(periodically_every or "Hours1", 3600)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        passed = (now - midnight).total_seconds()
        return midnight + timedelta(seconds=(passed // period + 1) * period)
    hour, minute, second = (int(part) for part in daily_time.split(":"))
    candidate = now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    for _ in range(8):
        if candidate > now and _runs_on(daily_type, candidate.weekday()):
            return candidate
        candidate += timedelta(days=1)
    return None


def _runs_on(daily_type: str, weekday: int) -> bool:
    if daily_type == "Workdays":
        return weekday < 5
    if daily_type == "Weekends":
        return weekday >= 5
    if daily_type in DAYS:
        return DAYS.index(daily_type) == weekday
    return True


def schedule_policy(view: View, job: SimJob) -> Json:
    policy: Json = {}
    if view.version >= 6:
        policy["scheduleEnabled"] = job.schedule_type != "ManualOnly"
    policy["backupWindowEnabled"] = job.backup_window
    if job.backup_window:
        # 7 days x 24 hours from Sunday: backups allowed from 19:00 to 07:00.
        policy["backupWindowSettings"] = {
            "backupWindow": [h >= 19 or h < 7 for _ in range(7) for h in range(24)],
            "minuteOffset": 0,
        }
    policy["type"] = job.schedule_type
    if job.schedule_type == "Periodically":
        policy["periodicallyEvery"] = job.periodically_every
    policy["dailyType"] = job.daily_type
    policy["dailyTime"] = job.daily_time
    policy["retryEnabled"] = True
    if view.version >= 6:
        policy["retryNumber"] = 3
        policy["retryWaitInterval"] = 10
    return policy


def job_json(
    view: View, job: SimJob, selected_of: Callable[[SimJob], Sequence[SimSelectedItem]] | None = None
) -> Json:
    """`selected_of`: the job's selected items, which v6/v7 write in the job (none when not given)."""
    v = view.version
    data: Json = {"id": job.id, "name": job.name, "description": job.description}
    if v <= 5:
        data.update(
            lastRun=api_time(job.last_run),
            nextRun=api_time(next_run(job, view.now)),
            isEnabled=job.is_enabled,
            backupType=job.backup_type,
            lastStatus=job.last_status,
            schedulePolicy=schedule_policy(view, job),
        )
    else:
        data["backupType"] = job.backup_type
        if v <= 7:
            items = selected_of(job) if selected_of is not None else ()
            selected = [selected_item_json(view, job, item) for item in items]
            data.update(runNow=False, selectedItems=selected, excludedItems=[])
        data["schedulePolicy"] = schedule_policy(view, job)
        if view.caps.parent_ids:
            data["organizationId"] = job.organization_id
        data.update(
            repositoryId=job.repository_id,
            lastRun=api_time(job.last_run),
            nextRun=api_time(next_run(job, view.now)),
        )
        if v >= 7:
            data["lastBackup"] = api_time(job.last_backup)
        data.update(isEnabled=job.is_enabled, lastStatus=job.last_status)
        if view.caps.etags:
            data["eTag"] = job.etag
    data.update((key, text) for key, text in job.raw_times.items() if key in data)
    _sent_as(data, job.wire)
    links = {
        "self": view.href(f"Jobs/{job.id}"),
        "organization": view.href(f"Organizations/{job.organization_id}"),
        "backupRepository": view.href(f"BackupRepositories/{job.repository_id}"),
    }
    if not view.caps.job_sessions_by_query:
        links["jobsessions"] = view.href(f"Jobs/{job.id}/JobSessions")
    else:
        links["jobsessions"] = {"href": f"/v{v}/JobSessions?jobId={job.id}"}
    data["_links"] = links
    return data


def _sent_as(data: Json, wire: Json) -> None:
    """A quirky server's values in place of the fields it would write (only fields it writes)."""
    for key, value in wire.items():
        if key in data:
            data[key] = value


def selected_item_json(view: View, job: SimJob, item: SimSelectedItem) -> Json:
    """RESTJobItemComposed: the type, its processing options, the id (v6-v8 documents)."""
    data: Json = {"type": item.type, **item.flags, "id": item.id}
    data["_links"] = {"self": view.href(f"Jobs/{job.id}/SelectedItems/{item.id}")}
    return data


def organization_json(view: View, org: SimOrganization, extended: bool) -> Json:
    v = view.version
    data: Json = {"type": "Office365", "id": org.id, "name": org.name}
    if v >= 6:
        data.update(officeName=org.office_name, region="Worldwide")
        if v >= 7:
            data["description"] = org.description
        data.update(
            isExchangeOnline=org.is_exchange_online,
            isSharePointOnline=org.is_sharepoint_online,
            isTeamsOnline=org.is_teams_online,
            isTeamsChatsOnline=False,
        )
        if extended:
            data.update(
                isBackedup=org.is_backed_up,
                firstBackuptime=api_time(org.first_backup),
                lastBackuptime=api_time(org.last_backup),
            )
    else:
        # v3-v5: the times are absent when the organization was never backed up.
        data["isBackedup"] = org.is_backed_up
        if org.is_backed_up:
            data.update(firstBackuptime=api_time(org.first_backup), lastBackuptime=api_time(org.last_backup))
    _sent_as(data, org.wire)
    links = {"self": view.href(f"Organizations/{org.id}")}
    if view.caps.organization_jobs:
        links["jobs"] = view.href(f"Organizations/{org.id}/Jobs")
    data["_links"] = links
    return data


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} TB"


def session_details(session: SimJobSession, now: datetime) -> str:
    elapsed = max(1.0, ((session.end_time or now) - session.creation_time).total_seconds())
    moved = session.progress * session.bytes_per_object
    line = (
        f"Transferred: {_size(moved)} ({session.progress} items) at {_size(moved / elapsed)}/s "
        f"({session.progress / elapsed:.0f} items/s)"
    )
    if session.status == "Failed":
        return (
            f"{line}. Failed to process {max(1, session.objects - session.progress)} items: "
            "Exchange Web Services returned ServerBusy."
        )
    if session.status == "Warning":
        return f"{line}. Processed with warnings: 2 items were skipped."
    if session.status == "Stopped":
        return f"{line}. Job was stopped by user."
    return line


def job_session_json(view: View, session: SimJobSession) -> Json:
    v = view.version
    elapsed = max(1.0, ((session.end_time or view.now) - session.creation_time).total_seconds())
    moved = session.progress * session.bytes_per_object
    statistics = {
        "processingRateBytesPS": int(moved / elapsed),
        "processingRateItemsPS": int(session.progress / elapsed),
        "readRateBytesPS": int(moved * 1.4 / elapsed),
        "writeRateBytesPS": int(moved * 0.6 / elapsed),
        "transferredDataBytes": moved,
        "processedObjects": session.progress,
        "bottleneck": "Source" if session.status != "Running" else "Detecting",
    }
    data: Json = {"id": session.id}
    if view.caps.parent_ids:
        data["jobId"] = session.job_id
    if v >= 7:
        data.update(repositoryId=session.repository_id, mainSessionId=session.id)
    data.update(details=session_details(session, view.now), creationTime=api_time(session.creation_time))
    if session.end_time is not None or v >= 7:  # v3-v6 have no nullable endTime: omit it while running
        data["endTime"] = api_time(session.end_time)
    data.update(retryCount=0, progress=session.progress)
    if v >= 7:
        data.update(jobWillBeRetried=False, jobType=session.job_type)
    if v >= 8:
        data["jobSessionConfigType"] = session.config_type
    data.update(status=session.status, statistics=statistics)
    if view.caps.etags:
        data["eTag"] = session.etag
    # v3-v5 point the log link at /log, which answers 404 on real servers too (vbo-api.md §6).
    log = f"JobSessions/{session.id}/log" if v <= 5 else f"JobSessions/{session.id}/LogItems"
    data["_links"] = {
        "self": view.href(f"JobSessions/{session.id}"),
        "log": view.href(log),
        "job": view.href(f"Jobs/{session.job_id}"),
    }
    return data


def restore_session_json(view: View, session: SimRestoreSession) -> Json:
    data: Json = {
        "id": session.id,
        "name": session.name,
        "organization": session.organization,
        "type": session.type,
        "creationTime": api_time(session.creation_time),
        "endTime": api_time(session.end_time),
        "state": session.state,
        "result": session.result,
    }
    if view.version >= 6:
        data.update(
            initiatedBy=session.initiated_by, scopeName=session.organization, clientHost=session.client_host
        )
    data.update(details=session.details, reason=session.reason)
    if view.caps.etags:
        data["eTag"] = session.etag
    data["_links"] = {
        "self": view.href(f"RestoreSessions/{session.id}"),
        "organization": view.href(f"RestoreSessions/{session.id}/Organization"),
    }
    return data


def restore_session_organization_json(view: View, session: SimRestoreSession, org: SimOrganization) -> Json:
    """GET RestoreSessions/{id}/Organization: the organization whose backups the session shows."""
    data: Json = {"id": org.id, "name": org.name, "type": "Office365"}
    _sent_as(data, org.wire)
    data["_links"] = {"self": view.href(f"RestoreSessions/{session.id}/Organization")}
    return data


def page(
    view: View,
    path: str,
    items: list[Json],
    offset: int,
    limit: int,
    total: int,
    query: dict[str, str] | None = None,
    with_total: bool = False,
) -> Json:
    """A page object; `items` is the slice already cut. `next` only when more remain."""

    def link(start: int) -> Json:
        params = {**(query or {}), "offset": str(start), "limit": str(limit)}
        return {"href": f"/v{view.version}/{path}?{urlencode(params)}"}

    links = {"self": link(offset)}
    if offset + limit < total:
        links["next"] = link(offset + limit)
    data: Json = {"offset": offset, "limit": limit, "results": items}
    if with_total:
        data["totalCount"] = total
    data["_links"] = links
    return data
