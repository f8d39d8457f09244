"""Fixtures of the issue-11 tests: the real app on the in-process simulator, at a chosen API version."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.main import MainScreen

from ..helpers.waits import wait_until as wait_until

AppFactory = Callable[..., Awaitable[VboApp]]


@pytest.fixture(autouse=True)
def utc_local_time(utc_tz: None) -> None:
    """Times are shown in local time: pinned to UTC."""


@pytest.fixture
async def make_app(sim: Simulator, sim_clock: ManualClock) -> AsyncIterator[AppFactory]:
    clients: list[VboClient] = []

    async def factory(version: str = "v8", **options: Any) -> VboApp:
        client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=sim.app))
        await client.sign_in("admin", "secret")
        clients.append(client)
        options.setdefault("refresh_s", 3600.0)
        return VboApp(client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, **options)

    yield factory
    for client in clients:
        await client.aclose()


async def main_loaded(pilot: Pilot[Any]) -> MainScreen:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            len(app.screen_stack) > 1
            and isinstance(app.screen_stack[1], MainScreen)
            and app.screen_stack[1].loaded
        ),
        "jobs",
    )
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    await pilot.pause()
    return screen


def posts(sim: Simulator) -> list[Any]:
    return [r for r in sim.requests if r.method == "POST" and not r.path.lower().endswith("/token")]
