"""What the operations layer says about answers a server should not give: an action the client sent
twice after a refused token, a read that failed, a job listed twice, pages that repeat."""

from __future__ import annotations

import json

import httpx

from vbotui.api.client import VboClient
from vbotui.operations import FAILED, ActivityLog, ServerOperations
from vbotui.operations.outcome import RESENT
from vbotui.sim import FIRST_JOB_ID, Simulator

from ..conftest import SIM_PASSWORD, SIM_USER
from ..helpers.requests import posts
from .conftest import MakeWorld
from .test_outcomes import idle_job


async def test_a_resent_action_says_so_once_on_its_line_and_in_its_audit(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    job = await idle_job(world)
    sim.add_fault("expire-tokenx1@POST:/v8/Jobs/*/start")
    await world.ops.jobs.run("start", [job])
    assert len(posts(sim, "start")) == 2  # the client's one resend after the 401
    said = [line for line in world.lines() if RESENT in line]
    assert len(said) == 1 and said[0].count(RESENT) == 1 and "start" in said[0]
    [record] = [r for r in world.audit() if r["action"] == "start"]
    assert record["outcome"] == "done" and record["message"].count(RESENT) == 1

    other = await idle_job(world)
    await world.ops.jobs.run("start", [other])  # sent once: nothing more said
    assert len([line for line in world.lines() if RESENT in line]) == 1


async def test_a_resent_action_that_failed_says_so_too(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    job = await idle_job(world)
    sim.add_fault("expire-tokenx1@POST:/v8/Jobs/*/start")
    sim.add_fault("500x1@POST:/v8/Jobs/*/start")
    await world.ops.jobs.run("start", [job])
    [record] = [r for r in world.audit() if r["action"] == "start"]
    assert record["outcome"] == "refused" and record["message"].count(RESENT) == 1


async def test_a_failed_read_is_failed_not_an_unknown_outcome(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    sim.add_fault("malformedx3@GET:/v8/Jobs")
    assert await world.ops.refresh() is None
    [line] = [entry for entry in world.ops.activity.entries if entry.action == "refresh"]
    assert line.state == FAILED
    result = await world.ops.perform("list jobs", "jobs", world.ops.client.list_jobs, read=True)
    assert result.outcome.kind == FAILED
    words = result.outcome.describe()
    assert words.startswith("failed 200: the server's answer could not be read")
    assert "outcome unknown" not in words and "may have reached" not in words


class ListedTwice(httpx.AsyncBaseTransport):
    """The simulator, but its job list holds its first job twice (a server that indexes badly)."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = httpx.ASGITransport(app=sim.app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" or request.url.path != "/v8/Jobs":
            return response
        page = json.loads(await response.aread())
        page["results"].append(page["results"][0])
        return httpx.Response(200, json=page)


async def test_a_job_listed_twice_is_kept_once_and_said_once(sim: Simulator) -> None:
    async with VboClient("http://sim.test", "v8", transport=ListedTwice(sim)) as client:
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        ops = ServerOperations(client, ActivityLog(monotonic=lambda: 0.0))
        for _ in range(2):  # a poll meets it every time: said once
            jobs = await ops.refresh(first=True)
            assert jobs is not None and len(jobs) == 40 and len({job.id for job in jobs}) == 40
            assert jobs[0].id == FIRST_JOB_ID
        notes = [entry.note for entry in ops.activity.entries if "listed" in entry.note]
        assert notes == ["the server listed 1 job again under an id already listed: kept the first of each"]
        assert [entry.note for entry in ops.activity.entries if entry.action == "list jobs"] == [
            "40 jobs"
        ] * 2


async def test_pages_that_repeat_are_said_once_however_often_read(sim: Simulator) -> None:
    sim.add_fault("repeat-pages@GET:/v8/Jobs")
    transport = httpx.ASGITransport(app=sim.app)
    async with VboClient("http://sim.test", "v8", transport=transport, page_size=10) as client:
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        ops = ServerOperations(client, ActivityLog(monotonic=lambda: 0.0))
        for _ in range(3):
            jobs = await ops.refresh()
            assert jobs is not None and len(jobs) == 10
        said = [entry.note for entry in ops.activity.entries if "same page again" in entry.note]
        assert len(said) == 1 and said[0].startswith("/v8/Jobs: the server sent the same page again")
