"""Shared builders for the API client's unit tests (respx-mocked server)."""

from __future__ import annotations

from typing import Any

import httpx

BASE = "https://vbo.test:4443"


def token_reply(access: str = "AT1", refresh: str = "RT1", expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": expires_in,
            "userName": "CORP\\admin",
        },
    )


def job_json(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"job-{n}", "name": f"Job {n}", "isEnabled": True, "lastStatus": "Success", **extra}


class FakeClock:
    """A monotonic clock the tests move by hand (no sleeping, no timing)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
