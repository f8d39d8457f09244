"""Typed, tolerant models of what the VB365 REST API returns.

Parsing never fails on a missing field, a null, or an enum value the spec does not list:
servers send all three (vbo-api.md §3). Enum-like fields stay plain strings, shown as-is; a
field of the wrong JSON type counts as missing. Only a value that is not a JSON object where
one is required is an error: `from_json` raises UnreadableAnswer, never anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import UnreadableAnswer, json_type

# Restore-session types: the API takes lowercase on v3-v5 and capitalised on v6+.
EXPLORE_TYPES: dict[str, str] = {
    "vex": "Exchange",
    "veod": "OneDrive",
    "vesp": "SharePoint",
    "vet": "Teams",
}


def parse_time(value: object) -> datetime | None:
    """Parse an API timestamp ("2019-04-12T10:54:40.2794046Z", offsets, no zone) to aware UTC.

    .NET writes up to 7 fractional digits; Python takes 6, so the rest is cut.
    A value without a zone is taken as UTC (the API speaks UTC). Anything else gives None.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    head, sep, frac_and_zone = text.partition(".")
    if sep:
        digits = ""
        rest = frac_and_zone
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest}" if digits else head + rest
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # e.g. 0001-01-01T00:00+01:00 is before year 1 in UTC
        return None


def format_time(value: datetime) -> str:
    """Format an aware datetime as the API writes it: UTC with a trailing Z."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _str(data: Mapping[str, Any], *keys: str) -> str | None:
    """The first of `keys` holding a string or a number, as text (objects and arrays are skipped)."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return str(value)
            except ValueError:  # an integer past Python's int-to-text digit limit
                continue
    return None


def _object(data: object, what: str) -> Mapping[str, Any]:
    """`data` when it is a JSON object; UnreadableAnswer naming `what` was expected otherwise."""
    if not isinstance(data, Mapping):
        raise UnreadableAnswer(f"expected {what} (a JSON object), got {json_type(data)}")
    return data


def _bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # v1-v3 docs write booleans as strings
    return None


def _link_id(data: Mapping[str, Any], name: str) -> str | None:
    """The last path segment of `_links.<name>.href` (absolute on v3, relative on v6+)."""
    links = data.get("_links")
    if not isinstance(links, Mapping):
        return None
    for key, link in links.items():
        if str(key).lower() == name.lower() and isinstance(link, Mapping):
            href = link.get("href")
            if isinstance(href, str) and href.strip("/"):
                return href.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or None
    return None


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    description: str = ""
    organization_id: str | None = None
    repository_id: str | None = None
    is_enabled: bool | None = None
    last_status: str | None = None
    last_run: datetime | None = None
    next_run: datetime | None = None
    last_backup: datetime | None = None
    backup_type: str | None = None
    schedule_type: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> Job:
        data = _object(value, "a job")
        schedule = data.get("schedulePolicy")
        return cls(
            id=_str(data, "id") or "",
            name=_str(data, "name") or "",
            description=_str(data, "description") or "",
            organization_id=_str(data, "organizationId") or _link_id(data, "organization"),
            repository_id=_str(data, "repositoryId") or _link_id(data, "backupRepository"),
            is_enabled=_bool(data.get("isEnabled")),
            last_status=_str(data, "lastStatus"),
            last_run=parse_time(data.get("lastRun")),
            next_run=parse_time(data.get("nextRun")),
            last_backup=parse_time(data.get("lastBackup")),
            backup_type=_str(data, "backupType"),
            schedule_type=_str(schedule, "type") if isinstance(schedule, Mapping) else None,
            raw=data,
        )


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    is_backed_up: bool | None = None
    first_backup_time: datetime | None = None
    last_backup_time: datetime | None = None
    type: str | None = None
    is_teams_online: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> Organization:
        data = _object(value, "an organization")
        return cls(
            id=_str(data, "id") or "",
            name=_str(data, "name", "officeName") or "",
            is_backed_up=_bool(data.get("isBackedup")),
            first_backup_time=parse_time(data.get("firstBackuptime")),
            last_backup_time=parse_time(data.get("lastBackuptime")),
            type=_str(data, "type"),
            is_teams_online=_bool(data.get("isTeamsOnline")),
            raw=data,
        )


@dataclass(frozen=True)
class JobSession:
    id: str
    job_id: str | None = None
    status: str | None = None
    creation_time: datetime | None = None
    end_time: datetime | None = None
    progress: int | None = None
    details: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> JobSession:
        data = _object(value, "a job session")
        progress = data.get("progress")
        return cls(
            id=_str(data, "id") or "",
            job_id=_str(data, "jobId") or _link_id(data, "job"),
            status=_str(data, "status"),
            creation_time=parse_time(data.get("creationTime")),
            end_time=parse_time(data.get("endTime")),
            progress=progress if isinstance(progress, int) and not isinstance(progress, bool) else None,
            details=_str(data, "details") or "",
            raw=data,
        )


@dataclass(frozen=True)
class RestoreSession:
    id: str
    type: str | None = None
    state: str | None = None
    result: str | None = None
    organization: str | None = None
    name: str | None = None
    creation_time: datetime | None = None
    end_time: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> RestoreSession:
        data = _object(value, "a restore session")
        return cls(
            id=_str(data, "id") or "",
            type=_str(data, "type"),
            state=_str(data, "state"),
            result=_str(data, "result"),
            organization=_str(data, "organization"),
            name=_str(data, "name"),
            creation_time=parse_time(data.get("creationTime")),
            end_time=parse_time(data.get("endTime")),
            raw=data,
        )

    @property
    def is_working(self) -> bool:
        return (self.state or "").lower() == "working"


@dataclass(frozen=True)
class ExploreOptions:
    """What the explore action sends. `point_in_time` must be timezone-aware."""

    point_in_time: datetime
    type: str = "vex"  # one of EXPLORE_TYPES, lowercase
    show_deleted: bool = False
    show_all_versions: bool = False


@dataclass(frozen=True)
class ActionResult:
    """The outcome of a successful action: what the status panel shows, and any body."""

    status: int
    elapsed_s: float
    job_session: JobSession | None = None
    restore_session: RestoreSession | None = None
