"""The records the one-shot commands print: field names (a contract: camelCase, documented in
the README), one function per kind of record, the sort keys, and the exit code of a set of outcomes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vbotui.api.models import Job, JobSession, RestoreSession
from vbotui.operations import DONE, UNKNOWN, Outcome

from .context import Context, org_name
from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN

JOB_FIELDS = (
    "id",
    "name",
    "organization",
    "organizationId",
    "enabled",
    "lastStatus",
    "lastRun",
    "nextRun",
    "lastBackup",
)

JOB_TABLE = ("name", "organization", "enabled", "lastStatus", "lastRun", "nextRun", "lastBackup", "id")

RESULT_FIELDS = ("jobId", "job", "action", "outcome", "status", "message")

RESULT_TABLE = ("job", "action", "outcome", "status", "message", "jobId")

# `start`: the job session a done start made, where the API names it (v8), else null.
START_FIELDS = (*RESULT_FIELDS, "sessionId")

START_TABLE = (*RESULT_TABLE, "sessionId")

SESSION_FIELDS = ("id", "jobId", "job", "status", "creationTime", "endTime", "progress", "details")

SESSION_TABLE = ("job", "status", "creationTime", "endTime", "progress", "details", "id")

RESTORE_FIELDS = ("id", "type", "state", "result", "organization", "name", "creationTime", "endTime")

RESTORE_RESULT_FIELDS = (*RESULT_FIELDS, "id", "type", "state")

LOG_FIELDS = ("id", "creationTime", "type", "title", "message")

LOG_TABLE = ("creationTime", "text")


def job_record(ctx: Context, job: Job) -> dict[str, Any]:
    return job_fields(job, org_name(ctx, job))


def job_fields(job: Job, organization: str) -> dict[str, Any]:
    """One job's JOB_FIELDS (`vbotui jobs --output json|csv`, and the TUI's export)."""
    return {
        "id": job.id,
        "name": job.name,
        "organization": organization or None,
        "organizationId": job.organization_id,
        "enabled": job.is_enabled,
        "lastStatus": job.last_status,
        "lastRun": job.last_run,
        "nextRun": job.next_run,
        "lastBackup": job.last_backup,
    }


def result_record(job_id: str, job: str, action: str, outcome: Outcome) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "job": job,
        "action": action,
        "outcome": outcome.kind,
        "status": outcome.status,
        "message": outcome.message or ("" if outcome.kind == DONE else outcome.describe()),
    }


def start_record(
    job_id: str, job: str, action: str, outcome: Outcome, session_id: str | None
) -> dict[str, Any]:
    """A start's record: the new session's id a field of its own, not words in `message`."""
    record = result_record(job_id, job, action, outcome)
    if session_id is not None and record["message"] == f"session {session_id}":
        record["message"] = ""
    return {**record, "sessionId": session_id}


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """4 when any outcome is unknown (whatever else happened), else 1 when any was not done, else 0."""
    if any(outcome.kind == UNKNOWN for outcome in outcomes):
        return EXIT_UNKNOWN
    if any(outcome.kind != DONE for outcome in outcomes):
        return EXIT_FAILED
    return EXIT_OK


SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda r: r["name"].casefold(),
    "organization": lambda r: r["organization"] or "",
    "enabled": lambda r: r["enabled"],
    "last-status": lambda r: r["lastStatus"],
    "last-run": lambda r: r["lastRun"],
    "next-run": lambda r: r["nextRun"],
    "last-backup": lambda r: r["lastBackup"],
}


def sort_records(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    get = SORTS[key]
    # Missing values last; the name (then the id) breaks ties, so the order is stable across runs.
    return sorted(
        records,
        key=lambda r: (get(r) is None, get(r) if get(r) is not None else 0, r["name"].casefold(), r["id"]),
    )


def restore_fields(session: RestoreSession | None) -> dict[str, Any]:
    return {
        "id": session.id if session else None,
        "type": session.type if session else None,
        "state": session.state if session else None,
    }


def session_record(session: JobSession, job_id: str, job_name: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "jobId": session.job_id or job_id,
        "job": job_name,
        "status": session.status,
        "creationTime": session.creation_time,
        "endTime": session.end_time,
        "progress": session.progress,
        "details": session.details,
    }


def restore_record(session: RestoreSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "type": session.type,
        "state": session.state,
        "result": session.result,
        "organization": session.organization,
        "name": session.name,
        "creationTime": session.creation_time,
        "endTime": session.end_time,
    }


def log_record(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "creationTime": item.creation_time,
        "type": item.type,
        "title": item.title,
        "message": item.message,
        "text": item.text,
    }
