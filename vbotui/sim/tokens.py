"""Access and refresh tokens: issue, refresh (rotating), expire, log out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .render import api_time


@dataclass
class Grant:
    """One sign-in: its current access token and refresh token."""

    user_name: str
    access_token: str
    refresh_token: str
    issued: datetime
    expires: datetime
    expired: bool = False  # forced by expire_tokens() or an expire-token fault


class IssuedTokens:
    """Every grant the simulated server has issued, by access and by refresh token."""

    def __init__(self) -> None:
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}

    def issue(self, user_name: str, now: datetime, ttl: float) -> Grant:
        grant = Grant(
            user_name,
            "sim." + secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            now,
            now + timedelta(seconds=ttl),
        )
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return grant

    def refresh(self, refresh_token: str, now: datetime, ttl: float) -> Grant | None:
        """A new pair for a known refresh token; the old pair stops working (rotation)."""
        old = self._by_refresh.pop(refresh_token, None)
        if old is None:
            return None
        self._by_access.pop(old.access_token, None)
        return self.issue(old.user_name, now, ttl)

    def check(self, access_token: str, now: datetime) -> Grant | None:
        grant = self._by_access.get(access_token)
        if grant is None or grant.expired or now >= grant.expires:
            return None
        return grant

    def expire(self, access_token: str) -> None:
        grant = self._by_access.get(access_token)
        if grant is not None:
            grant.expired = True

    def expire_all(self) -> None:
        for grant in self._by_access.values():
            grant.expired = True

    def logout(self, grant: Grant) -> None:
        self._by_access.pop(grant.access_token, None)
        self._by_refresh.pop(grant.refresh_token, None)


def token_json(grant: Grant, ttl: float) -> dict[str, Any]:
    return {
        "access_token": grant.access_token,
        "token_type": "bearer",
        "expires_in": int(ttl),
        "refresh_token": grant.refresh_token,
        "userName": grant.user_name,
        ".issued": api_time(grant.issued),
        ".expires": api_time(grant.expires),
    }
