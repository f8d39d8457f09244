"""Which handler answers a request, by version, method and (case-insensitive) path segments.

Each handler gets a `Call` and returns a Starlette `Response` or raises `SimError`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from . import render, render_parts
from .call import Call, Handler, Json, collection
from .data import SimJob, SimOrganization
from .part_routes import (
    get_license,
    get_proxy,
    get_repository,
    get_restore_session,
    get_restore_session_organization,
    list_proxies,
    list_repositories,
    list_restore_sessions,
    stop_restore_session,
    stop_restore_session_v3,
)
from .protocol import (
    caps,
    empty_response,
    explore_type,
    invalid,
    json_response,
    lower_keys,
    paging,
    parse_bool,
    parse_point_in_time,
)
from .session_routes import session_collection
from .state import ExploreRequest, SimError, not_found


def route(method: str, version: int, parts: list[str]) -> Handler | None:
    """The handler of an authorized resource, or None. `parts` are lowercased."""
    c = caps(version)
    match (method, parts):
        case ("GET", ["jobs"]):
            return list_jobs
        case ("GET", ["jobs", _]):
            return get_job
        case ("POST", ["jobs", _, "action"]) if not c.verb_actions:
            return job_action_v3
        case ("POST", ["jobs", _, "start" | "stop" | "enable" | "disable" | "explore"]) if c.verb_actions:
            return job_verb
        case ("GET", ["jobs", _, "selecteditems"]) if c.selected_items:
            return list_selected_items
        case ("GET", ["jobs", _, "jobsessions"]) if not c.job_sessions_by_query:
            return list_job_sessions_of_job
        case ("GET", ["organizations"]):
            return list_organizations
        case ("GET", ["organizations", _]):
            return get_organization
        case ("GET", ["organizations", _, "jobs"]) if c.organization_jobs:
            return list_organization_jobs
        case ("POST", ["organizations", _, "explore"]) if c.verb_actions:
            return explore_organization
        case ("GET", ["jobsessions"]):
            return list_job_sessions
        case ("GET", ["jobsessions", _]):
            return get_job_session
        case ("GET", ["jobsessions", _, "logitems"]) if c.session_log_items:
            return list_log_items
        case ("GET", ["jobsessions", _, "logitems", _]) if c.session_log_items:
            return get_log_item
        case ("GET", ["jobsessions", _, "processedobjects"]) if c.processed_objects:
            return list_processed_objects
        case ("GET", ["proxies"]):
            return list_proxies
        case ("GET", ["proxies", _]):
            return get_proxy
        case ("GET", ["backuprepositories"]):
            return list_repositories
        case ("GET", ["backuprepositories", _]):
            return get_repository
        case ("GET", ["license"]):
            return get_license
        case ("GET", ["restoresessions"]):
            return list_restore_sessions
        case ("GET", ["restoresessions", _]):
            return get_restore_session
        case ("GET", ["restoresessions", _, "organization"]):
            return get_restore_session_organization
        case ("POST", ["restoresessions", _, "action"]) if not c.verb_actions:
            return stop_restore_session_v3
        case ("POST", ["restoresessions", _, "stop"]) if c.verb_actions:
            return stop_restore_session
    return None


# -- jobs -------------------------------------------------------------------------------------


async def list_jobs(call: Call) -> Response:
    jobs: list[SimJob] = list(call.state.jobs.values())
    query: dict[str, str] = {}
    if call.caps.jobs_paged:
        offset, limit = paging(call.query)  # validate before filtering
        for name, attr in (("organizationid", "organization_id"), ("repositoryid", "repository_id")):
            wanted = call.query.get(name)
            if wanted:
                query[name[:-2] + "Id"] = wanted
                jobs = [job for job in jobs if getattr(job, attr) == wanted.lower()]
        selected_of = call.state.selected_of
        window = [render.job_json(call.view, job, selected_of) for job in jobs[offset : offset + limit]]
        return json_response(render.page(call.view, "Jobs", window, offset, limit, len(jobs), query))
    return json_response([render.job_json(call.view, job, call.state.selected_of) for job in jobs])


async def get_job(call: Call) -> Response:
    return json_response(render.job_json(call.view, call.state.job(call.segments[1]), call.state.selected_of))


async def list_selected_items(call: Call) -> Response:
    """What the job backs up: an array on v6/v7, a page on v8 (the official documents)."""
    job = _job_of(call)
    items = [render.selected_item_json(call.view, job, item) for item in call.state.selected_of(job)]
    paged = call.caps.selected_items == "collection"
    return collection(call, f"Jobs/{job.id}/SelectedItems", items, paged=paged)


def _job_of(call: Call) -> SimJob:
    return call.state.job(call.segments[1])


async def job_action_v3(call: Call) -> Response:
    """v3-v5: one action object, `{"start": null}` and friends; explore answers a RestoreSession."""
    job = _job_of(call)
    body = call.body
    if not isinstance(body, dict) or len(body) != 1:
        raise invalid(
            "The request body must contain exactly one action: enable, start, stop, disable or explore."
        )
    action, options = next(iter(lower_keys(body).items()))
    if action == "explore":
        if not isinstance(options, dict):
            raise invalid(
                "The explore action needs its options: datetime, type, showDeleted, showAllVersions."
            )
        return json_response(_explore(call, job, options))
    await _simple_action(call, job, action, full=False)
    return empty_response(200)


async def job_verb(call: Call) -> Response:
    """v6+: POST /Jobs/{id}/start|stop|enable|disable|explore."""
    job = _job_of(call)
    verb = call.segments[2].lower()
    if verb == "explore":
        if not isinstance(call.body, dict):
            raise invalid("The request body must contain the explore options.")
        return json_response(_explore(call, job, call.body), 201 if call.caps.explore_created else 200)
    full = False
    if verb == "start":
        # RESTStartJobOptions is required, its `full` optional: `{}` starts an incremental run.
        options = lower_keys(call.body) if isinstance(call.body, dict) else None
        if options is None:
            raise invalid('The request body must contain the start options, e.g. {"full": false}.')
        full = parse_bool(options.get("full"), "full")
    session = await _simple_action(call, job, verb, full)
    if verb == "start" and call.caps.start_returns_session and session is not None:
        return json_response(render.job_session_json(call.view, session))
    return empty_response(204)


async def _simple_action(call: Call, job: SimJob, action: str, full: bool) -> Any:
    state = call.state
    if action == "start":
        return state.start(job, call.now, full)
    if action == "stop":
        state.stop(job, call.now)
    elif action in ("enable", "disable"):
        state.set_enabled(job, action == "enable")
    else:
        raise invalid(f"Unknown action '{action}'. Use enable, start, stop, disable or explore.")
    return None


def _explore(call: Call, job: SimJob, options: dict[str, Any]) -> Json:
    session = call.state.explore(job, call.now, _explore_request(call, lower_keys(options)))
    return render.restore_session_json(call.view, session)


def _explore_request(call: Call, opts: dict[str, Any]) -> ExploreRequest:
    return ExploreRequest(
        point_in_time=parse_point_in_time(opts.get("datetime"), call.now),
        type_code=explore_type(opts.get("type"), call.version),
        show_deleted=parse_bool(opts.get("showdeleted"), "showDeleted"),
        show_all_versions=parse_bool(opts.get("showallversions"), "showAllVersions"),
        user=call.user,
        client_host=call.client_host,
    )


async def explore_organization(call: Call) -> Response:
    """v6+: POST /Organizations/{id}/explore, how the Restore Portal starts a session (v8 may name
    the repository to read; a job's explore reads its job's)."""
    org = _organization_of(call)
    if not isinstance(call.body, dict):
        raise invalid("The request body must contain the explore options.")
    opts = lower_keys(call.body)
    # `repositoryId` is a field of v8's RESTOrganizationExploreOptions; v6/v7 bind no such field.
    repository_id = opts.get("repositoryid") if call.version >= 8 else None
    if repository_id is not None:
        if not isinstance(repository_id, str):
            raise invalid(f"The value '{repository_id}' is not valid for repositoryId.")
        call.state.repository(repository_id)  # 404 for one the server does not have
    session = call.state.explore_organization(org, call.now, _explore_request(call, opts))
    status = 201 if call.caps.explore_created else 200
    return json_response(render.restore_session_json(call.view, session), status)


# -- organizations ------------------------------------------------------------------------------


def _extended(call: Call) -> bool:
    # extendedView defaults to true on v6 and false on v7/v8; v3-v5 have no such switch.
    if not call.caps.extended_view:
        return True
    default = call.caps.extended_view_by_default
    return parse_bool(call.query.get("extendedview"), "extendedView", default=default)


async def list_organizations(call: Call) -> Response:
    extended = _extended(call)
    items = [render.organization_json(call.view, org, extended) for org in call.state.organizations.values()]
    paged = call.caps.organizations_paged
    query = {"extendedView": "true"} if extended and paged else {}
    return collection(call, "Organizations", items, paged=paged, query=query)


def _organization_of(call: Call) -> SimOrganization:
    org = call.state.organizations.get(call.segments[1].lower())
    if org is None:
        raise not_found("Organization", call.segments[1])
    return org


async def get_organization(call: Call) -> Response:
    return json_response(render.organization_json(call.view, _organization_of(call), _extended(call)))


async def list_organization_jobs(call: Call) -> Response:
    org_id = call.segments[1].lower()
    if org_id not in call.state.organizations:
        raise not_found("Organization", call.segments[1])
    jobs = [job for job in call.state.jobs.values() if job.organization_id == org_id]
    return json_response([render.job_json(call.view, job, call.state.selected_of) for job in jobs])


# -- job sessions -------------------------------------------------------------------------------


async def list_job_sessions_of_job(call: Call) -> Response:
    job = _job_of(call)
    return session_collection(
        call,
        f"Jobs/{job.id}/JobSessions",
        call.state.sessions_of(job),
        paged=call.caps.job_sessions_of_job_paged,
        with_total=True,
    )


async def list_job_sessions(call: Call) -> Response:
    state = call.state
    job_id = call.query.get("jobid") if call.caps.job_sessions_by_query else None
    if job_id:
        sessions = state.sessions_of(state.job(job_id))
    else:
        state.ensure_all_history()
        sessions = sorted(state.job_sessions.values(), key=lambda s: s.creation_time, reverse=True)
    query = {"jobId": job_id} if job_id else {}
    return session_collection(
        call,
        "JobSessions",
        sessions,
        paged=call.caps.sessions_paged,
        with_total=call.caps.total_count,
        query=query,
    )


async def get_job_session(call: Call) -> Response:
    return json_response(render.job_session_json(call.view, call.state.job_session(call.segments[1])))


async def list_log_items(call: Call) -> Response:
    """Paged on every version (real v3 output is a page too), oldest first."""
    session = call.state.job_session(call.segments[1])
    log = call.state.log_of(session, call.now)
    offset, limit = paging(call.query)
    total = len(log)
    # Only the page's lines are made: a long log (LongLog) makes each when asked for.
    if parse_bool(call.query.get("orderasc"), "orderAsc", default=True):
        window = list(log[offset : offset + limit])
    else:  # v8 documents orderAsc (default true); older versions ignore it on real servers
        window = [log[total - 1 - i] for i in range(offset, min(total, offset + limit))]
    with_ids = call.state.log_item_ids
    items = [render_parts.log_item_json(call.view, session.id, item, with_ids=with_ids) for item in window]
    path = f"JobSessions/{session.id}/LogItems"
    return json_response(
        render.page(call.view, path, items, offset, limit, total, None, call.caps.total_count)
    )


async def get_log_item(call: Call) -> Response:
    session = call.state.job_session(call.segments[1])
    wanted = call.segments[3].lower()
    for item in call.state.log_of(session, call.now):
        if item.id == wanted:
            return json_response(render_parts.log_item_json(call.view, session.id, item))
    raise not_found("Log item", call.segments[3])


async def list_processed_objects(call: Call) -> Response:
    session = call.state.job_session(call.segments[1])
    objects = call.state.processed_of(session)
    items = [render_parts.processed_object_json(call.view, session.id, item) for item in objects]
    return collection(
        call,
        f"JobSessions/{session.id}/ProcessedObjects",
        items,
        paged=True,
        with_total=call.caps.total_count,
    )


__all__ = ["Call", "Handler", "SimError", "route"]
