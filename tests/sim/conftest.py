"""Fixtures of the simulator tests: signing in over raw HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

SEED_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"
SignIn = Callable[[str], Awaitable[dict[str, str]]]


@pytest.fixture
def seed_job() -> str:
    """The job id of the seed document's examples."""
    return SEED_JOB


@pytest.fixture
def sign_in(sim_client: httpx.AsyncClient) -> SignIn:
    """`await sign_in("v8")` -> the Authorization header of a fresh password grant."""

    async def _sign_in(version: str = "v3") -> dict[str, str]:
        response = await sim_client.post(
            f"/{version}/token", data={"grant_type": "password", "username": "admin", "password": "secret"}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return _sign_in
