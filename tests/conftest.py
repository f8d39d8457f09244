"""Shared fixtures: an in-process VB365 simulator and an httpx client talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import httpx
import pytest

from vbotui.sim import ManualClock, SimConfig, Simulator

SIM_USER = "admin"
SIM_PASSWORD = "secret"


@pytest.fixture
def sim_clock() -> ManualClock:
    """The simulator's clock: it stands still until a test calls `sim_clock.advance(seconds)`."""
    return ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))


@pytest.fixture
def sim(sim_clock: ManualClock) -> Simulator:
    """A simulator with 40 jobs, seed 7, runs that last 2 simulated seconds."""
    return Simulator(SimConfig(jobs=40, seed=7, user=SIM_USER, password=SIM_PASSWORD,
                               run_seconds=2.0, clock=sim_clock))


@pytest.fixture
async def sim_client(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
        yield client
