"""Fixtures: a `ServerOperations` on a real VboClient and the in-process simulator, with an audit log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.operations import ActivityLog, AuditLog, ServerOperations
from vbotui.sim import ManualClock, Simulator

from ..conftest import SIM_PASSWORD, SIM_USER


class Line(httpx.AsyncBaseTransport):
    """The simulator behind a line that can be cut, that can slow answers to POSTs, and that counts
    the POSTs in flight at once."""

    def __init__(self, sim: Simulator, hold_s: float = 0.0) -> None:
        self.inner = httpx.ASGITransport(app=sim.app)
        self.gone = False
        self.hold_s = hold_s
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.gone:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        is_action = request.method == "POST" and not request.url.path.lower().endswith("/token")
        if is_action:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            response = await self.inner.handle_async_request(request)
            if is_action and self.hold_s:
                await asyncio.sleep(self.hold_s)  # handled by the server; the answer is on its way
            return response
        finally:
            if is_action:
                self.in_flight -= 1


class World:
    def __init__(self, sim: Simulator, line: Line, ops: ServerOperations, audit_path: Path) -> None:
        self.sim, self.line, self.ops, self.audit_path = sim, line, ops, audit_path
        self.events: list[Any] = []
        ops.subscribe(self.events.append)

    def audit(self) -> list[dict[str, Any]]:
        if not self.audit_path.exists():
            return []
        return [json.loads(line) for line in self.audit_path.read_text().splitlines()]

    def lines(self) -> list[str]:
        return [entry.render().plain for entry in self.ops.activity.entries]


MakeWorld = Callable[..., Awaitable[World]]


@pytest.fixture
async def make_world(sim: Simulator, sim_clock: ManualClock, tmp_path: Path) -> AsyncIterator[MakeWorld]:
    clients: list[VboClient] = []

    async def make(version: str = "v8", hold_s: float = 0.0, timeout: float = 30.0) -> World:
        line = Line(sim, hold_s)
        client = VboClient("http://sim.test", version, transport=line, timeout=timeout)
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        clients.append(client)
        path = tmp_path / "state" / "audit.jsonl"
        audit = AuditLog("http://sim.test", SIM_USER, path=path, clock=sim_clock, profile="sim")
        activity = ActivityLog(clock=sim_clock, monotonic=lambda: 0.0)
        return World(sim, line, ServerOperations(client, activity, label="sim", audit=audit), path)

    yield make
    for client in clients:
        await client.aclose()
