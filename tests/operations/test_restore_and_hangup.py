"""Restore sessions whose answer was lost are found and offered on quit; a hang-up mid-bulk sends
nothing new and writes each action already sent as "outcome unknown"."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from vbotui.api.models import ExploreOptions
from vbotui.operations import DONE, UNKNOWN, SessionExpired
from vbotui.sim import ManualClock, Simulator

from ..helpers.requests import posts
from .conftest import MakeWorld


async def test_an_explore_whose_answer_was_lost_is_found_and_offered_on_quit(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    jobs = await world.ops.refresh(with_orgs=True, first=True)
    assert jobs is not None
    job = next(j for j in jobs if j.organization_id and sim.organizations[j.organization_id].first_backup)
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/explore")
    result = await world.ops.explore(job, ExploreOptions(point_in_time=sim_clock() - timedelta(hours=1)))
    assert result.outcome.kind == UNKNOWN
    assert len(posts(sim, "explore")) == 1
    [created] = list(sim.restore_sessions)
    assert list(world.ops.started_restore_sessions) == [created]
    assert f"the server now shows: {created}" in "\n".join(world.lines())
    working = await world.ops.working_started_sessions()
    assert [s.id for s in working] == [created]
    assert [r["outcome"] for r in world.audit() if r["action"] == "explore"] == [UNKNOWN]


async def test_a_stopped_session_is_no_longer_offered(make_world: MakeWorld, sim_clock: ManualClock) -> None:
    world = await make_world()
    jobs = await world.ops.refresh(first=True)
    assert jobs
    result = await world.ops.explore(jobs[0], ExploreOptions(point_in_time=sim_clock()))
    assert result.done
    [session] = world.ops.started_restore_sessions.values()
    stopped = await world.ops.stop_restore_session(session)
    assert stopped.outcome.kind == DONE
    assert await world.ops.working_started_sessions() == []
    assert [r["action"] for r in world.audit()] == ["explore", "stop restore session"]


async def test_a_hang_up_mid_bulk_sends_nothing_new_and_audits_the_sent_as_unknown(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world(hold_s=0.5)
    jobs = [job for job in await world.ops.client.list_jobs() if sim.jobs[job.id].is_enabled][:20]
    task = asyncio.ensure_future(world.ops.jobs.run("start", jobs))
    while world.line.in_flight < 8:
        await asyncio.sleep(0.01)
    task.cancel()  # what the app does on SIGHUP or quit
    try:
        await task
    except asyncio.CancelledError:
        pass
    # Two later actions, each held as long as the cut ones and answered one after the other: a start
    # the bulk still had queued would have left when the first held answers came in, before these.
    for _ in range(2):
        await world.ops.jobs.run_one("disable", jobs[-1])
    assert len(posts(sim, "disable")) == 2
    assert len(posts(sim, "start")) == 8  # the bound's worth, nothing after the hang-up
    records = [r for r in world.audit() if r["action"] == "start"]
    assert len(records) == 8 and all(r["outcome"] == UNKNOWN for r in records)
    assert not world.ops.jobs.in_flight


async def test_a_dead_session_is_announced_once_and_nothing_more_is_sent(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    sim.expire_tokens()
    sim.add_fault("400@POST:/v8/token")  # the refresh is refused: the session is dead
    jobs = await world.ops.refresh(first=True)
    assert jobs is None
    assert [e for e in world.events if isinstance(e, SessionExpired)]
    before = len(sim.requests)
    assert (await world.ops.list_restore_sessions()).outcome.kind == "not_sent"
    assert len(sim.requests) == before
    assert len([e for e in world.events if isinstance(e, SessionExpired)]) == 1
