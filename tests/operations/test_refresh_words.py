"""The job list's reads as the status panel shows them: the first load's two lines, a poll that
writes nothing unless it fails (and then keeps why), and jobs the server lists twice."""

from __future__ import annotations

from vbotui.sim import Simulator

from .conftest import MakeWorld, World


def _lines(world: World) -> list[tuple[str, str, str]]:
    return [(entry.action, entry.target, entry.note) for entry in world.ops.activity.entries]


async def test_the_first_load_lines_the_organizations_and_the_jobs_it_read(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await world.ops.refresh(first=True)
    assert jobs is not None and len(jobs) == len(sim.jobs)
    assert _lines(world) == [
        ("list orgs", "organizations", f"{len(sim.organizations)} organizations"),
        ("list jobs", "jobs", f"{len(sim.jobs)} jobs"),
    ]
    assert world.ops.org_names == {org.id: org.name for org in sim.organizations.values()}
    assert world.ops.refresh_error is None and world.ops.last_update is not None
    assert [entry.elapsed_s for entry in world.ops.activity.entries] == [0.0, 0.0]  # "0.00s" on each line


async def test_a_poll_reads_the_jobs_alone_and_writes_no_line_when_it_works(make_world: MakeWorld) -> None:
    world = await make_world()
    await world.ops.refresh(first=True)
    before = _lines(world)
    assert await world.ops.refresh() is not None
    assert _lines(world) == before
    assert await world.ops.refresh(with_orgs=True) is not None  # asked: the organizations again
    assert [action for action, _, _ in _lines(world)[len(before) :]] == ["list orgs", "refresh"]


async def test_one_job_is_counted_as_one_job(make_world: MakeWorld, sim: Simulator) -> None:
    for job_id in list(sim.jobs)[1:]:
        del sim.jobs[job_id]
    world = await make_world()
    await world.ops.refresh(first=True)
    assert _lines(world)[-1] == ("list jobs", "jobs", "1 job")


async def test_a_failed_poll_is_lined_and_keeps_why_until_one_works(make_world: MakeWorld) -> None:
    world = await make_world()
    await world.ops.refresh(first=True)
    world.line.gone = True
    assert await world.ops.refresh() is None
    assert _lines(world)[-1][:2] == ("refresh", "jobs")
    assert world.ops.refresh_error == "could not connect: [Errno 111] Connection refused"
    world.line.gone = False
    assert await world.ops.refresh() is not None
    assert world.ops.refresh_error is None


async def test_jobs_listed_twice_are_kept_once_and_said_once(make_world: MakeWorld) -> None:
    world = await make_world()
    jobs = await world.ops.refresh(first=True)
    assert jobs is not None and len(jobs) > 2
    a, b, c = jobs[:3]
    before = len(world.ops.activity.entries)
    assert world.ops.unique_jobs([a, b, c]) == [a, b, c]
    assert world.ops.unique_jobs([a, b, a, b, b], say=False) == [a, b]  # a part of the list: not said
    assert len(world.ops.activity.entries) == before
    assert world.ops.unique_jobs([a, a, b]) == [a, b]
    assert world.ops.unique_jobs([a, b, a, b, b, c]) == [a, b, c]
    assert world.ops.unique_jobs([a, a, b]) == [a, b]  # said once only
    assert _lines(world)[before:] == [
        ("server", "", "the server listed 1 job again under an id already listed: kept the first of each"),
        ("server", "", "the server listed 3 jobs again under an id already listed: kept the first of each"),
    ]


async def test_a_lost_answer_to_the_organizations_is_a_failed_read(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    sim.add_fault("drop-after@GET:/v8/Organizations")
    assert await world.ops.refresh(first=True) is not None  # the jobs still come
    [orgs] = [entry for entry in world.ops.activity.entries if entry.action == "list orgs"]
    assert orgs.state == "failed"  # a read: failed, not "outcome unknown"
