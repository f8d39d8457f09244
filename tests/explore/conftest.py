"""Fixtures for the explore tests: a simulator, a real VboClient on it, and a harness app.

The harness stands in for VboApp where only `activity` (the status panel's log) and
`started_restore_sessions` matter; it pushes the screen under test and records what it returns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.app import App
from textual.screen import Screen

from vbotui.api.client import VboClient
from vbotui.api.models import Job
from vbotui.operations import ActivityLog, ServerOperations
from vbotui.sim import ManualClock, SimConfig, Simulator

STYLESHEET = Path(__file__).parents[2] / "vbotui" / "ui" / "app.tcss"
SIM_NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
ScreenFactory = Callable[[], Screen[Any]]


class Harness(App[None]):
    """A minimal app: the operations' activity log, and the screen under test pushed on mount."""

    CSS_PATH = STYLESHEET  # the app's one stylesheet: the screens' look is in it

    def __init__(
        self, make_screen: ScreenFactory | None = None, *, ops: ServerOperations | None = None
    ) -> None:
        super().__init__()
        self.ops = ops
        self.activity = ops.activity if ops is not None else ActivityLog(clock=lambda: SIM_NOW)
        self.make_screen = make_screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        if self.make_screen is not None:
            self.push_screen(self.make_screen(), callback=self.results.append)

    @property
    def started_restore_sessions(self) -> dict[str, Any]:
        assert self.ops is not None
        return self.ops.started_restore_sessions

    def lines(self) -> list[str]:
        return [entry.render().plain for entry in self.activity.entries]


class SimWorld:
    """A simulator, its clock and a signed-in client of one API version."""

    def __init__(self, sim: Simulator, clock: ManualClock, client: VboClient) -> None:
        self.sim = sim
        self.clock = clock
        self.client = client
        self.ops = ServerOperations(client, ActivityLog(clock=lambda: SIM_NOW))

    def posts(self) -> list[Any]:
        return [r for r in self.sim.requests if r.method == "POST" and not r.path.lower().endswith("/token")]

    async def job_of(self, *, backed_up: bool = True) -> Job:
        """A job whose organization has (or has not) been backed up."""
        for job in await self.client.list_jobs():
            org = self.sim.organizations[job.organization_id] if job.organization_id else None
            if org is not None and (org.first_backup is not None) == backed_up:
                return job
        raise AssertionError(f"the simulator has no job with backed_up={backed_up}")


@pytest.fixture
async def make_world() -> AsyncIterator[Callable[..., Any]]:
    clients: list[VboClient] = []

    async def make(version: str = "v8", **config: Any) -> SimWorld:
        clock = ManualClock(SIM_NOW)
        settings: dict[str, Any] = {"jobs": 12, "seed": 3, "clock": clock}
        settings.update(config)
        sim = Simulator(SimConfig(**settings))
        client = VboClient("https://vbo.sim:4443", version, transport=httpx.ASGITransport(app=sim.app))
        clients.append(client)
        await client.sign_in("admin", "secret")
        return SimWorld(sim, clock, client)

    yield make
    for client in clients:
        await client.aclose()
