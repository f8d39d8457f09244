"""Shared fixtures: an in-process VB365 simulator and an httpx client talking to it; the Hypothesis
profiles; the cursor blink off in snapshot tests."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone

import httpx
import pytest
from hypothesis import HealthCheck, settings

from vbotui.sim import ManualClock, SimConfig, Simulator

# Hypothesis: no per-example deadline anywhere (a loaded machine or a parallel run is not a failure).
# "ci" is bounded so that the suite's time is predictable on CI's 2 cores; "thorough" digs deeper
# (HYPOTHESIS_PROFILE=thorough). CI sets CI=true; HYPOTHESIS_PROFILE overrides the choice.
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci", deadline=None, max_examples=60, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)

SIM_USER = "admin"
SIM_PASSWORD = "secret"


@pytest.fixture
def sim_clock() -> ManualClock:
    """The simulator's clock: it stands still until a test calls `sim_clock.advance(seconds)`."""
    return ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))


@pytest.fixture
def sim(sim_clock: ManualClock) -> Simulator:
    """A simulator with 40 jobs, seed 7, runs that last 2 simulated seconds."""
    return Simulator(
        SimConfig(jobs=40, seed=7, user=SIM_USER, password=SIM_PASSWORD, run_seconds=2.0, clock=sim_clock)
    )


@pytest.fixture
async def sim_client(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
        yield client


@pytest.fixture
def utc_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local time zone is UTC for the test: times shown in local time read the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def no_cursor_blink(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In snapshot tests the text cursor never blinks: a focused field always shows it.

    Input toggles its cursor every 0.5 s; a snapshot taken in the other half-second (a slow or a
    parallel run) differed from the baseline. Only tests that take snapshots are touched."""
    if "snap_compare" in request.fixturenames:
        from textual.widgets import Input

        monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield
