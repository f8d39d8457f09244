"""A job's newest sessions are read without its whole history, on every version and whatever order
or filters the server honours; the rows are those that reading everything gives."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Any

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.api.limits import Limits
from vbotui.api.models import Job
from vbotui.operations import ActivityLog, ServerOperations
from vbotui.operations.sessions import read_newest_sessions, read_older_sessions
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


async def ops_on(
    app: object, version: str, clients: list[VboClient], limits: Limits | None = None
) -> ServerOperations:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    client = VboClient("http://sim.test", version, transport=transport, limits=limits)
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


SESSION_READS_CAP = 300  # far more than a reading that stops needs; a reading that does not, fails


class Capped:
    """The simulator, failing the test (not hanging it) once it has been asked for job sessions
    more than `cap` times."""

    def __init__(self, app: Any, cap: int = SESSION_READS_CAP) -> None:
        self.app, self.cap, self.asked = app, cap, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and str(scope.get("path", "")).endswith("JobSessions"):
            self.asked += 1
            if self.asked > self.cap:
                raise AssertionError(f"job sessions asked for more than {self.cap} times")
        await self.app(scope, receive, send)


def said_again(ops: ServerOperations) -> list[str]:
    return [entry.note for entry in ops.activity.entries if "again" in entry.note]


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
async def test_the_detail_pane_stops_at_a_page_the_server_repeats(
    sim_clock: ManualClock, opened: list[VboClient], version: str
) -> None:
    sim = make(sim_clock)
    capped = Capped(sim.app)
    ops = await ops_on(capped, version, opened)
    job = ran(sim)
    assert job.last_run is not None
    everything = await ops.client.job_sessions(job.id, limit=10)
    sim.add_fault(f"repeat-pages@GET:/{version}/*JobSessions")
    # A row read days ago (or a job that runs every few minutes): the first window, open at its
    # newer end, holds more than a page, so its second page is asked for.
    days_ago = job.last_run - timedelta(days=3)
    row = Job(id=job.id, name=job.name, last_run=days_ago, last_status=job.last_status)
    capped.asked = 0
    for _ in range(3):  # the cursor rests on the job again and again: said once
        newest = await ops.job_sessions(row, limit=7)
        assert [s.id for s in newest] == [s.id for s in everything[:7]]
    said = said_again(ops)
    if version == "v6":  # the first page holds the seven (and one more): no second page
        assert capped.asked == 3 and said == []
        return
    assert len(said) == 1, said
    assert said[0].startswith(f"/{version}/JobSessions: the server sent the same page again (")
    assert said[0].endswith("items (the list may be incomplete)")


@pytest.mark.parametrize(
    ("version", "data"),
    [("v6", ()), ("v7", ()), ("v8", ()), ("v7", ("ignores-time-bounds",)), ("v8", ("ignores-time-bounds",))],
)
async def test_the_sessions_screen_reaches_an_end_when_the_server_repeats_its_pages(
    sim_clock: ManualClock, opened: list[VboClient], version: str, data: tuple[str, ...]
) -> None:
    sim = make(sim_clock, data)
    sim.add_fault(f"repeat-pages@GET:/{version}/*JobSessions")
    capped = Capped(sim.app)
    ops = await ops_on(capped, version, opened)
    history = ops.history(ran(sim))
    first = await read_newest_sessions(ops, history, 20)
    assert first.done and first.value
    pages_back = 0
    while not history.at_oldest and pages_back < 50:
        older = await read_older_sessions(ops, history, 40)
        assert older.done
        pages_back += 1
    assert history.at_oldest, "the screen says it is at the oldest session read"
    ids = [s.id for s in history.sessions]
    assert len(ids) == len(set(ids))
    said = said_again(ops)
    assert len(said) == 1 and "the server sent the same" in said[0], said


async def test_paging_back_stops_at_the_list_byte_ceiling(
    sim_clock: ManualClock, opened: list[VboClient]
) -> None:
    sim = make(sim_clock, history=700)
    ops = await ops_on(sim.app, "v6", opened, limits=Limits(max_list_bytes=20_000))
    history = ops.history(ran(sim))
    await history.newest(20)
    while not history.at_oldest:
        assert await history.older(150) or history.at_oldest
    assert 20 <= len(history.sessions) < 700
    said = [entry.note for entry in ops.activity.entries if "passed" in entry.note]
    assert said == [
        f"/v6/Jobs/{history.job.id}/JobSessions: the server sent pages that passed 20000 bytes together; "
        f"stopped reading after {len(history.sessions)} items (the list may be incomplete)"
    ]


class Undercounted:
    """The simulator, its pages of job sessions saying `totalCount` is `total` whatever they hold."""

    def __init__(self, app: Any, total: int) -> None:
        self.app, self.total = app, total

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).endswith("JobSessions"):
            await self.app(scope, receive, send)
            return
        held: list[Any] = []
        body = b""

        async def hold(message: Any) -> None:
            nonlocal body
            if message["type"] == "http.response.start":
                held.append(message)
            else:
                body += message.get("body", b"")

        await self.app(scope, receive, hold)
        page = json.loads(body)
        page["totalCount"] = self.total
        body = json.dumps(page).encode()
        start = held[0]
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.mark.parametrize(("total", "kept"), [(30, 60), (12, 21)])
async def test_the_history_ends_where_more_came_than_the_totalcount_says(
    sim_clock: ManualClock, opened: list[VboClient], total: int, kept: int
) -> None:
    sim = make(sim_clock, history=700)
    ops = await ops_on(Capped(Undercounted(sim.app, total)), "v6", opened)
    history = ops.history(ran(sim))
    assert len(await history.newest(20)) == 20  # a first page of 21
    while not history.at_oldest:
        assert await history.older(40) or history.at_oldest
    assert len(history.sessions) == kept
    said = [entry.note for entry in ops.activity.entries if "totalCount" in entry.note]
    assert said == [
        f"/v6/Jobs/{history.job.id}/JobSessions: the server sent more items than its totalCount of "
        f"{total}; stopped reading after {kept} items (the list may be incomplete)"
    ]
