"""The explore flow inside the real VboApp: `o` on a job, the status panel, `R`, and the quit offer."""

from __future__ import annotations

from typing import Any

import httpx
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.explore import ExploreDialog
from vbotui.ui.screens.quit_sessions import StopSessionsOnQuit, request_quit
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen


async def until(pilot: Pilot[Any], predicate: Any) -> None:
    """Let the app run until `predicate()` holds (bounded by a count of pauses, not by time)."""
    for _ in range(500):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


async def test_o_explores_r_lists_and_quit_offers_to_stop(sim: Simulator, sim_clock: ManualClock) -> None:
    client = VboClient("http://sim.test", "v8", transport=httpx.ASGITransport(app=sim.app))
    await client.sign_in("admin", "secret")
    app = VboApp(client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, refresh_s=3600.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: getattr(app.screen, "loaded", False))
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, ExploreDialog))
            dialog = app.screen
            assert isinstance(dialog, ExploreDialog)
            await until(pilot, lambda: dialog.organization is not None or dialog.organization_error)
            await pilot.press("enter")
            await until(pilot, lambda: bool(sim.restore_sessions))
            await app.workers.wait_for_complete()
            [session_id] = list(sim.restore_sessions)
            assert app.ops is not None
            assert list(app.ops.started_restore_sessions) == [session_id]
            lines = [entry.render().plain for entry in app.activity.entries]
            assert any("explore" in line and session_id in line for line in lines)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, ExploreDialog))

            await pilot.press("R")
            await until(pilot, lambda: isinstance(app.screen, RestoreSessionsScreen) and app.screen.loaded)
            assert isinstance(app.screen, RestoreSessionsScreen) and session_id in app.screen.sessions
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, RestoreSessionsScreen))

            request_quit(app, app.ops)
            await until(pilot, lambda: isinstance(app.screen, StopSessionsOnQuit))
            await pilot.press("y")
            await until(pilot, lambda: app.return_code is not None)
        assert sim.restore_sessions[session_id].state == "Stopped"
        assert app.return_code == 0
    finally:
        await client.aclose()
