"""Requests with the bearer token, for `VboClient`: a 401 refreshed and the request sent once more
(flagged: the operations layer says so), collections paged within their bounds, and the kinds of
request with deadlines of their own (downloads, synchronous restores; limits.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from .answers import decode_json, decode_json_off_loop, expect_object
from .dialects import RequestSpec
from .errors import AuthError, TransportError, VboError
from .http import HttpSession, Sink, error_from_response
from .limits import Limits
from .models import ActionResult
from .paging import StopHook, pages
from .tokens import AccessTokens


class BearerRequests:
    """The authenticated requests of one client (its tokens, its HTTP session, its page size)."""

    _tokens: AccessTokens
    _http: HttpSession
    page_size: int
    # Told (once per list read) when paging stopped early: a server that repeats its pages.
    on_paging_stopped: StopHook | None

    @property
    def limits(self) -> Limits:
        return self._http.limits

    async def _request(self, spec: RequestSpec, *, deadline_s: float | None = None) -> httpx.Response:
        """Send with the bearer token; on a 401 refresh once and retry once; map errors."""
        response, _resent = await self._request_resent(spec, deadline_s=deadline_s)
        return response

    async def _request_resent(
        self, spec: RequestSpec, *, deadline_s: float | None = None
    ) -> tuple[httpx.Response, bool]:
        """`_request`, and whether the request went twice: the server refused the token (401),
        which a refresh mended. A 401 refuses the token, not the action, so one resend is safe;
        an error raised after it carries `resent_after_refused_token`."""
        try:
            await self._tokens.ensure_fresh()
        except AuthError:
            raise  # the refresh token was refused: the session is over (refused, sign in again)
        except VboError as error:
            raise refresh_failed_before_sending(spec, error) from error
        token = self._tokens.access_token
        if token is None:
            raise AuthError("not signed in", method=spec.method, path=spec.path)
        response = await self._send(spec, token, deadline_s)
        resent = False
        if response.status_code == 401:
            try:
                await self._tokens.after_rejection(token)
            except AuthError:
                raise
            except VboError as error:
                raise refresh_failed_after_refusal(spec, response, error) from error
            token = self._tokens.access_token
            if token is None:
                raise AuthError("not signed in", method=spec.method, path=spec.path)
            resent = True
            try:
                response = await self._send(spec, token, deadline_s)
            except VboError as error:
                error.resent_after_refused_token = True
                raise
        if not response.is_success:
            refusal = error_from_response(response, spec.method, spec.path)
            refusal.resent_after_refused_token = resent
            raise refusal
        return response, resent

    async def _send(self, spec: RequestSpec, token: str, deadline_s: float | None = None) -> httpx.Response:
        return await self._http.send(
            spec.method,
            spec.path,
            params=spec.params,
            json_body=spec.body,
            has_json_body=spec.has_body,
            headers={"Authorization": f"Bearer {token}"},
            deadline_s=deadline_s,
        )

    async def restore(self, spec: RequestSpec) -> ActionResult:
        """A synchronous restore (v3-v7 answer only when it has ended): sent once, under the
        restore deadline (`limits.restore_s`) instead of the request one."""
        started = time.perf_counter()
        response, resent = await self._request_resent(spec, deadline_s=self.limits.restore_s)
        with flag_resent(resent):
            decode_json(response, spec.method, spec.path)
        elapsed = time.perf_counter() - started
        return ActionResult(response.status_code, elapsed, resent_after_refused_token=resent)

    async def download(self, spec: RequestSpec, sink: Sink) -> int:
        """Stream an answer's body (a saved item, a PST export) into `sink`; no total deadline, but
        no byte for `limits.download_stall_s` ends it. Returns the HTTP status; a refusal raises."""
        await self._tokens.ensure_fresh()
        token = self._tokens.access_token
        if token is None:
            raise AuthError("not signed in", method=spec.method, path=spec.path)
        response = await self._http.download(
            spec.method,
            spec.path,
            sink,
            params=spec.params,
            json_body=spec.body,
            has_json_body=spec.has_body,
            headers={"Authorization": f"Bearer {token}"},
        )
        if not response.is_success:
            raise error_from_response(response, spec.method, spec.path)
        return response.status_code

    async def _get_object(self, path: str, params: dict[str, str | int] | None = None) -> dict[str, Any]:
        response = await self._request(RequestSpec("GET", path, params=params))
        return expect_object(decode_json(response, "GET", path), response, "GET", path)

    def _pages(
        self,
        path: str,
        *,
        paged: bool,
        params: dict[str, str | int] | None = None,
        first_page: int | None = None,
    ) -> AsyncIterator[tuple[list[dict[str, Any]], bool]]:
        """One collection's pages (paging.pages), the bytes they take counted against the list
        ceiling; an early stop is told to `on_paging_stopped`."""
        taken = 0

        async def fetch(page: dict[str, str | int] | None) -> Any:
            nonlocal taken
            merged = {**(params or {}), **(page or {})} or None
            response = await self._request(RequestSpec("GET", path, params=merged))
            taken += len(response.content)
            return await decode_json_off_loop(response, "GET", path)  # a large page in a thread

        return pages(
            fetch,
            paged=paged,
            page_size=self.page_size,
            first_page=first_page,
            path=path,
            on_stop=self._paging_stopped,
            bytes_read=lambda: taken,
            max_bytes=self.limits.max_list_bytes,
        )

    def _paging_stopped(self, message: str) -> None:
        if self.on_paging_stopped is not None:
            self.on_paging_stopped(message)

    async def _get_all(
        self, path: str, *, paged: bool, params: dict[str, str | int] | None = None
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        async for results, _last in self._pages(path, paged=paged, params=params):
            items.extend(results)
        return items


# A token refresh is a request of its own (POST /token): when it times out, drops or is answered
# unreadably, *it* may have reached the server, but the request it was for was not sent (or, after a
# 401, was answered: the server refused the token, so it did nothing). Its error must not say "may
# have reached the server" for that request, which would make a start that never left "outcome
# unknown" (exit 4, "check before retrying") when it is plainly "not sent" or "refused".


def _refresh_detail(error: VboError) -> str:
    words = f"{error.message} ({error.error_code})" if error.error_code else error.message
    return f"{error.status} {words}" if error.status is not None else words


def refresh_failed_before_sending(spec: RequestSpec, error: VboError) -> TransportError:
    """The token was due for refresh and the refresh failed: nothing of `spec` was sent (the
    operations layer's "not sent"; a read "failed")."""
    return TransportError(
        f"the token refresh failed ({_refresh_detail(error)}): the request was not sent",
        method=spec.method,
        path=spec.path,
        may_have_reached_server=False,
    )


def refresh_failed_after_refusal(spec: RequestSpec, response: httpx.Response, error: VboError) -> AuthError:
    """The server answered 401 (it refused the token, so did nothing) and the refresh that should
    have mended it failed: `spec` is refused, in the server's words, and not sent again."""
    refusal = error_from_response(response, spec.method, spec.path)
    return AuthError(
        f"{refusal.message}; the token refresh after it failed ({_refresh_detail(error)})",
        status=401,
        error_code=refusal.error_code,
        method=spec.method,
        path=spec.path,
    )


@contextmanager
def flag_resent(resent: bool) -> Iterator[None]:
    """An unreadable answer to a request that went twice says so too."""
    try:
        yield
    except VboError as error:
        error.resent_after_refused_token = resent
        raise
