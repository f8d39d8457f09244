"""Regenerate screenshots/ from the real app against the simulator, with fixed data and clock.

    python scripts/screenshots.py            # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.main import MainScreen

OUT = Path(__file__).resolve().parent.parent / "screenshots"
START = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)


async def until_loaded(pilot: Pilot[Any]) -> None:
    for _ in range(500):
        screens = pilot.app.screen_stack
        if len(screens) > 1 and isinstance(screens[1], MainScreen) and screens[1].loaded:
            if screens[1]._detail_sessions is not None:
                return
        await pilot.pause(0.02)
    raise RuntimeError("the job list did not load")


async def shot(name: str, size: tuple[int, int], keys: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    clock = ManualClock(START)
    sim = Simulator(SimConfig(jobs=300, seed=3, clock=clock))
    client = VboClient("http://demo.vbotui.invalid", "v8", transport=httpx.ASGITransport(app=sim.app))
    await client.sign_in("admin", "secret")
    app = VboApp(client, "vbo.example.com:4443", clock=clock, monotonic=lambda: 0.0, refresh_s=3600)
    async with app.run_test(size=size) as pilot:
        await until_loaded(pilot)
        await keys(pilot)
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    await client.aclose()
    print(f"screenshots/{name}.svg")


async def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    OUT.mkdir(exist_ok=True)

    async def browse(pilot: Pilot[Any]) -> None:
        await pilot.press("j", "j", "j")
        await until_loaded(pilot)

    async def bulk(pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        await pilot.press(*"status:failed")
        await pilot.press("enter", "asterisk", "s")

    async def help_screen(pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark")

    await shot("main-120x40", (120, 40), browse)
    await shot("main-80x24", (80, 24), browse)
    await shot("bulk-confirm-120x40", (120, 40), bulk)
    await shot("help-120x40", (120, 40), help_screen)


if __name__ == "__main__":
    asyncio.run(main())
