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

from ..timetext import stamp
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
    return stamp(value.astimezone(timezone.utc), "%Y-%m-%dT%H:%M:%S.%fZ")


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
    # No `raw` JSON here, unlike the other models: the app holds every job for its whole life, and
    # each job's JSON object (~60 references) made every full garbage collection walk them all
    # (~250 ms at 50,000 jobs, holding the GIL: the UI froze mid-poll). Nothing read it.

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


def _int(value: object) -> int | None:
    """An integer (a whole float too); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


@dataclass(frozen=True)
class SessionStatistics:
    """A job session's `statistics` (v3+): rates in bytes or items per second."""

    processing_rate_bytes: int | None = None
    processing_rate_items: int | None = None
    read_rate_bytes: int | None = None
    write_rate_bytes: int | None = None
    transferred_bytes: int | None = None
    processed_objects: int | None = None
    bottleneck: str | None = None

    @classmethod
    def from_json(cls, value: object) -> SessionStatistics:
        if not isinstance(value, Mapping):
            return cls()
        return cls(
            processing_rate_bytes=_int(value.get("processingRateBytesPS")),
            processing_rate_items=_int(value.get("processingRateItemsPS")),
            read_rate_bytes=_int(value.get("readRateBytesPS")),
            write_rate_bytes=_int(value.get("writeRateBytesPS")),
            transferred_bytes=_int(value.get("transferredDataBytes")),
            processed_objects=_int(value.get("processedObjects")),
            bottleneck=_str(value, "bottleneck"),
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
    retry_count: int | None = None
    config_type: str | None = None  # v8 `jobSessionConfigType`: Full | Incremental (before: absent)
    statistics: SessionStatistics = field(default_factory=SessionStatistics)
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
            retry_count=_int(data.get("retryCount")),
            config_type=_str(data, "jobSessionConfigType"),
            statistics=SessionStatistics.from_json(data.get("statistics")),
            raw=data,
        )

    @property
    def is_running(self) -> bool:
        return (self.status or "").lower() == "running"


@dataclass(frozen=True)
class LogItem:
    """One line of a job session's log: v3-v7 write a `title` ("[Success] Job started at ..."),
    v8 a `type` (Running|Warning|Error|Success|Stop) and a `message`."""

    id: str
    usn: int | None = None
    title: str = ""
    type: str | None = None
    message: str = ""
    creation_time: datetime | None = None
    end_time: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> LogItem:
        data = _object(value, "a log item")
        return cls(
            id=_str(data, "id") or "",
            usn=_int(data.get("usn")),
            title=_str(data, "title") or "",
            type=_str(data, "type"),
            message=_str(data, "message") or "",
            creation_time=parse_time(data.get("creationTime")),
            end_time=parse_time(data.get("endTime")),
            raw=data,
        )

    @property
    def text(self) -> str:
        """The line as the console shows it: `[Type] message` on v8, the title before."""
        if self.title:
            return self.title
        if self.type:
            return f"[{self.type}] {self.message}" if self.message else f"[{self.type}]"
        return self.message

    @property
    def kind(self) -> str:
        """Success, Warning, Error, Running, Stop... from `type`, else the title's `[...]` prefix."""
        if self.type:
            return self.type
        if self.title.startswith("[") and "]" in self.title:
            return self.title[1 : self.title.index("]")]
        return ""


@dataclass(frozen=True)
class ProcessedObject:
    """An object a job session processed (v7+ `RESTJobSessionObject`)."""

    id: str
    type: str | None = None  # Group | User | Site | Team
    status: str | None = None  # Success | Warning | Failed
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> ProcessedObject:
        data = _object(value, "a processed object")
        return cls(id=_str(data, "id") or "", type=_str(data, "type"), status=_str(data, "status"), raw=data)


@dataclass(frozen=True)
class SelectedItem:
    """One item a job backs up (RESTJobItemComposed, v6+): its type (User, Group, Site, Team,
    PartialOrganization, PersonalSites, OneDriveFolders) and the processing options it sets."""

    type: str | None = None
    options: frozenset[str] = frozenset()  # the names of its true booleans: mailbox, oneDrive, ...

    @classmethod
    def from_json(cls, value: object) -> SelectedItem:
        data = _object(value, "a selected item")
        options = frozenset(key for key, flag in data.items() if _bool(flag) is True)
        return cls(type=_str(data, "type"), options=options)


@dataclass(frozen=True)
class ServiceInstance:
    installation_id: str | None = None
    version: str | None = None  # the build, e.g. 8.1.0.331

    @classmethod
    def from_json(cls, value: object) -> ServiceInstance:
        data = _object(value, "the service instance")
        return cls(installation_id=_str(data, "installationId"), version=_str(data, "version"))


@dataclass(frozen=True)
class Health:
    """v8 `GET /Health`: the overall status and one per part (Database, Proxies, ...)."""

    status: str | None = None
    entries: tuple[tuple[str, str, str], ...] = ()  # (name, status, description)

    @classmethod
    def from_json(cls, value: object) -> Health:
        data = _object(value, "a health report")
        entries = data.get("entries")
        parts: list[tuple[str, str, str]] = []
        if isinstance(entries, Mapping):
            for name, entry in entries.items():
                if isinstance(entry, Mapping):
                    parts.append((str(name), _str(entry, "status") or "", _str(entry, "description") or ""))
        return cls(status=_str(data, "status"), entries=tuple(parts))


@dataclass(frozen=True)
class Proxy:
    id: str
    host_name: str = ""
    status: str | None = None  # Online | Offline
    type: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> Proxy:
        data = _object(value, "a proxy")
        return cls(
            id=_str(data, "id") or "",
            host_name=_str(data, "hostName", "fqdn") or "",
            status=_str(data, "status"),
            type=_str(data, "type"),
            raw=data,
        )


@dataclass(frozen=True)
class Repository:
    id: str
    name: str = ""
    capacity_bytes: int | None = None
    free_bytes: int | None = None
    is_out_of_sync: bool | None = None
    is_outdated: bool | None = None
    is_out_of_order: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: object) -> Repository:
        data = _object(value, "a backup repository")
        return cls(
            id=_str(data, "id") or "",
            name=_str(data, "name") or "",
            capacity_bytes=_int(data.get("capacityBytes")),
            free_bytes=_int(data.get("freeSpaceBytes")),
            is_out_of_sync=_bool(data.get("isOutOfSync")),
            is_outdated=_bool(data.get("isOutdated")),
            is_out_of_order=_bool(data.get("isOutOfOrder")),
            raw=data,
        )

    @property
    def state(self) -> str:
        """In words: OK, out of sync, outdated, invalid."""
        problems = [
            word
            for flag, word in (
                (self.is_out_of_order, "invalid"),
                (self.is_outdated, "outdated"),
                (self.is_out_of_sync, "out of sync"),
            )
            if flag
        ]
        return ", ".join(problems) or "OK"


@dataclass(frozen=True)
class License:
    status: str | None = None  # Valid | Expired
    type: str | None = None
    licensed_to: str = ""
    total: int | None = None
    used: int | None = None
    expires: datetime | None = None

    @classmethod
    def from_json(cls, value: object) -> License:
        data = _object(value, "the licence")
        return cls(
            status=_str(data, "status"),
            type=_str(data, "type"),
            licensed_to=_str(data, "licensedTo") or "",
            total=_int(data.get("totalNumber")),
            used=_int(data.get("usedNumber")),
            expires=parse_time(data.get("licenseExpires") or data.get("expirationDate")),
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
    # Sent twice: the server refused the token (401) and a refresh mended it (the client's one resend).
    resent_after_refused_token: bool = False
