"""GET /JobSessions and GET /Jobs/{id}/JobSessions: a job's sessions, filtered, ordered and paged.

The filters are the documents' (vbo-api.md §6): `endTimeLowerBound` (v5+), from v7 `jobId` and
`endTimeUpperBound`, from v8 `status`. The simulator reads the bounds as a half-open window on the
session's end, [lower, upper), a running session ending "now"; the documents name the end and
describe the creation, so a client must not rely on either beyond "sessions in the window".
Data modes make a server that ignores the bounds, one that lists the oldest first, and one whose
bounds leave out running sessions (no end to compare).
Only the page asked for is rendered: a history holds thousands of sessions.
"""

from __future__ import annotations

from datetime import datetime

from starlette.responses import Response

from . import render
from .call import Call
from .protocol import json_response, paging, parse_point_in_time
from .state import SimJobSession

# The v8 `status` filter's enum says "Succeeded" where the model says "Success" (vbo-api.md §6).
_STATUS_WORDS = {"succeeded": "success"}
_FILTERS = ("endTimeLowerBound", "endTimeUpperBound", "status")


def _bound(call: Call, name: str) -> datetime | None:
    value = call.query.get(name.lower())
    return parse_point_in_time(value, call.now) if value else None


def _filtered(call: Call, sessions: list[SimJobSession]) -> list[SimJobSession]:
    if "ignores-time-bounds" in call.state.config.data:
        return sessions
    lower = _bound(call, "endTimeLowerBound")
    upper = _bound(call, "endTimeUpperBound") if call.caps.job_sessions_by_query else None
    status = call.query.get("status", "") if call.caps.version == "v8" else ""
    wanted = _STATUS_WORDS.get(status.lower(), status.lower())
    bounded = lower is not None or upper is not None
    outside = "running-outside-bounds" in call.state.config.data
    kept = []
    for session in sessions:
        if bounded and outside and session.end_time is None:
            continue  # a server whose end-time filter leaves out sessions without an end
        end = session.end_time or call.now
        if lower is not None and end < lower:
            continue
        if upper is not None and end >= upper:
            continue
        if wanted and session.status.lower() != wanted:
            continue
        kept.append(session)
    return kept


def session_collection(
    call: Call,
    path: str,
    sessions: list[SimJobSession],
    *,
    paged: bool,
    with_total: bool,
    query: dict[str, str] | None = None,
) -> Response:
    """`sessions` (newest first) as the server lists them: filtered, in its order, one page rendered."""
    chosen = _filtered(call, sessions)
    if "sessions-oldest-first" in call.state.config.data:
        chosen = chosen[::-1]
    if not paged:
        return json_response([render.job_session_json(call.view, s) for s in chosen])
    offset, limit = paging(call.query)
    echoed = {name: call.query[name.lower()] for name in _FILTERS if call.query.get(name.lower())}
    query = {**(query or {}), **echoed}  # `next` keeps the filters
    items = [render.job_session_json(call.view, s) for s in chosen[offset : offset + limit]]
    return json_response(render.page(call.view, path, items, offset, limit, len(chosen), query, with_total))
