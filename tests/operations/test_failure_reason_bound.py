"""The detail pane's failure reason reads the two ends of a failed session's log, never the whole of
a long one: v8 the end first (`orderAsc=false`), v5-v7 from `totalCount`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.operations import ActivityLog, ServerOperations
from vbotui.operations.sessions import failure_reason
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.sim.sessions import SimLogItem

from ..conftest import SIM_PASSWORD, SIM_USER
from ..helpers.wire import WireBytes

LINES = 20_000


def long_log(sim: Simulator, error_at: int) -> str:
    """Give the first job's newest session a LINES-line log with one [Error] line at `error_at`;
    return the session's id."""
    job = next(job for job in sim.jobs.values() if job.last_run is not None)
    session = sim.state.sessions_of(job)[0]
    start = session.creation_time
    items = [
        SimLogItem(
            f"item-{n}",
            n + 1,
            "Error" if n == error_at else "Success",
            f"Mailbox {n} could not be read: access denied" if n == error_at else f"Processing mailbox {n}",
            start + timedelta(seconds=n),
            start + timedelta(seconds=n),
        )
        for n in range(LINES)
    ]
    sim.state.log_of = lambda session, now: items  # type: ignore[assignment,method-assign]
    return session.id


@pytest.fixture
async def opened() -> AsyncIterator[list[VboClient]]:
    clients: list[VboClient] = []
    yield clients
    for client in clients:
        await client.aclose()


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
@pytest.mark.parametrize("error_at", [3, LINES - 2])
async def test_a_long_failed_log_is_read_at_its_two_ends_only(
    sim_clock: ManualClock, opened: list[VboClient], version: str, error_at: int
) -> None:
    sim = Simulator(SimConfig(jobs=3, seed=5, clock=sim_clock))
    session_id = long_log(sim, error_at)
    wire = WireBytes(sim.app)
    client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=wire))
    opened.append(client)
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    reason = await failure_reason(ServerOperations(client, ActivityLog()), session_id)
    assert f"Mailbox {error_at} could not be read" in reason
    read = wire.matching("/LogItems")
    assert read < 100_000, f"{read:,} bytes of a {LINES:,}-line log"
