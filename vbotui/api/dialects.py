"""What differs between API generations: paths, bodies and query parameters (vbo-api.md §1-§7).

A dialect only describes requests; it sends nothing. Two families:
- v3-v5 (`ActionDialect`): `POST /vN/Jobs/{id}/Action` with the seed's bodies.
- v6-v8 (`VerbDialect`): `POST /vN/Jobs/{id}/start|stop|enable|disable|explore`.

`Capabilities` is the one place for what a version can do (Teams restore, logout, paging, ...):
the client, the UI and the simulator all ask it instead of comparing version numbers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from .models import EXPLORE_TYPES, ExploreOptions, format_time

VERSIONS: tuple[str, ...] = ("v3", "v4", "v5", "v6", "v7", "v8")  # the only list of versions
API_VERSION_CHOICES: tuple[str, ...] = ("auto", *VERSIONS)  # what a profile or --api-version may say
JOB_ACTIONS: tuple[str, ...] = ("enable", "disable", "start", "stop")


@dataclass(frozen=True)
class Capabilities:
    """What one API version can do and how it shapes its answers (vbo-api.md; OpenAPI v6-v8).

    Ask `dialect_for(version).capabilities` (or `capabilities_for(version)`), never the number.
    """

    version: str
    # --- what an operator can do
    teams_restore: bool  # v5+: restore sessions of type `vet` (Teams)
    logout: bool  # v7+: POST /vN/token/logout revokes the session
    full_start: bool  # v6+: start takes {"full": true|false} (an active full backup)
    session_log_items: bool  # v3+: GET /vN/JobSessions/{id}/LogItems
    processed_objects: bool  # v7+: GET /vN/JobSessions/{id}/ProcessedObjects
    health: bool  # v8: anonymous GET /v8/Health
    proxies_paged: bool  # v8: /Proxies and /BackupRepositories are paged (before: arrays)
    explore_types: tuple[str, ...]  # the EXPLORE_TYPES codes the version takes
    # Where a job says what it backs up: "job" (v6/v7: its `selectedItems`), "collection" (v8: the
    # paged GET /Jobs/{id}/SelectedItems), "" (v3-v5: nowhere).
    selected_items: str
    # --- how requests are spelled
    verb_actions: bool  # v6+: POST /Jobs/{id}/start|stop|...; before: POST /Jobs/{id}/Action
    antiforgery_token: bool  # v7+: the token endpoint wants disable_antiforgery_token=true
    extended_view: bool  # v6+: organizations take ?extendedView= (for first/last backup times)
    extended_view_by_default: bool  # v3-v6: the backup times come without asking (v7+: false)
    job_sessions_by_query: bool  # v7+: GET /JobSessions?jobId=; before: GET /Jobs/{id}/JobSessions
    # (and with it endTimeUpperBound: windows of end time)
    job_sessions_status: bool  # v8: GET /JobSessions?status= (Running, ...)
    log_items_order: bool  # v8: GET /JobSessions/{id}/LogItems?orderAsc= (false: the end first)
    organization_jobs: bool  # v3-v7: GET /Organizations/{id}/Jobs
    restore_sessions_order: bool  # v7+: GET /RestoreSessions?orderAsc=
    # --- how collections come
    jobs_paged: bool  # v8: /Jobs is paged (limit, offset, results)
    organizations_paged: bool  # v8: /Organizations is paged
    sessions_paged: bool  # v5+: /JobSessions and /RestoreSessions are paged
    job_sessions_of_job_paged: bool  # v6: /Jobs/{id}/JobSessions is paged (v3-v5: an array)
    total_count: bool  # v5-v7: session pages carry totalCount
    # --- how answers are shaped
    relative_links: bool  # v6+: `_links` hrefs are relative (v3-v5: absolute, lowercase)
    error_codes: bool  # v8: error bodies carry `errorCode`
    denial_body: bool  # v3-v5: a 401 explains itself in a JSON body (v6+: empty)
    parent_ids: bool  # v8: Job.organizationId and JobSession.jobId (before: only in `_links`)
    etags: bool  # v8: resources carry `eTag`
    explore_created: bool  # v8: explore answers 201 Created (before: 200)
    start_returns_session: bool  # v8: start answers the new JobSession (before: no body)
    ends_answer_204: bool  # v8: a restore session's Stop and token/logout answer 204 (v6/v7: 200)

    @property
    def number(self) -> int:
        return int(self.version[1:])


@cache
@cache  # frozen, and asked for on every request (and by the simulator for every field it writes)
def capabilities_for(version: str) -> Capabilities:
    """The capabilities of `version` ("v3".."v8"); a ValueError for any other."""
    _check_version(version)
    n = int(version[1:])
    return Capabilities(
        version=version,
        teams_restore=n >= 5,
        logout=n >= 7,
        full_start=n >= 6,
        session_log_items=True,
        processed_objects=n >= 7,
        health=n >= 8,
        proxies_paged=n >= 8,
        explore_types=tuple(code for code in EXPLORE_TYPES if code != "vet" or n >= 5),
        selected_items="collection" if n >= 8 else "job" if n >= 6 else "",
        verb_actions=n >= 6,
        antiforgery_token=n >= 7,
        extended_view=n >= 6,
        extended_view_by_default=n <= 6,
        job_sessions_by_query=n >= 7,
        job_sessions_status=n >= 8,
        log_items_order=n >= 8,
        organization_jobs=n <= 7,
        restore_sessions_order=n >= 7,
        jobs_paged=n >= 8,
        organizations_paged=n >= 8,
        sessions_paged=n >= 5,
        job_sessions_of_job_paged=n >= 6,
        total_count=n <= 7,
        relative_links=n >= 6,
        error_codes=n >= 8,
        denial_body=n <= 5,
        parent_ids=n >= 8,
        etags=n >= 8,
        explore_created=n >= 8,
        start_returns_session=n >= 8,
        ends_answer_204=n >= 8,
    )


@dataclass(frozen=True)
class RequestSpec:
    """A request to send: `body` is JSON when `has_body` (so a JSON null body stays possible)."""

    method: str
    path: str
    body: Any = None
    has_body: bool = False
    params: dict[str, str | int] | None = None


def _seg(value: str) -> str:
    """An ID as one path segment: never lets a '/' or '..' in an ID change the path."""
    return quote(value, safe="")


@dataclass(frozen=True)
class Dialect(ABC):
    version: str

    @property
    def number(self) -> int:
        return int(self.version[1:])

    @property
    def capabilities(self) -> Capabilities:
        return capabilities_for(self.version)

    def path(self, *parts: str) -> str:
        return "/" + "/".join((self.version, *parts))

    # --- tokens
    def token_path(self) -> str:
        return self.path("token")

    def token_form_extras(self) -> dict[str, str]:
        # v7+ otherwise wants an antiforgery cookie back on refresh (vbo-api.md §2).
        return {"disable_antiforgery_token": "true"} if self.capabilities.antiforgery_token else {}

    def logout_path(self) -> str | None:
        return self.path("token", "logout") if self.capabilities.logout else None

    # --- collections
    def jobs_paged(self) -> bool:
        return self.capabilities.jobs_paged

    def organizations_paged(self) -> bool:
        return self.capabilities.organizations_paged

    def sessions_paged(self) -> bool:
        return self.capabilities.sessions_paged

    def organization_params(self) -> dict[str, str | int]:
        # firstBackuptime/lastBackuptime only come with extendedView (default false on v7+).
        return {"extendedView": "true"} if self.capabilities.extended_view else {}

    def job_sessions(self, job_id: str) -> RequestSpec:
        if self.capabilities.job_sessions_by_query:
            return RequestSpec("GET", self.path("JobSessions"), params={"jobId": job_id})
        return RequestSpec("GET", self.path("Jobs", _seg(job_id), "JobSessions"))

    def job_session(self, session_id: str) -> RequestSpec:
        return RequestSpec("GET", self.path("JobSessions", _seg(session_id)))

    def session_log_items(self, session_id: str) -> RequestSpec:
        """`/JobSessions/{id}/LogItems`: paged on every version, oldest first."""
        return RequestSpec("GET", self.path("JobSessions", _seg(session_id), "LogItems"))

    def processed_objects(self, session_id: str) -> RequestSpec:
        """`/JobSessions/{id}/ProcessedObjects` (v7+: ask `capabilities.processed_objects`)."""
        return RequestSpec("GET", self.path("JobSessions", _seg(session_id), "ProcessedObjects"))

    # --- actions
    @abstractmethod
    def job_action(self, job_id: str, action: str, *, full: bool = False) -> RequestSpec:
        """The request that enables, disables, starts or stops a job (`full`: an active full start,
        only where `capabilities.full_start`; a ValueError elsewhere: nothing may be sent)."""

    @abstractmethod
    def explore(self, job_id: str, options: ExploreOptions) -> RequestSpec:
        """The request that opens a restore session of a job's backup."""

    @abstractmethod
    def stop_restore_session(self, session_id: str) -> RequestSpec:
        """The request that stops a restore session."""


class ActionDialect(Dialect):
    """v3-v5: one `/Action` endpoint; the body names the action (the seed)."""

    def job_action(self, job_id: str, action: str, *, full: bool = False) -> RequestSpec:
        _check_action(action)
        if full:
            raise ValueError(f'API {self.version} has no full start (v6+: start takes {{"full": true}})')
        return RequestSpec("POST", self.path("Jobs", _seg(job_id), "Action"), {action: None}, True)

    def explore(self, job_id: str, options: ExploreOptions) -> RequestSpec:
        body = {
            "explore": {
                "datetime": format_time(options.point_in_time),
                "type": _explore_type(options.type),
                "showDeleted": options.show_deleted,
                "showAllVersions": options.show_all_versions,
            }
        }
        return RequestSpec("POST", self.path("Jobs", _seg(job_id), "Action"), body, True)

    def stop_restore_session(self, session_id: str) -> RequestSpec:
        return RequestSpec(
            "POST", self.path("RestoreSessions", _seg(session_id), "Action"), {"stop": None}, True
        )


class VerbDialect(Dialect):
    """v6-v8: one endpoint per verb."""

    def job_action(self, job_id: str, action: str, *, full: bool = False) -> RequestSpec:
        _check_action(action)
        if full and action != "start":
            raise ValueError(f"only start can be full, not {action!r}")
        path = self.path("Jobs", _seg(job_id), action)
        if action == "start":
            return RequestSpec("POST", path, {"full": full}, True)  # the body is required
        return RequestSpec("POST", path)

    def explore(self, job_id: str, options: ExploreOptions) -> RequestSpec:
        body = {
            "dateTime": format_time(options.point_in_time),
            "type": _explore_type(options.type).capitalize(),
            "showDeleted": options.show_deleted,
            "showAllVersions": options.show_all_versions,
        }
        return RequestSpec("POST", self.path("Jobs", _seg(job_id), "explore"), body, True)

    def stop_restore_session(self, session_id: str) -> RequestSpec:
        return RequestSpec("POST", self.path("RestoreSessions", _seg(session_id), "Stop"))


def dialect_for(version: str) -> Dialect:
    return VerbDialect(version) if capabilities_for(version).verb_actions else ActionDialect(version)


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"unsupported API version {version!r}; expected one of {', '.join(VERSIONS)}")


def _check_action(action: str) -> None:
    if action not in JOB_ACTIONS:
        raise ValueError(f"unknown job action {action!r}; expected one of {', '.join(JOB_ACTIONS)}")


def _explore_type(value: str) -> str:
    kind = value.lower()
    if kind not in EXPLORE_TYPES:
        raise ValueError(
            f"unknown restore session type {value!r}; expected one of {', '.join(EXPLORE_TYPES)}"
        )
    return kind
