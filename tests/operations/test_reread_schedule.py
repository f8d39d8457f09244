"""After an action's answer the acted jobs are read again about 2, 5 and 10 s later, each until its
lastStatus changes (the row then shows what the detail pane's newest session says). The schedule is
the caller's: here a list the test runs by hand, so nothing sleeps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from vbotui.api.models import Job
from vbotui.operations import JobsChanged
from vbotui.sim import ManualClock, Simulator

from ..helpers.requests import count
from .conftest import MakeWorld, World

Pending = list[tuple[float, Callable[[], Awaitable[None]]]]


async def idle_jobs(world: World, n: int) -> list[Job]:
    jobs = sorted(await world.ops.client.list_jobs(), key=lambda j: j.name)
    found = [
        j for j in jobs if world.sim.jobs[j.id].is_enabled and world.sim.jobs[j.id].running_session_id is None
    ]
    return found[:n]


def scheduled(world: World) -> Pending:
    pending: Pending = []
    world.ops.jobs.scheduler = lambda delay, read: pending.append((delay, read))
    return pending


def statuses(world: World, job_id: str) -> list[str | None]:
    return [
        j.last_status for e in world.events if isinstance(e, JobsChanged) for j in e.jobs if j.id == job_id
    ]


async def test_a_started_job_is_read_again_until_its_status_changes(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    [job] = await idle_jobs(world, 1)
    pending = scheduled(world)
    await world.ops.jobs.run("start", [job])
    assert statuses(world, job.id) == ["Running"]  # the read right after the answer
    assert [delay for delay, _ in pending] == [2.0]
    _, read = pending.pop()
    await read()  # 2 s: still running
    assert statuses(world, job.id) == ["Running", "Running"]
    assert [delay for delay, _ in pending] == [3.0]  # 5 s after the answer
    sim_clock.advance(6 * 3600)  # the job ends on the server
    _, read = pending.pop()
    await read()
    assert statuses(world, job.id)[-1] not in ("Running", None)
    assert pending == []  # its status changed: no more reads


async def test_no_more_than_three_later_reads(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await idle_jobs(world, 1)
    pending = scheduled(world)
    await world.ops.jobs.run("start", [job])
    mark = len(sim.requests)
    delays = []
    while pending:
        delay, read = pending.pop()
        delays.append(delay)
        await read()
    assert delays == [2.0, 3.0, 5.0]  # 2, 5 and 10 s after the answer
    assert count(sim, "GET", f"/Jobs/{job.id}", mark) == 3


async def test_a_large_bulk_is_read_again_with_one_list(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    jobs = await idle_jobs(world, 21)
    pending = scheduled(world)
    await world.ops.jobs.run("start", jobs)
    assert [delay for delay, _ in pending] == [2.0]  # one schedule for the bulk, not 21
    mark = len(sim.requests)
    _, read = pending.pop()
    await read()
    assert count(sim, "GET", "/v8/Jobs", mark) == 1 and count(sim, "GET", f"/Jobs/{jobs[0].id}", mark) == 0


async def test_without_a_scheduler_nothing_is_read_later(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await idle_jobs(world, 1)
    assert world.ops.jobs.scheduler is None  # a one-shot command ends at the answer
    await world.ops.jobs.run("start", [job])
    assert statuses(world, job.id) == ["Running"]
