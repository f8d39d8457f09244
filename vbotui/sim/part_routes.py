"""The handlers of the server's parts (proxies, repositories, the licence) and of restore sessions."""

from __future__ import annotations

from starlette.responses import Response

from . import render, render_parts
from .call import Call, collection
from .protocol import empty_response, invalid, json_response, lower_keys, parse_bool

# -- the server's parts ---------------------------------------------------------------------------


async def list_proxies(call: Call) -> Response:
    items = [render_parts.proxy_json(call.view, proxy) for proxy in call.state.proxies]
    return collection(call, "Proxies", items, paged=call.caps.proxies_paged)


async def get_proxy(call: Call) -> Response:
    return json_response(render_parts.proxy_json(call.view, call.state.proxy(call.segments[1])))


async def list_repositories(call: Call) -> Response:
    items = [render_parts.repository_json(call.view, repository) for repository in call.state.repositories]
    return collection(call, "BackupRepositories", items, paged=call.caps.proxies_paged)


async def get_repository(call: Call) -> Response:
    return json_response(render_parts.repository_json(call.view, call.state.repository(call.segments[1])))


async def get_license(call: Call) -> Response:
    return json_response(render_parts.license_json(call.view, call.state.license))


# -- restore sessions ---------------------------------------------------------------------------


async def list_restore_sessions(call: Call) -> Response:
    ordered = call.caps.restore_sessions_order
    ascending = parse_bool(call.query.get("orderasc"), "orderAsc") if ordered else False
    sessions = sorted(
        call.state.restore_sessions.values(), key=lambda s: s.creation_time, reverse=not ascending
    )
    items = [render.restore_session_json(call.view, s) for s in sessions]
    return collection(
        call, "RestoreSessions", items, paged=call.caps.sessions_paged, with_total=call.caps.total_count
    )


async def get_restore_session(call: Call) -> Response:
    session = call.state.restore_session(call.segments[1])
    return json_response(render.restore_session_json(call.view, session))


async def get_restore_session_organization(call: Call) -> Response:
    """The organization whose backups the session shows (RESTBackupOrganization)."""
    session = call.state.restore_session(call.segments[1])
    org = call.state.organizations[session.organization_id]
    return json_response(render.restore_session_organization_json(call.view, session, org))


async def stop_restore_session_v3(call: Call) -> Response:
    session = call.state.restore_session(call.segments[1])
    body = lower_keys(call.body) if isinstance(call.body, dict) else {}
    if list(body) != ["stop"]:
        raise invalid('The request body must contain the stop action: {"stop": null}.')
    call.state.stop_restore_session(session, call.now)
    return empty_response(200)


async def stop_restore_session(call: Call) -> Response:
    session = call.state.restore_session(call.segments[1])
    call.state.stop_restore_session(session, call.now)
    return empty_response(204 if call.caps.ends_answer_204 else 200)
