"""UI fixtures: the real app, a real VboClient, the in-process simulator, a fixed clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.main import MainScreen

from ..helpers.waits import wait_until as wait_until  # the UI tests import it from here

SIM_USER, SIM_PASSWORD = "admin", "secret"


@pytest.fixture(autouse=True)
def utc_local_time(utc_tz: None) -> None:
    """Times are shown in local time: pin it (UTC), so text and snapshots are the same everywhere."""


def new_client(sim: Simulator) -> VboClient:
    return VboClient("http://sim.test", "v8", transport=httpx.ASGITransport(app=sim.app))


AppFactory = Callable[..., Awaitable[VboApp]]


@pytest.fixture
async def make_app(sim: Simulator, sim_clock: ManualClock) -> AsyncIterator[AppFactory]:
    clients: list[VboClient] = []

    async def factory(**options: Any) -> VboApp:
        client = new_client(sim)
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        clients.append(client)
        options.setdefault("refresh_s", 3600.0)  # tests refresh with ctrl+r, not by waiting
        # No re-reads seconds after an action (on real timers): tests count requests; the
        # schedule has tests of its own (tests/operations/test_reread_schedule.py).
        options.setdefault("reread_later", False)
        return VboApp(client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, **options)

    yield factory
    for client in clients:
        await client.aclose()


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    screen = pilot.app.screen_stack[1] if len(pilot.app.screen_stack) > 1 else pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def loaded(pilot: Pilot[Any]) -> MainScreen:
    await wait_until(pilot, lambda: len(pilot.app.screen_stack) > 1 and main_screen(pilot).loaded, "jobs")
    screen = main_screen(pilot)
    await wait_until(pilot, lambda: screen._detail_sessions is not None, "detail sessions")
    await pilot.pause()
    return screen


def panel_text(pilot: Pilot[Any]) -> str:
    return "\n".join(entry.render().plain for entry in pilot.app.activity.entries)  # type: ignore[attr-defined]


def sign_in_sync(client: VboClient) -> None:
    asyncio.run(client.sign_in(SIM_USER, SIM_PASSWORD))
