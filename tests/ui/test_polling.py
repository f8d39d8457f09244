"""`--refresh off`: no poll is ever armed, the header says so, and ctrl+r still reads the jobs."""

from __future__ import annotations

import math

from vbotui.sim import Simulator

from .conftest import AppFactory, loaded


async def test_refresh_off_arms_no_poll_and_says_so(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app(refresh_s=math.inf)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen._refresh_timer is None
        assert "polling off" in str(screen.query_one("#header").render())
        reads = len([r for r in sim.requests if r.method == "GET" and r.path == "/v8/Jobs"])
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        assert len([r for r in sim.requests if r.method == "GET" and r.path == "/v8/Jobs"]) == reads + 1
        assert screen._refresh_timer is None
