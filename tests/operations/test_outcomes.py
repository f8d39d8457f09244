"""Every requested action ends in exactly one outcome, on one line and in one audit record, and no
action is ever sent twice: done, refused (the server's words), unknown (sent, answer lost or
unreadable: the job is re-read), not_sent (nothing left this machine)."""

from __future__ import annotations

from typing import Any

import pytest

from vbotui.api.models import Job
from vbotui.operations import DONE, NOT_SENT, REFUSED, UNKNOWN, JobsChanged
from vbotui.sim import Simulator

from ..helpers.requests import posts
from .conftest import MakeWorld, World

DISABLED_MESSAGE = "Job is disabled. Enable the job before starting it."


async def idle_job(world: World, enabled: bool = True) -> Job:
    for job in sorted(await world.ops.client.list_jobs(), key=lambda j: j.name):
        sim_job = world.sim.jobs[job.id]
        if sim_job.is_enabled == enabled and sim_job.running_session_id is None:
            return job
    raise AssertionError("no such job")


def action_lines(world: World, action: str) -> list[Any]:
    return [e for e in world.ops.activity.entries if e.action == action]


@pytest.mark.parametrize(
    ("fault", "kind", "status", "words", "reached"),
    [
        (None, DONE, 200, "", True),
        ("500x1@POST:/v8/Jobs/*/start", REFUSED, 500, "An unexpected error occurred on the server.", False),
        ("drop-afterx1@POST:/v8/Jobs/*/start", UNKNOWN, None, "may have reached the server", True),
        ("dropx1@POST:/v8/Jobs/*/start", UNKNOWN, None, "may have reached the server", False),
        ("malformed-afterx1@POST:/v8/Jobs/*/start", UNKNOWN, 200, "could not be read", True),
        ("htmlx1@POST:/v8/Jobs/*/start", UNKNOWN, 200, "could not be read", False),
        ("deep-afterx1@POST:/v8/Jobs/*/start", UNKNOWN, 200, "could not be read", True),
        ("502x1@POST:/v8/Jobs/*/start", UNKNOWN, 502, "", False),
    ],
    ids=["done", "refused", "drop-after", "drop", "malformed", "html", "deep", "gateway"],
)
async def test_an_action_ends_in_exactly_one_outcome_and_is_sent_once(
    make_world: MakeWorld,
    sim: Simulator,
    fault: str | None,
    kind: str,
    status: int | None,
    words: str,
    reached: bool,
) -> None:
    world = await make_world()
    job = await idle_job(world)
    if fault:
        sim.add_fault(fault)
    await world.ops.jobs.run("start", [job])

    assert len(posts(sim, "start")) == 1  # never resent, whatever happened
    [line] = action_lines(world, "start")
    assert line.state == kind and line.status == status
    assert words in line.render().plain
    [record] = [r for r in world.audit() if r["action"] == "start"]
    assert (record["outcome"], record["status"], record["job_id"]) == (kind, status, job.id)
    assert record["profile"] == "sim" and "local_user" in record
    # The job is re-read after every answer, and above all when the outcome is unknown.
    changed = [e for e in world.events if isinstance(e, JobsChanged)]
    assert [j.id for e in changed for j in e.jobs] == [job.id]
    assert (sim.jobs[job.id].running_session_id is not None) == reached


async def test_a_refusal_keeps_the_servers_words(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    job = await idle_job(world, enabled=False)
    await world.ops.jobs.run("start", [job])
    [line] = action_lines(world, "start")
    assert line.state == REFUSED and DISABLED_MESSAGE in line.note
    notices = [e.message for e in world.events if hasattr(e, "severity")]
    assert any(DISABLED_MESSAGE in message for message in notices)
    assert world.audit()[-1]["message"].startswith(DISABLED_MESSAGE)


async def test_unreachable_server_is_not_sent_and_not_reread(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    job = await idle_job(world)
    world.line.gone = True
    before = len(sim.requests)
    await world.ops.jobs.run("stop", [job])
    assert len(sim.requests) == before
    [line] = action_lines(world, "stop")
    assert line.state == NOT_SENT and "not sent" in line.render().plain
    assert world.audit()[-1]["outcome"] == NOT_SENT
    assert not [e for e in world.events if isinstance(e, JobsChanged)]


async def test_a_bulk_action_never_has_more_requests_in_flight_than_its_bound(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world(hold_s=0.02)
    jobs = [job for job in await world.ops.client.list_jobs() if sim.jobs[job.id].is_enabled][:30]
    await world.ops.jobs.run("start", jobs)
    assert len(posts(sim, "start")) == 30
    assert world.line.most_in_flight == world.ops.jobs.concurrency == 8
    records = [r for r in world.audit() if r["action"] == "start"]
    assert sorted(r["job_id"] for r in records) == sorted(job.id for job in jobs)
    assert all(r["outcome"] == DONE for r in records)


async def test_a_bulk_summary_counts_each_kind_and_stays_the_newest_line(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = [job for job in await world.ops.client.list_jobs() if sim.jobs[job.id].is_enabled][:6]
    sim.add_fault("400x2@POST:/v8/Jobs/*/start")
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/start")
    await world.ops.jobs.run("start", jobs)
    assert len(posts(sim, "start")) == 6
    summary = world.ops.activity.entries[-1]
    assert summary.target == "6 jobs"
    assert "3 done, 2 refused, 1 outcome unknown" in summary.note and "1 outcome unknown" in summary.note
    kinds = sorted(r["outcome"] for r in world.audit() if r["action"] == "start")
    assert kinds == [DONE, DONE, DONE, REFUSED, REFUSED, UNKNOWN]


async def test_the_same_action_in_flight_is_not_sent_twice(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    job = await idle_job(world)
    assert world.ops.jobs.claim("start", [job]) == [job]
    assert world.ops.jobs.claim("start", [job]) == []  # still in flight
    assert "already in progress" in world.lines()[-1]
    await world.ops.jobs.run("start", [job])
    assert len(posts(sim, "start")) == 1
    assert world.ops.jobs.claim("start", [job]) == [job]  # released with its answer
