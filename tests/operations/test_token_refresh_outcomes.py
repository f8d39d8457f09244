"""A token refresh that fails (timed out, dropped, unreadable, a gateway's page) says what became of
the action it was for: "not sent" when the refresh came first (the action never left), "refused"
401 when the server had refused the token (it did nothing). Never "outcome unknown": that is for an
action that may have reached the server. The simulator over real HTTP on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vbotui.api.client import VboClient
from vbotui.operations import ActivityLog, AuditLog, ServerOperations
from vbotui.operations.outcome import NOT_SENT, REFUSED
from vbotui.sim import ManualClock, SimConfig, Simulator

from ..conftest import SIM_PASSWORD, SIM_USER
from ..helpers.wire import serve_http

# Each leaves the refresh's own fate open (it may have reached the server) or unreadable.
REFRESH_FAULTS = [
    "drop@POST:/v8/token",
    "timeout@POST:/v8/token",
    "malformed@POST:/v8/token",
    "503@POST:/v8/token",
]


@dataclass
class Loopback:
    sim: Simulator
    url: str
    audit_path: Path

    def audit(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.audit_path.read_text().splitlines()]

    def starts(self) -> list[str]:
        return [r.path for r in self.sim.requests if r.method == "POST" and r.path.endswith("/start")]


@pytest.fixture
def loopback(sim_clock: ManualClock, tmp_path: Path) -> Iterator[Loopback]:
    sim = Simulator(SimConfig(jobs=3, seed=7, user=SIM_USER, password=SIM_PASSWORD, clock=sim_clock))
    with serve_http(sim.app) as url:
        yield Loopback(sim, url, tmp_path / "state" / "audit.jsonl")


async def _start_first_job(loopback: Loopback, *, due_for_refresh: bool, fault: str) -> tuple[Any, list[str]]:
    now = [0.0]
    # A short deadline: the timeout fault never answers.
    client = VboClient(loopback.url, "v8", timeout=0.5, clock=lambda: now[0], read_retry_delays=())
    try:
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        job = (await client.list_jobs())[0]
        audit = AuditLog(loopback.url, SIM_USER, path=loopback.audit_path, profile="sim")
        ops = ServerOperations(client, ActivityLog(monotonic=lambda: 0.0), label="sim", audit=audit)
        if due_for_refresh:
            now[0] += 3600.0  # past the token's refresh point: the next request refreshes first
        else:
            loopback.sim.add_fault("expire-tokenx1@POST:/v8/Jobs/*/start")  # the server refuses the token
        loopback.sim.add_fault(fault)
        (outcome,) = await ops.jobs.run("start", [job])
        return outcome, [entry.render().plain for entry in ops.activity.entries]
    finally:
        await client.aclose()


@pytest.mark.parametrize("fault", REFRESH_FAULTS)
async def test_a_refresh_that_fails_before_the_action_leaves_says_not_sent(
    loopback: Loopback, fault: str
) -> None:
    outcome, lines = await _start_first_job(loopback, due_for_refresh=True, fault=fault)
    assert outcome.kind == NOT_SENT, outcome
    assert "the token refresh failed" in outcome.message and outcome.status is None
    assert loopback.starts() == []  # the start never left
    assert [(r["action"], r["outcome"]) for r in loopback.audit()] == [("start", "not_sent")]
    start_line = next(line for line in lines if " start " in line)
    assert "not sent: the token refresh failed" in start_line and "unknown" not in start_line


@pytest.mark.parametrize("fault", REFRESH_FAULTS)
async def test_a_refresh_that_fails_after_a_refused_token_says_refused_401(
    loopback: Loopback, fault: str
) -> None:
    outcome, lines = await _start_first_job(loopback, due_for_refresh=False, fault=fault)
    assert (outcome.kind, outcome.status) == (REFUSED, 401), outcome
    assert "the token refresh after it failed" in outcome.message
    assert len(loopback.starts()) == 1  # sent once, refused, never sent again
    assert [(r["action"], r["outcome"], r["status"]) for r in loopback.audit()] == [("start", "refused", 401)]
    start_line = next(line for line in lines if " start " in line)
    assert "REFUSED 401" in start_line and "unknown" not in start_line
