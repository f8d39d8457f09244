"""The OAuth tokens of one session: kept in memory, refreshed ahead of expiry, single-flight.

Only the refresh token ever leaves this object (through `on_refresh_token`, for the keyring);
neither token appears in a repr, a log line or an error message.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .errors import AuthError, UnreadableAnswer

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 3600.0  # the documented access-token lifetime, when expires_in is missing
REFRESH_MARGIN_S = 60.0

# Posts a token-grant form and returns the server's JSON object (raises VboError on refusal).
GrantSender = Callable[[dict[str, str]], Awaitable[Mapping[str, Any]]]


def _lifetime(expires_in: object) -> float:
    """The token's lifetime in seconds: `expires_in` when it is a positive finite number."""
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        ttl = float(expires_in)
        if math.isfinite(ttl) and ttl > 0:
            return ttl
    return DEFAULT_TTL_S


def refresh_delay(expires_in: float) -> float:
    """Seconds after issue at which to refresh: 60 s early, or at half-life for short lifetimes."""
    return max(expires_in - REFRESH_MARGIN_S, expires_in / 2)


class AccessTokens:
    """The access and refresh token of one signed-in session (in memory only)."""

    def __init__(self, send_grant: GrantSender, clock: Callable[[], float] = time.monotonic) -> None:
        self._send_grant = send_grant
        self._clock = clock
        self._lock = asyncio.Lock()
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user_name: str | None = None
        self._refresh_at: float | None = None
        self.on_refresh_token: Callable[[str], None] | None = None
        self.refresh_count = 0  # how many refresh grants were sent (for the debug view and tests)

    def __repr__(self) -> str:
        state = "signed in" if self.access_token else "signed out"
        return f"AccessTokens({state}, user={self.user_name!r})"

    async def password_grant(self, user: str, password: str) -> None:
        async with self._lock:
            body = await self._send_grant({"grant_type": "password", "username": user, "password": password})
            self._accept(body)

    async def refresh_grant(self, refresh_token: str) -> None:
        async with self._lock:
            await self._refresh_locked(refresh_token)

    async def ensure_fresh(self) -> None:
        """Refresh now if the access token is at (or past) its refresh point."""
        if not self._due():
            return
        async with self._lock:
            if self._due():  # another task may have refreshed while we waited
                assert self.refresh_token is not None
                await self._refresh_locked(self.refresh_token)

    async def after_rejection(self, rejected_token: str | None) -> None:
        """The server answered 401 to `rejected_token`: refresh once, unless someone already did."""
        async with self._lock:
            if self.access_token is not None and self.access_token != rejected_token:
                return
            if self.refresh_token is None:
                self.forget()
                raise AuthError("the session has expired; sign in again", status=401)
            await self._refresh_locked(self.refresh_token)

    async def sign_out(self) -> str | None:
        """Forget both tokens (after any refresh in flight); return the access token to revoke."""
        async with self._lock:
            access = self.access_token
            self.forget()
            return access

    def forget(self) -> None:
        self.access_token = None
        self.refresh_token = None
        self._refresh_at = None

    def _due(self) -> bool:
        return (
            self.refresh_token is not None
            and self._refresh_at is not None
            and self._clock() >= self._refresh_at
        )

    async def _refresh_locked(self, refresh_token: str) -> None:
        self.refresh_count += 1
        try:
            body = await self._send_grant({"grant_type": "refresh_token", "refresh_token": refresh_token})
        except AuthError:
            self.forget()  # a refused refresh token is dead: the user must sign in again
            raise
        self._accept(body)

    def _accept(self, body: Mapping[str, Any]) -> None:
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise UnreadableAnswer("the token reply has no access_token", method="POST")
        ttl = _lifetime(body.get("expires_in"))
        self.access_token = access
        self._refresh_at = self._clock() + refresh_delay(ttl)
        user = body.get("userName")
        if isinstance(user, str) and user:
            self.user_name = user
        refresh = body.get("refresh_token")
        if isinstance(refresh, str) and refresh and refresh != self.refresh_token:
            self.refresh_token = refresh
            self._announce(refresh)

    def _announce(self, refresh_token: str) -> None:
        if self.on_refresh_token is None:
            return
        try:
            self.on_refresh_token(refresh_token)
        except Exception:  # the keyring's trouble must not end the session
            log.warning("storing the new refresh token failed", exc_info=True)
