from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from vbotui.api import VboClient, http

from .helpers import BASE, FakeClock


@pytest.fixture(autouse=True)
def backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The read-retry backoff's pauses, recorded instead of slept (each still yields to the loop)."""
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(http, "_sleep", pause)
    return pauses


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def make_client(clock: FakeClock) -> AsyncIterator[object]:
    clients: list[VboClient] = []

    def make(version: str = "v8", **kwargs: object) -> VboClient:
        client = VboClient(BASE, version, clock=clock, **kwargs)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
