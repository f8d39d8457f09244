"""Snapshots of the job sessions, session log and pulse screens at 80x24 and 120x40: fixed seed,
fixed clock. Approve changes with `pytest tests/sessions/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import FIRST_JOB_ID, ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.pulse import PulseScreen
from vbotui.ui.screens.session_log import SessionLogScreen

from .conftest import main_loaded, wait_until

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def utc(utc_tz: None) -> None:
    """Local time is UTC in the snapshots."""


def fixed_app(version: str = "v8") -> VboApp:
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    sim = Simulator(SimConfig(jobs=60, seed=3, clock=clock))
    client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=sim.app))
    asyncio.run(client.sign_in("admin", "secret"))
    return VboApp(client, "vbo.example.com:4443", clock=clock, monotonic=lambda: 0.0, refresh_s=3600)


def loaded_screen(pilot: Pilot[Any], kind: type) -> bool:
    return isinstance(pilot.app.screen, kind) and bool(getattr(pilot.app.screen, "loaded", False))


async def to_sessions(pilot: Pilot[Any]) -> None:
    main = await main_loaded(pilot)
    main.jobs.move_to(FIRST_JOB_ID)
    await pilot.press("enter")
    await wait_until(pilot, lambda: loaded_screen(pilot, JobSessionsScreen), "sessions")
    await pilot.pause()


async def to_log(pilot: Pilot[Any]) -> None:
    await to_sessions(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: loaded_screen(pilot, SessionLogScreen), "log")
    await pilot.press("slash", *"processing", "enter")
    await pilot.pause()


async def to_pulse(pilot: Pilot[Any]) -> None:
    await main_loaded(pilot)
    await pilot.press("p")
    await wait_until(pilot, lambda: loaded_screen(pilot, PulseScreen), "pulse")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_job_sessions(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(fixed_app(), terminal_size=size, run_before=to_sessions)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_log(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(fixed_app(), terminal_size=size, run_before=to_log)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pulse(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(fixed_app(), terminal_size=size, run_before=to_pulse)
