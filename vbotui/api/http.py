"""One HTTP exchange with the server: send, time, report, and turn failures into VboError.

Everything here is token-agnostic: the caller passes the Authorization header, and nothing
that could hold a secret (headers, form bodies) ever reaches an error message or the
`on_exchange` hook.

Reads (GET) are retried after a transport failure, a timeout or a 5xx, after each delay of
`read_retry_delays` (default 0.2 s then 0.6 s: two retries). Nothing else is ever resent: an
action's POST may have been done even when its answer was lost.

Every answer is read as it streams in, within a total deadline and a size ceiling (limits.py): a
server that trickles or never ends its answer gives an error, not a hang or a process that grows.
Downloads (`download`) have a stall timeout instead of a total.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import httpx

from .answers import parse_json
from .errors import (
    AnswerTooLarge,
    AuthError,
    BadRequest,
    Conflict,
    NotFound,
    ServerError,
    TlsError,
    TransportError,
    UnreadableAnswer,
    VboError,
)
from .limits import MB, Limits

log = logging.getLogger(__name__)
T = TypeVar("T")

READ_RETRY_DELAYS_S: tuple[float, ...] = (0.2, 0.6)  # a GET is sent at most 1 + len(...) times
CONNECT_S = 30.0  # an unreachable server is said within this, whatever the request deadline
_RETRIED_STATUSES = frozenset({500, 502, 503, 504})
_sleep = asyncio.sleep  # the backoff's sleep (tests replace it)

# Errors that mean the connection was never made: the request cannot have reached the server.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Errors that no retry can mend: the server is not one we may talk to, or the URL is unusable.
_NOT_RETRIED = (httpx.UnsupportedProtocol,)


@dataclass(frozen=True)
class Exchange:
    """One request and its outcome, for a debug log. Holds no header and no body."""

    method: str
    path: str
    status: int | None
    elapsed_s: float
    error: str | None = None


ExchangeHook = Callable[[Exchange], None]
Sink = Callable[[bytes], None]


class HttpSession:
    """A long-lived httpx.AsyncClient for one server, with error mapping and an exchange hook."""

    def __init__(
        self,
        base_url: str,
        *,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = None,
        limits: Limits | None = None,
        read_retry_delays: Sequence[float] = READ_RETRY_DELAYS_S,
    ) -> None:
        """`timeout`, when given, is the total deadline of a JSON request (`limits.request_s`)."""
        self.base_url = base_url.rstrip("/")
        self.on_exchange: ExchangeHook | None = None
        self.read_retry_delays: tuple[float, ...] = tuple(float(delay) for delay in read_retry_delays)
        limits = limits or Limits()
        self.limits = limits if timeout is None else replace(limits, request_s=timeout)
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            verify=verify,
            transport=transport,
            # httpx's timeouts bound each network step; the total is ours (`within`): a trickle
            # of one byte a second never trips a per-read timeout.
            timeout=httpx.Timeout(self.limits.request_s, connect=min(self.limits.request_s, CONNECT_S)),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    @property
    def deadline_s(self) -> float:
        """The total deadline of a JSON request or an action (in-process transports too)."""
        return self.limits.request_s

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
        deadline_s: float | None = None,
    ) -> httpx.Response:
        """Send one request; return any HTTP response, its body read (the caller maps statuses).

        The whole exchange must end within `deadline_s` (default `limits.request_s`) and its body
        stay within `limits.max_answer_bytes` (AnswerTooLarge). Raises TransportError/TlsError when
        no response came. A GET is retried with backoff after a transport failure, a timeout or a
        5xx (the last answer or error is the result); any other method is sent exactly once (the
        action may have happened).
        """
        delays = self.read_retry_delays if method == "GET" else ()
        deadline = self.limits.request_s if deadline_s is None else deadline_s
        attempt = 0
        while True:
            started = time.perf_counter()
            request = self._client.build_request(
                method,
                path,
                params=params,
                json=json_body if has_json_body else None,
                data=form,
                headers=headers,
            )
            try:
                response = await within(deadline, self._exchange(request, method, path))
            except DeadlineExpired:
                error = deadline_error(method, path, deadline)
                self._report(method, path, None, started, error.message)
                if attempt < len(delays):
                    await _sleep(delays[attempt])
                    attempt += 1
                    continue
                raise error from None
            except httpx.TransportError as exc:
                error = transport_error(exc, method, path)
                self._report(method, path, None, started, error.message)
                mendable = not isinstance(exc, _NOT_RETRIED) and not isinstance(error, TlsError)
                if attempt < len(delays) and mendable:
                    await _sleep(delays[attempt])
                    attempt += 1
                    continue
                raise error from None
            except AnswerTooLarge as error:
                self._report(method, path, error.status, started, error.message)
                raise
            self._report(method, path, response.status_code, started, None)
            if response.status_code in _RETRIED_STATUSES and attempt < len(delays):
                await _sleep(delays[attempt])
                attempt += 1
                continue
            return response

    async def _exchange(self, request: httpx.Request, method: str, path: str) -> httpx.Response:
        response = await self._client.send(request, stream=True)
        try:
            content = await read_bounded(response, self.limits.max_answer_bytes, method, path)
        finally:
            await response.aclose()
        response._content = content  # as Response.aread() does: the body, read within the ceiling
        return response

    async def download(
        self,
        method: str,
        path: str,
        sink: Sink,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        has_json_body: bool = False,
        headers: Mapping[str, str] | None = None,
        stall_s: float | None = None,
    ) -> httpx.Response:
        """Send once and hand a 2xx answer's body to `sink` piece by piece, with no total deadline
        and no size ceiling; but no byte (the headers included) for `stall_s` (default
        `limits.download_stall_s`) ends it: TransportError. Another status comes back with its
        (bounded) body read, for the caller to map."""
        stall = self.limits.download_stall_s if stall_s is None else stall_s
        started = time.perf_counter()
        request = self._client.build_request(
            method,
            path,
            params=params,
            json=json_body if has_json_body else None,
            headers=headers,
            timeout=httpx.Timeout(stall),
        )
        try:
            response = await within(stall, self._client.send(request, stream=True))
            try:
                if response.is_success:
                    pieces = response.aiter_bytes().__aiter__()
                    while True:
                        try:
                            piece = await within(stall, _next_piece(pieces))
                        except StopAsyncIteration:
                            break
                        sink(piece)
                    response._content = b""  # the body went to the sink
                else:
                    limit = self.limits.max_answer_bytes
                    response._content = await within(stall, read_bounded(response, limit, method, path))
            finally:
                await response.aclose()
        except DeadlineExpired:
            error = stalled_error(method, path, stall)
            self._report(method, path, None, started, error.message)
            raise error from None
        except httpx.TransportError as exc:
            error = transport_error(exc, method, path)
            self._report(method, path, None, started, error.message)
            raise error from None
        self._report(method, path, response.status_code, started, None)
        return response

    def _report(self, method: str, path: str, status: int | None, started: float, error: str | None) -> None:
        if self.on_exchange is None:
            return
        exchange = Exchange(method, path, status, time.perf_counter() - started, error)
        try:
            self.on_exchange(exchange)
        except Exception:  # a broken debug log must not break a request
            log.exception("on_exchange hook failed")


class DeadlineExpired(Exception):
    """The client's own deadline passed before the exchange ended (see `within`)."""


async def within(seconds: float | None, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, cancelling it when `seconds` pass (None: no limit): DeadlineExpired.

    Works on Python 3.10 to 3.13 (`asyncio.timeout` is 3.11+), and tells its own deadline from a
    TimeoutError raised inside the awaitable (which `asyncio.wait_for` on 3.10 cannot). A
    cancellation of the caller cancels the exchange too.
    """
    if seconds is None:
        return await awaitable
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except BaseException:  # the caller was cancelled: so is the exchange
        task.cancel()
        task.add_done_callback(_retrieve)
        raise
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.wait({task})  # let the exchange unwind (its connection goes back or is closed)
    _retrieve(task)
    raise DeadlineExpired(f"no answer in {seconds:g} s")


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark a finished task's exception as seen (asyncio warns about unretrieved ones)."""
    if task.done() and not task.cancelled():
        task.exception()


async def _next_piece(pieces: Any) -> bytes:
    piece: bytes = await pieces.__anext__()
    return piece


async def read_bounded(response: httpx.Response, limit: int, method: str, path: str) -> bytes:
    """A streamed answer's body, read piece by piece; AnswerTooLarge as soon as it passes `limit`
    bytes (or says in its Content-Length that it will), so memory stays bounded."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise answer_too_large(response, limit, method, path)
    pieces: list[bytes] = []
    size = 0
    async for piece in response.aiter_bytes():
        size += len(piece)
        if size > limit:
            raise answer_too_large(response, limit, method, path)
        pieces.append(piece)
    return b"".join(pieces)


def answer_too_large(response: httpx.Response, limit: int, method: str, path: str) -> AnswerTooLarge:
    shown = f"{limit / MB:g} MB" if limit >= MB else f"{limit} bytes"
    return AnswerTooLarge(
        f"answer too large (more than {shown})", status=response.status_code, method=method, path=path
    )


def stalled_error(method: str, path: str, seconds: float) -> TransportError:
    """A download that stopped coming: a POST (an export) may have been acted on."""
    return TransportError(
        f"the download stalled: no data in {seconds:g} s",
        method=method,
        path=path,
        may_have_reached_server=method != "GET",
    )


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


def error_from_response(response: httpx.Response, method: str, path: str, *, token: bool = False) -> VboError:
    """Map a non-2xx response to the error tree, keeping the server's own words.

    `token` marks the token endpoint: any 4xx there is a refused credential, and the text
    is the OAuth `error_description`.
    """
    status = response.status_code
    body: Any = None
    try:
        body = parse_json(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):  # the status says enough: the words are a bonus
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
    return UnreadableAnswer(f"unexpected HTTP status {status}: {message}", **kwargs)


def _first_text(fields: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
