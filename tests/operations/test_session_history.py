"""A job's newest sessions are read without its whole history, on every version and whatever order
or filters the server honours; the rows are those that reading everything gives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.api.models import Job
from vbotui.operations import ActivityLog, ServerOperations
from vbotui.sim import ManualClock, SimConfig, Simulator

from ..conftest import SIM_PASSWORD, SIM_USER
from ..helpers.wire import WireBytes

HISTORY = 3000


def make(sim_clock: ManualClock, data: Sequence[str] = (), history: int = HISTORY) -> Simulator:
    return Simulator(SimConfig(jobs=4, seed=3, history=history, clock=sim_clock, data=tuple(data)))


@pytest.fixture
async def opened() -> AsyncIterator[list[VboClient]]:
    clients: list[VboClient] = []
    yield clients
    for client in clients:
        await client.aclose()


async def ops_on(app: object, version: str, clients: list[VboClient]) -> ServerOperations:
    client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=app))  # type: ignore[arg-type]
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    clients.append(client)
    return ServerOperations(client, ActivityLog())


def ran(sim: Simulator) -> Job:
    job = next(job for job in sim.jobs.values() if job.last_run is not None)
    return Job(id=job.id, name=job.name, last_run=job.last_run, last_status=job.last_status)


@pytest.mark.parametrize("version", ["v3", "v5", "v6", "v7", "v8"])
@pytest.mark.parametrize(
    "data",
    [
        (),
        ("ignores-time-bounds",),
        ("sessions-oldest-first",),
        ("ignores-time-bounds", "sessions-oldest-first"),
    ],
)
async def test_the_newest_sessions_are_those_of_the_whole_history(
    sim_clock: ManualClock, opened: list[VboClient], version: str, data: tuple[str, ...]
) -> None:
    sim = make(sim_clock, data)
    wire = WireBytes(sim.app)
    ops = await ops_on(wire, version, opened)
    job = ran(sim)
    everything = await ops.client.job_sessions(job.id, limit=10**6)
    assert len(everything) == HISTORY
    wire.reset()
    history = ops.history(job)
    newest = await history.newest(5)
    assert [s.id for s in newest] == [s.id for s in everything[:5]]
    older = await history.older(40)
    assert [s.id for s in older] == [s.id for s in everything[5:45]]
    whole_array = version in ("v3", "v4", "v5")
    ignored = "ignores-time-bounds" in data and version in ("v7", "v8")
    unordered = "sessions-oldest-first" in data and version == "v8" and ignored
    if not (whole_array or unordered):
        assert wire.matching("JobSessions") < 100_000, "the newest pages only"


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
async def test_paging_back_reaches_the_oldest_session(
    sim_clock: ManualClock, opened: list[VboClient], version: str
) -> None:
    sim = make(sim_clock, history=700)
    ops = await ops_on(sim.app, version, opened)
    job = ran(sim)
    everything = await ops.client.job_sessions(job.id, limit=10**6)
    history = ops.history(job)
    await history.newest(20)
    while not history.at_oldest:
        assert await history.older(150) or history.at_oldest
    assert [s.id for s in history.sessions] == [s.id for s in everything]


async def test_a_v3_array_is_read_once_while_the_job_is_unchanged(
    sim_clock: ManualClock, opened: list[VboClient]
) -> None:
    sim = make(sim_clock, history=50)
    wire = WireBytes(sim.app)
    ops = await ops_on(wire, "v3", opened)
    job = ran(sim)
    await ops.job_sessions(job, limit=5)
    await ops.job_sessions(job, limit=5)
    reads = sum(n for path, n in wire.requests.items() if path.lower().endswith("/jobsessions"))
    assert reads == 1
    moved = Job(id=job.id, name=job.name, last_run=sim_clock.advance(60), last_status=job.last_status)
    await ops.job_sessions(moved, limit=5)
    reads = sum(n for path, n in wire.requests.items() if path.lower().endswith("/jobsessions"))
    assert reads == 2, "a new lastRun: read again"


@pytest.mark.parametrize("version", ["v7", "v8"])
@pytest.mark.parametrize(
    "data", [(), ("running-outside-bounds",), ("running-outside-bounds", "sessions-oldest-first")]
)
async def test_the_running_session_is_found_apart(
    sim_clock: ManualClock, opened: list[VboClient], version: str, data: tuple[str, ...]
) -> None:
    sim = make(sim_clock, data, history=300)
    ops = await ops_on(sim.app, version, opened)
    first = ran(sim)
    await ops.jobs.run("start", [first])
    sim_clock.advance(0.5)
    first = Job(
        id=first.id, name=first.name, last_run=sim_clock(), last_status="Running"
    )  # the row, read again
    newest = await ops.job_sessions(first, limit=3)
    assert newest[0].is_running
    everything = await ops.client.job_sessions(first.id, limit=3)
    assert [s.id for s in newest] == [s.id for s in everything]
