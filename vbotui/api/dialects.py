"""What differs between API generations: paths, bodies and query parameters (vbo-api.md §1-§7).

A dialect only describes requests; it sends nothing. Two families:
- v3-v5 (`ActionDialect`): `POST /vN/Jobs/{id}/Action` with the seed's bodies.
- v6-v8 (`VerbDialect`): `POST /vN/Jobs/{id}/start|stop|enable|disable|explore`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .models import EXPLORE_TYPES, ExploreOptions, format_time

VERSIONS: tuple[str, ...] = ("v3", "v4", "v5", "v6", "v7", "v8")
JOB_ACTIONS: tuple[str, ...] = ("enable", "disable", "start", "stop")


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

    def path(self, *parts: str) -> str:
        return "/" + "/".join((self.version, *parts))

    # --- tokens
    def token_path(self) -> str:
        return self.path("token")

    def token_form_extras(self) -> dict[str, str]:
        # v7+ otherwise wants an antiforgery cookie back on refresh (vbo-api.md §2).
        return {"disable_antiforgery_token": "true"} if self.number >= 7 else {}

    def logout_path(self) -> str | None:
        return self.path("token", "logout") if self.number >= 7 else None

    # --- collections
    def jobs_paged(self) -> bool:
        return self.number >= 8

    def organizations_paged(self) -> bool:
        return self.number >= 8

    def sessions_paged(self) -> bool:
        return self.number >= 5

    def organization_params(self) -> dict[str, str | int]:
        # firstBackuptime/lastBackuptime only come with extendedView (default false on v7+).
        return {"extendedView": "true"} if self.number >= 6 else {}

    def job_sessions(self, job_id: str) -> RequestSpec:
        if self.number >= 7:
            return RequestSpec("GET", self.path("JobSessions"), params={"jobId": job_id})
        return RequestSpec("GET", self.path("Jobs", _seg(job_id), "JobSessions"))

    # --- actions
    @abstractmethod
    def job_action(self, job_id: str, action: str) -> RequestSpec:
        """The request that enables, disables, starts or stops a job."""

    @abstractmethod
    def explore(self, job_id: str, options: ExploreOptions) -> RequestSpec:
        """The request that opens a restore session of a job's backup."""

    @abstractmethod
    def stop_restore_session(self, session_id: str) -> RequestSpec:
        """The request that stops a restore session."""


class ActionDialect(Dialect):
    """v3-v5: one `/Action` endpoint; the body names the action (the seed)."""

    def job_action(self, job_id: str, action: str) -> RequestSpec:
        _check_action(action)
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

    def job_action(self, job_id: str, action: str) -> RequestSpec:
        _check_action(action)
        path = self.path("Jobs", _seg(job_id), action)
        if action == "start":
            return RequestSpec("POST", path, {"full": False}, True)  # the body is required
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
    if version not in VERSIONS:
        raise ValueError(f"unsupported API version {version!r}; expected one of {', '.join(VERSIONS)}")
    return ActionDialect(version) if int(version[1:]) <= 5 else VerbDialect(version)


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
