"""Restore sessions started from the app, and read-only mode, as the operator reads them: the status
line, the toast, the audit record and the list of sessions to offer on quit."""

from __future__ import annotations

from dataclasses import replace

from vbotui.api.client import VboClient
from vbotui.api.models import ExploreOptions, Job, RestoreSession
from vbotui.operations import DONE, FAILED, UNKNOWN, Notice, RestoreSessionsChanged, ServerOperations
from vbotui.sim import ManualClock, Simulator

from .conftest import MakeWorld, World


async def test_read_only_mode_refuses_an_action_with_a_line_and_a_warning(make_world: MakeWorld) -> None:
    world = await make_world()
    read_only = ServerOperations(world.ops.client, world.ops.activity, label="sim", read_only=True)
    events: list[object] = []
    read_only.subscribe(events.append)
    assert read_only.refuse_read_only("start", "Job A") is True
    entry = world.ops.activity.entries[-1]
    assert (entry.action, entry.target, entry.note) == (
        "start",
        "Job A",
        "not sent: read-only mode (--read-only)",
    )
    assert events == [Notice("Read-only mode (--read-only): start is not allowed.", "warning")]
    assert read_only.refuse_read_only("export") is True
    assert world.ops.activity.entries[-1].target == ""
    before = len(world.ops.activity.entries)
    assert world.ops.refuse_read_only("start", "Job A") is False  # writable by default
    assert len(world.ops.activity.entries) == before and world.events == []


async def _explored(world: World, clock: ManualClock) -> RestoreSession:
    jobs = await world.ops.refresh(first=True)
    assert jobs
    result = await world.ops.explore(jobs[0], ExploreOptions(point_in_time=clock()))
    assert result.outcome.kind == DONE
    [session] = world.ops.started_restore_sessions.values()
    return session


async def test_an_explore_is_lined_with_its_session_and_audited_with_its_job_and_point_in_time(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    session = await _explored(world, sim_clock)
    assert list(sim.restore_sessions) == [session.id] and session.state == "Working"
    entry = world.ops.activity.entries[-1]
    job = sim.jobs[next(iter(sim.jobs))]
    assert (entry.action, entry.target, entry.note) == ("explore", job.name, f"session {session.id}")
    [record] = world.audit()
    assert (record["action"], record["job_id"], record["job_name"], record["detail"]) == (
        "explore",
        job.id,
        job.name,
        f"vex at {sim_clock().isoformat()}",
    )
    assert world.events == [RestoreSessionsChanged((session,))]


async def test_a_stopped_session_shows_stopped_and_is_audited_by_its_id(
    make_world: MakeWorld, sim_clock: ManualClock
) -> None:
    world = await make_world()
    session = await _explored(world, sim_clock)
    result = await world.ops.stop_restore_session(session)
    assert result.outcome.kind == DONE
    stopped = replace(session, state="Stopped")
    assert world.ops.started_restore_sessions == {session.id: stopped}
    assert world.events[-1] == RestoreSessionsChanged((stopped,))
    entry = world.ops.activity.entries[-1]
    assert (entry.action, entry.target) == ("stop session", session.id)
    record = world.audit()[-1]
    assert (record["action"], record["detail"], record["outcome"]) == (
        "stop restore session",
        f"session {session.id}",
        DONE,
    )


async def test_stopping_a_session_another_app_started_offers_nothing_on_quit(
    make_world: MakeWorld, sim_clock: ManualClock
) -> None:
    opener = await make_world()
    session = await _explored(opener, sim_clock)
    world = await make_world()
    assert (await world.ops.stop_restore_session(session)).outcome.kind == DONE
    assert world.ops.started_restore_sessions == {} and world.events == []


async def test_a_stop_whose_answer_was_lost_reads_what_the_server_shows_now(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    session = await _explored(world, sim_clock)
    sim.add_fault("drop-afterx1@POST:/v8/RestoreSessions/*/stop")
    result = await world.ops.stop_restore_session(session)
    assert result.outcome.kind == UNKNOWN
    [now] = world.ops.started_restore_sessions.values()
    assert now.id == session.id and now.state != "Working"  # the server stopped it
    assert world.events[-1] == RestoreSessionsChanged((now,))
    # Read again with nothing changed: no new event.
    count = len(world.events)
    assert (await world.ops.list_restore_sessions()).done
    assert len(world.events) == count


async def test_a_list_of_restore_sessions_is_lined_only_when_it_fails(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    before = len(world.ops.activity.entries)
    assert (await world.ops.list_restore_sessions()).done
    assert len(world.ops.activity.entries) == before
    sim.add_fault("500@GET:/v8/RestoreSessions")  # every try
    assert not (await world.ops.list_restore_sessions()).done
    entry = world.ops.activity.entries[-1]
    assert (entry.action, entry.target) == ("list restores", "restore sessions")
    assert world.audit() == []  # a read is not audited


async def test_the_explore_types_offered_follow_the_servers_version(make_world: MakeWorld) -> None:
    assert (await make_world()).ops.explore_types() == ["vex", "veod", "vesp", "vet"]
    assert (await make_world(version="v4")).ops.explore_types() == ["vex", "veod", "vesp"]
    world = await make_world()
    unknown = VboClient("http://sim.test", "auto", transport=world.line)
    try:
        assert unknown.capabilities is None
        ops = ServerOperations(unknown, world.ops.activity)
        assert ops.explore_types() == ["vex", "veod", "vesp"]  # what every version takes
    finally:
        await unknown.aclose()


async def test_a_lost_answer_to_the_list_of_restore_sessions_is_a_failed_read(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    sim.add_fault("drop-after@GET:/v8/RestoreSessions")
    result = await world.ops.list_restore_sessions()
    assert result.outcome.kind == FAILED  # a read, not an action whose outcome is unknown


async def test_an_organization_is_read_by_its_id(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    org = next(iter(sim.organizations.values()))
    assert (await world.ops.organization(org.id)).name == org.name


async def _jobs_of_two_organizations(world: World, sim: Simulator) -> tuple[Job, Job]:
    jobs = await world.ops.refresh(first=True)
    assert jobs
    by_org: dict[str, Job] = {}
    for job in jobs:
        if job.organization_id and sim.organizations[job.organization_id].first_backup:
            by_org.setdefault(job.organization_id, job)
    first, second = list(by_org.values())[:2]
    return first, second


async def test_a_lost_explore_takes_only_a_new_session_of_its_own_organization(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    ours, theirs = await _jobs_of_two_organizations(world, sim)
    other = await make_world()  # another operator opens a session in another organization meanwhile
    assert (await other.ops.explore(theirs, ExploreOptions(point_in_time=sim_clock()))).done
    [their_session] = list(sim.restore_sessions)
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/explore")
    result = await world.ops.explore(ours, ExploreOptions(point_in_time=sim_clock()))
    assert result.outcome.kind == UNKNOWN
    [created] = [session for session in sim.restore_sessions if session != their_session]
    assert list(world.ops.started_restore_sessions) == [created]
    assert _lines(world)[-2:] == [
        ("re-read", "restore sessions", DONE, ""),
        ("explore", "", "note", f"the server now shows: {created}"),
    ]


async def test_a_lost_explore_the_server_never_handled_says_no_new_session(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    ours, _ = await _jobs_of_two_organizations(world, sim)
    sim.add_fault("dropx1@POST:/v8/Jobs/*/explore")
    assert (await world.ops.explore(ours, ExploreOptions(point_in_time=sim_clock()))).outcome.kind == UNKNOWN
    assert world.ops.started_restore_sessions == {}
    assert _lines(world)[-1] == ("explore", "", "note", "the server now shows: no new restore session")


async def test_a_lost_explore_whose_re_read_fails_says_nothing_more(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    ours, _ = await _jobs_of_two_organizations(world, sim)
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/explore")
    sim.add_fault("drop-after@GET:/v8/RestoreSessions")
    assert (await world.ops.explore(ours, ExploreOptions(point_in_time=sim_clock()))).outcome.kind == UNKNOWN
    action, target, state, _ = _lines(world)[-1]
    assert (action, target, state) == ("re-read", "restore sessions", FAILED)  # a read: failed, not unknown
    assert world.ops.started_restore_sessions == {}


def _lines(world: World) -> list[tuple[str, str, str, str]]:
    return [(entry.action, entry.target, entry.state, entry.note) for entry in world.ops.activity.entries]
