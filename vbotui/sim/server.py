"""The `Simulator`: state, tokens, faults, the request log, and the Starlette app serving it all."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import auth_routes, render
from .config import ALL_VERSIONS, RecordedRequest, SimConfig, real_now
from .data import SimJob, SimOrganization, new_uuid
from .faults import Fault, FaultPlan
from .protocol import caps, error_response, json_response, unauthorized
from .routes import Call, Handler, route
from .state import SimError, SimJobSession, SimRestoreSession, SimState
from .tokens import IssuedTokens

TIMEOUT_FAULT_SECONDS = 3600.0
MALFORMED_BODY = b"<html><head><title>Service Unavailable</title></head><body>Service Unavailable</body>"
# What a TLS-intercepting proxy answers in place of the server: its sign-in page, with a 200.
HTML_BODY = (
    b"<!DOCTYPE html><html><head><title>Proxy sign-in</title></head>"
    b"<body><form method=post><input name=user><input type=password name=pw></form></body></html>"
)
DEEP_LEVELS = 100_000  # far past CPython's recursion limit (1000) and any JSON parser's nesting limit
DEEP_BODY = b'{"results":' + b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS + b"}"
_GARBLED = {
    "malformed": (MALFORMED_BODY, "application/json"),
    "malformed-after": (MALFORMED_BODY, "application/json"),
    "html": (HTML_BODY, "text/html; charset=utf-8"),
    "deep": (DEEP_BODY, "application/json; charset=utf-8"),
    "deep-after": (DEEP_BODY, "application/json; charset=utf-8"),
}
ENDLESS_PIECE = b",".join([b'{"id":"endless","name":"endless"}'] * 2048)  # ~70 KB a piece
_VERSION = re.compile(r"^v(\d+)$", re.IGNORECASE)


class SimulatedDrop(httpx.RemoteProtocolError):
    """Raised to drop a connection. In process (httpx.ASGITransport) it reaches the client as the
    httpx error a real dropped connection gives; under uvicorn the half-sent response is cut off."""


class Simulator:
    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        unknown = [v for v in self.config.versions if v not in ALL_VERSIONS]
        if unknown:
            served = ", ".join(ALL_VERSIONS)
            raise ValueError(f"unknown API versions {unknown}; the simulator serves {served}")
        self.clock = self.config.clock or real_now
        self.requests: list[RecordedRequest] = []
        self.faults = FaultPlan(self.config.faults)
        self.tokens = IssuedTokens()
        self.state = SimState(self.config, self.clock())
        self.app = Starlette(routes=[Route("/{path:path}", _Endpoint(self))])

    # -- state, to inspect and arrange in tests -----------------------------------------------

    @property
    def jobs(self) -> dict[str, SimJob]:
        return self.state.jobs

    @property
    def organizations(self) -> dict[str, SimOrganization]:
        return self.state.organizations

    @property
    def job_sessions(self) -> dict[str, SimJobSession]:
        """Sessions made so far (a job's history is made the first time it is asked for)."""
        return self.state.job_sessions

    @property
    def restore_sessions(self) -> dict[str, SimRestoreSession]:
        return self.state.restore_sessions

    def add_organization(self, name: str = "newtenant.onmicrosoft.com", **fields: Any) -> str:
        """Add an organization (never backed up unless first_backup/last_backup are given)."""
        org = SimOrganization(
            id=self.state.new_id(),
            name=name,
            office_name=name.split(".")[0],
            repository_id=self.state.new_id(),
        )
        _assign(org, fields)
        self.state.organizations[org.id] = org
        return org.id

    def add_job(self, name: str = "New job", organization_id: str | None = None, **fields: Any) -> str:
        """Add a job (to the first organization by default); `fields` are SimJob attributes."""
        org_id = (organization_id or next(iter(self.state.organizations))).lower()
        if org_id not in self.state.organizations:
            raise KeyError(f"no organization {org_id}")
        job = SimJob(
            id=str(fields.pop("id", self.state.new_id())).lower(),
            name=name,
            organization_id=org_id,
            repository_id=self.state.organizations[org_id].repository_id,
        )
        _assign(job, fields)
        self.state.jobs[job.id] = job
        return job.id

    def add_fault(self, spec: str) -> Fault:
        return self.faults.add(spec)

    def expire_tokens(self) -> None:
        """Every access token issued so far counts as expired (refresh tokens still work)."""
        self.tokens.expire_all()

    def now(self) -> datetime:
        return self.clock()

    # -- serving -------------------------------------------------------------------------------

    async def handle(self, request: Request, body: object, fault: Fault | None) -> Response:
        now = self.clock()
        self.state.advance(now)
        segments = [part for part in request.url.path.split("/") if part]
        if [s.lower() for s in segments] == ["health"]:
            return json_response({"status": "Healthy"})
        match = _VERSION.match(segments[0]) if segments else None
        if match is None or segments[0].lower() not in self.config.versions:
            return _no_resource(None, request)
        version = int(match.group(1))
        base = self.config.base_url or str(request.base_url).rstrip("/")
        call = Call(
            state=self.state,
            method=request.method,
            version=version,
            segments=segments[1:],
            query={key.lower(): value for key, value in request.query_params.items()},
            body=body,
            now=now,
            view=render.View(version, base.rstrip("/"), now),
            client_host=request.client.host if request.client else "127.0.0.1",
        )
        try:
            return await self._dispatch(call, request, fault)
        except SimError as error:
            return error_response(version, error)

    async def _dispatch(self, call: Call, request: Request, fault: Fault | None) -> Response:
        parts = [s.lower() for s in call.segments]
        method, v = call.method, call.version
        can = call.caps
        if method == "POST" and parts == ["token"]:
            return await auth_routes.issue_token(call, self.config, self.tokens)
        if method == "GET" and parts == ["health"] and can.health:
            return await auth_routes.health(call)  # the v8 document marks it x-anonymous
        handler = self._authorized(method, v, parts)
        if handler is None:
            other = "POST" if method == "GET" else "GET"
            if self._authorized(other, v, parts) is not None:
                return json_response(
                    {"message": f"The requested resource does not support http method '{method}'."}, 405
                )
            return _no_resource(v, request)
        token = _bearer(request)
        if fault is not None and fault.kind == "expire-token" and token:
            self.tokens.expire(token)
        call.grant = self.tokens.check(token, call.now) if token else None
        if call.grant is None:
            return unauthorized(v)
        return await handler(call)

    def _authorized(self, method: str, version: int, parts: list[str]) -> Handler | None:
        """The handler of a resource that needs a token. ServiceInstance is one (the documents give
        it no anonymous mark): an anonymous probe gets 401 where a version is served, 404 where not."""
        if method == "GET" and parts == ["serviceinstance"]:
            return auth_routes.service_instance
        if method == "POST" and parts == ["token", "logout"] and caps(version).logout:
            return partial(auth_routes.logout, tokens=self.tokens)
        return route(method, version, parts)


class _Endpoint:
    """The raw ASGI endpoint behind the catch-all route: record, inject faults, answer."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sim = self.sim
        request = Request(scope, receive)
        raw = await request.body()
        content_type = request.headers.get("content-type", "").lower()
        json_body, form = _parse_body(raw, content_type)
        sim.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                json=json_body,
                form=form,
                headers=dict(request.headers),
            )
        )
        if len(sim.requests) > sim.config.record_limit:
            del sim.requests[: len(sim.requests) - sim.config.record_limit // 2]
        fault = sim.faults.take(request.method, request.url.path, bool(_bearer(request)))
        if sim.config.latency_ms:
            await asyncio.sleep(sim.config.latency_ms / 1000)
        if fault is not None:
            if fault.kind == "timeout":
                await asyncio.sleep(TIMEOUT_FAULT_SECONDS)
            if fault.kind == "drop":
                await _drop(send)
            if fault.kind == "endless":
                await _endless(receive, send)
                return
            if fault.kind in ("malformed", "html", "deep"):
                await _garbled(fault.kind)(scope, receive, send)
                return
            if fault.kind == "status":
                error = SimError(fault.status or 500, fault.message)
                await error_response(_version_of(request.url.path), error)(scope, receive, send)
                return
        body: object | None = json_body
        if _is_token_path(request.url.path):
            # v3-v5 (OWIN) read only the form; v6+ take JSON as well.
            if form is not None:
                body = form
            elif (_version_of(request.url.path) or 0) < 6 or not isinstance(json_body, dict):
                body = {}
        if fault is not None and fault.kind == "repeat-pages":
            response = _linked_to_itself(await sim.handle(_without_offset(scope, receive), body, fault))
        else:
            response = await sim.handle(request, body, fault)
        if fault is not None and fault.kind == "trickle":
            await _trickle(response, send, sim.config.trickle_seconds)
            return
        if fault is not None and fault.kind == "drop-after":
            await _drop(send)
        if fault is not None and fault.kind in ("malformed-after", "deep-after"):
            response = _garbled(fault.kind)  # the request was handled: only its answer is lost
        await response(scope, receive, send)


async def _drop(send: Send) -> None:
    # Uvicorn closes the connection when an app fails after starting a response; a promised body
    # that never comes makes the client see a cut connection rather than a 500.
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
    raise SimulatedDrop("Server disconnected without sending a response.")


async def _trickle(response: Response, send: Send, pause_s: float) -> None:
    """The answer, one byte every `pause_s`: each read of the client gets something in time."""
    await send(
        {"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers}
    )
    body = bytes(response.body)
    for index in range(len(body)):
        await asyncio.sleep(pause_s)
        await send({"type": "http.response.body", "body": body[index : index + 1], "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _endless(receive: Receive, send: Send) -> None:
    """200 and a page whose results never end, until the client hangs up."""
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    gone = asyncio.ensure_future(_hung_up(receive))
    try:
        await send({"type": "http.response.body", "body": b'{"results":[' + ENDLESS_PIECE, "more_body": True})
        while not gone.done():
            await send({"type": "http.response.body", "body": b"," + ENDLESS_PIECE, "more_body": True})
            await asyncio.sleep(0)  # lets the hang-up be heard
    finally:
        gone.cancel()


async def _hung_up(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _without_offset(scope: Scope, receive: Receive) -> Request:
    """The request as a server that ignores `offset` reads it: always the first page."""
    query = [
        (key, value)
        for key, value in parse_qsl(scope.get("query_string", b"").decode())
        if key.lower() != "offset"
    ]
    return Request({**scope, "query_string": urlencode(query).encode()}, receive)


def _linked_to_itself(response: Response) -> Response:
    """A page that looks full (its `limit` is what it holds) and whose `next` is the page itself
    (any other answer as it is)."""
    try:
        page = json.loads(bytes(response.body))
    except ValueError:
        return response
    if not isinstance(page, dict) or not isinstance(page.get("_links"), dict):
        return response
    links = page["_links"]
    links["next"] = links.get("self") or {"href": ""}
    if isinstance(page.get("results"), list) and page["results"]:
        page["limit"] = len(page["results"])
    return json_response(page, response.status_code)


def _garbled(kind: str) -> Response:
    body, media_type = _GARBLED[kind]
    return Response(body, 200, media_type=media_type)


def _assign(target: object, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if not hasattr(target, key):
            raise TypeError(f"{type(target).__name__} has no field {key!r}")
        setattr(target, key, value)


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _parse_body(raw: bytes, content_type: str) -> tuple[object | None, dict[str, str] | None]:
    if not raw:
        return None, None
    if content_type.startswith("application/x-www-form-urlencoded"):
        return None, dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError):  # as ASP.NET: an unreadable body binds as no body
        return None, None


def _version_of(path: str) -> int | None:
    first = next((part for part in path.split("/") if part), "")
    match = _VERSION.match(first)
    return int(match.group(1)) if match else None


def _is_token_path(path: str) -> bool:
    parts = [part.lower() for part in path.split("/") if part]
    return len(parts) == 2 and parts[1] == "token"


def _no_resource(version: int | None, request: Request) -> Response:
    message = f"No HTTP resource was found that matches the request URI '{request.url}'."
    return error_response(version, SimError(404, message, "ResourceNotFound"))


__all__ = ["SimulatedDrop", "Simulator", "new_uuid"]
