"""Snapshots of the main screen and its dialogs: fixed seed, fixed clock, fixed durations.

Approve changes with `pytest tests/ui/test_snapshots.py --snapshot-update` after looking at them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from textual.pilot import Pilot

from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp

from .conftest import loaded, new_client, sign_in_sync


def fixed_app(**options: Any) -> VboApp:
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    sim = Simulator(SimConfig(jobs=60, seed=3, clock=clock))
    client = new_client(sim)
    sign_in_sync(client)  # ASGI transport: no socket outlives this loop
    label = "vbo.example.com:4443"
    return VboApp(client, label, clock=clock, monotonic=lambda: 0.0, refresh_s=3600, **options)


async def after_load(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.press("j", "j")
    await loaded(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(fixed_app(), terminal_size=size, run_before=after_load)


def test_main_screen_read_only(snap_compare: Any) -> None:
    assert snap_compare(fixed_app(read_only=True), terminal_size=(120, 40), run_before=after_load)


def test_bulk_confirmation(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await after_load(pilot)
        await pilot.press("slash", *"org:adatum", "enter", "asterisk", "x")
        await pilot.pause()

    assert snap_compare(fixed_app(), terminal_size=(120, 40), run_before=run_before)


def test_help_screen(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await after_load(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(fixed_app(), terminal_size=(120, 40), run_before=run_before)


def test_main_screen_16_colours_80x24(snap_compare: Any) -> None:
    """TERM=xterm: the theme of the terminal's own 16 colours (a failure red, a warning yellow)."""
    assert snap_compare(fixed_app(ansi=True), terminal_size=(80, 24), run_before=after_load)
