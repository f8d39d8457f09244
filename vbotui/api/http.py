"""One HTTP exchange with the server: send, time, report, and turn failures into VboError.

Everything here is token-agnostic: the caller passes the Authorization header, and nothing
that could hold a secret (headers, form bodies) ever reaches an error message or the
`on_exchange` hook.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import (
    AuthError,
    BadRequest,
    Conflict,
    MalformedResponse,
    NotFound,
    ServerError,
    TlsError,
    TransportError,
    VboError,
)

log = logging.getLogger(__name__)

# Errors that mean the connection was never made: the request cannot have reached the server.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Errors that mean an established connection dropped: safe to retry once for a GET only.
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


@dataclass(frozen=True)
class Exchange:
    """One request and its outcome, for a debug log. Holds no header and no body."""

    method: str
    path: str
    status: int | None
    elapsed_s: float
    error: str | None = None


ExchangeHook = Callable[[Exchange], None]


class HttpSession:
    """A long-lived httpx.AsyncClient for one server, with error mapping and an exchange hook."""

    def __init__(
        self,
        base_url: str,
        *,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.on_exchange: ExchangeHook | None = None
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            verify=verify,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )
        # Only httpx's own network transport honours httpx timeouts; an in-process one
        # (ASGITransport, as in --demo and the tests) would wait forever on a hung app.
        self.deadline_s: float | None = None if honours_httpx_timeouts(transport) else timeout
        self._timeout_s = timeout

    def __repr__(self) -> str:
        return f"HttpSession({self.base_url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        has_json_body: bool = False,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; return any HTTP response (the caller maps statuses).

        Raises TransportError/TlsError when no response came. A GET is retried once on a
        dropped connection; a POST never is (the action may have happened).
        """
        attempts = 2 if method == "GET" else 1
        for attempt in range(attempts):
            started = time.perf_counter()
            deadline = asyncio.timeout(self.deadline_s)
            try:
                async with deadline:
                    response = await self._client.request(
                        method,
                        path,
                        params=params,
                        json=json_body if has_json_body else None,
                        data=form,
                        headers=headers,
                    )
            except TimeoutError:
                if not deadline.expired():
                    raise
                error = deadline_error(method, path, self._timeout_s)
                self._report(method, path, None, started, error.message)
                raise error from None
            except httpx.TransportError as exc:
                error = transport_error(exc, method, path)
                self._report(method, path, None, started, error.message)
                if attempt + 1 < attempts and isinstance(exc, _DROPPED):
                    continue
                raise error from None
            self._report(method, path, response.status_code, started, None)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _report(self, method: str, path: str, status: int | None, started: float, error: str | None) -> None:
        if self.on_exchange is None:
            return
        exchange = Exchange(method, path, status, time.perf_counter() - started, error)
        try:
            self.on_exchange(exchange)
        except Exception:  # a broken debug log must not break a request
            log.exception("on_exchange hook failed")


def honours_httpx_timeouts(transport: httpx.AsyncBaseTransport | None) -> bool:
    """True for httpx's network transport (the default); False for in-process or custom ones."""
    return transport is None or isinstance(transport, httpx.AsyncHTTPTransport)


def deadline_error(method: str, path: str, seconds: float) -> TransportError:
    """No answer within the client's own deadline: a POST may have reached the server."""
    return TransportError(
        f"timed out: no answer in {seconds:g} s",
        method=method,
        path=path,
        may_have_reached_server=method != "GET",
    )


def transport_error(exc: httpx.TransportError, method: str, path: str) -> TransportError:
    """Map an httpx transport failure; say whether a POST may have reached the server."""
    reached = method != "GET" and not isinstance(exc, _NEVER_SENT)
    # Only the handshake (inside connect) fails for TLS reasons; a read timeout on a TLS
    # stream also chains an SSLWantReadError, which says nothing about trust.
    ssl_exc = _ssl_cause(exc) if isinstance(exc, httpx.ConnectError) else None
    if isinstance(ssl_exc, ssl.SSLCertVerificationError):
        reason = ssl_exc.verify_message or str(ssl_exc)
        return TlsError(f"TLS certificate not trusted: {reason}", method=method, path=path)
    if ssl_exc is not None:
        return TransportError(f"TLS handshake failed: {ssl_exc}", method=method, path=path)
    kinds = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ConnectError: "could not connect",
        httpx.ReadTimeout: "no response in time",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.PoolTimeout: "no free connection in time",
        httpx.RemoteProtocolError: "the server closed the connection",
        httpx.ReadError: "the connection dropped",
        httpx.WriteError: "the connection dropped while sending",
    }
    # isinstance, not type(): a subclass (e.g. the simulator's dropped connection) keeps its words.
    kind = next((text for cls, text in kinds.items() if isinstance(exc, cls)), "transport error")
    detail = str(exc)
    message = f"{kind}: {detail}" if detail else kind
    return TransportError(message, method=method, path=path, may_have_reached_server=reached)


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def decode_json(response: httpx.Response, method: str, path: str) -> Any:
    """The JSON body of a 2xx response, or None when it is empty."""
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        raise MalformedResponse(
            f"the server's reply is not JSON (HTTP {response.status_code}, "
            f"{response.headers.get('content-type', 'no content type')})",
            status=response.status_code,
            method=method,
            path=path,
        ) from None


def expect_object(body: Any, response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise MalformedResponse(
            f"expected a JSON object, got {type(body).__name__}",
            status=response.status_code,
            method=method,
            path=path,
        )
    return body


def error_from_response(response: httpx.Response, method: str, path: str, *, token: bool = False) -> VboError:
    """Map a non-2xx response to the error tree, keeping the server's own words.

    `token` marks the token endpoint: any 4xx there is a refused credential, and the text
    is the OAuth `error_description`.
    """
    status = response.status_code
    body: Any = None
    try:
        body = json.loads(response.content) if response.content.strip() else None
    except ValueError:
        body = None
    fields: dict[str, Any] = body if isinstance(body, dict) else {}
    message = _first_text(fields, "message", "Message", "error_description", "error")
    error_code = _first_text(fields, "errorCode", "ErrorCode")
    if token and error_code is None:
        error_code = _first_text(fields, "error")
    if not message:
        message = response.reason_phrase or f"HTTP {status}"
    kwargs: dict[str, Any] = {"status": status, "error_code": error_code, "method": method, "path": path}
    if status in (401, 403) or (token and 400 <= status < 500):
        return AuthError(message, **kwargs)
    if status == 404:
        return NotFound(message, **kwargs)
    if status == 409 or (error_code or "").lower() == "operationconflict":
        return Conflict(message, **kwargs)
    if 400 <= status < 500:
        return BadRequest(message, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return MalformedResponse(f"unexpected HTTP status {status}: {message}", **kwargs)


def _first_text(fields: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
