"""The client against the simulator, in-process: every operation on every dialect v3...v8."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from vbotui.api import (
    VERSIONS,
    AuthError,
    BadRequest,
    Conflict,
    ExploreOptions,
    MalformedResponse,
    NotFound,
    ServerError,
    TransportError,
    VboClient,
)

from .helpers import FakeClock
from .sim_support import ManualClock, Simulator, make_sim

BASE = "https://vbo.sim:4443"
Factory = Callable[..., "tuple[Simulator, ManualClock, VboClient]"]


@pytest.fixture
async def sim_pair() -> AsyncIterator[Factory]:
    """Makes a simulator and a client wired to it through httpx.ASGITransport."""
    clients: list[VboClient] = []

    def make(
        version: str = "v8", client_clock: FakeClock | None = None, page_size: int = 10_000, **sim_config: Any
    ):
        sim, clock = make_sim(**sim_config)
        client = VboClient(
            BASE,
            version,
            transport=httpx.ASGITransport(app=sim.app),
            clock=client_clock or FakeClock(),
            page_size=page_size,
        )
        clients.append(client)
        return sim, clock, client

    yield make
    for client in clients:
        await client.aclose()


def sim_job(sim: Simulator, job_id: str) -> Any:
    jobs = sim.jobs
    return jobs[job_id] if isinstance(jobs, dict) else next(j for j in jobs if j.id == job_id)


def posts(sim: Simulator) -> list[Any]:
    return [r for r in sim.requests if r.method == "POST" and not r.path.lower().endswith("/token")]


async def idle_enabled_job(client: VboClient, sim: Simulator) -> str:
    for job in await client.list_jobs():
        state = sim_job(sim, job.id)
        if state.is_enabled and state.running_session_id is None:
            return job.id
    raise AssertionError("the simulator has no idle enabled job")


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_operation_on_every_version(sim_pair, version):
    sim, clock, client = sim_pair(version)
    await client.sign_in("admin", "secret")
    assert client.version == version and client.user

    jobs = await client.list_jobs()
    assert len(jobs) == 40 and len({j.id for j in jobs}) == 40
    assert all(j.name and j.organization_id for j in jobs)
    job_id = await idle_enabled_job(client, sim)
    job = await client.get_job(job_id)
    assert job.id == job_id and job.name == next(j.name for j in jobs if j.id == job_id)

    orgs = await client.list_organizations()
    assert orgs and job.organization_id in {o.id for o in orgs}
    org = await client.get_organization(job.organization_id or "")
    assert org.id == job.organization_id
    org_request = [r for r in sim.requests if r.path.lower().endswith(org.id.lower())][-1]
    assert ("extendedView" in org_request.query) is (int(version[1:]) >= 6)

    assert (await client.job_action(job_id, "disable")).status in (200, 204)
    assert sim_job(sim, job_id).is_enabled is False
    assert (await client.job_action(job_id, "enable")).status in (200, 204)
    assert sim_job(sim, job_id).is_enabled is True

    started = await client.job_action(job_id, "start")
    assert sim_job(sim, job_id).running_session_id is not None
    if version == "v8":
        assert started.job_session is not None
        assert started.job_session.id == sim_job(sim, job_id).running_session_id
    else:
        assert started.job_session is None
    clock.advance(1)
    sessions = await client.job_sessions(job_id, limit=3)
    assert sessions and sessions[0].id == sim_job(sim, job_id).running_session_id
    sessions_request = [r for r in sim.requests if "jobsessions" in r.path.lower()][-1]
    if int(version[1:]) >= 7:
        assert (sessions_request.path, sessions_request.query.get("jobId")) == (
            f"/{version}/JobSessions",
            job_id,
        )
    else:
        assert sessions_request.path == f"/{version}/Jobs/{job_id}/JobSessions"
    assert len(sessions) <= 3
    times = [s.creation_time for s in sessions if s.creation_time]
    assert times == sorted(times, reverse=True)

    await client.job_action(job_id, "stop")
    assert sim_job(sim, job_id).running_session_id is None

    when = datetime.now(timezone.utc) - timedelta(days=1)
    explored = await client.explore(job_id, ExploreOptions(when, "vex", show_deleted=True))
    assert explored.status in (200, 201)
    session = explored.restore_session
    assert session is not None and session.is_working and (session.type or "").lower() == "vex"
    assert session.id in {s.id for s in await client.list_restore_sessions()}

    await client.stop_restore_session(session.id)
    stopped = next(s for s in await client.list_restore_sessions() if s.id == session.id)
    assert (stopped.state or "").lower() == "stopped"


SEED_ID = "3396ba22-21b1-4666-a631-0edfc12a59cd"


async def test_the_seeds_five_examples_on_v3(sim_pair):
    """The exact bodies of the seed document reach the server (ids from the simulator)."""
    sim, _, client = sim_pair("v3")
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    for action in ("enable", "start", "stop", "disable"):
        await client.job_action(job_id, action)
    await client.explore(
        job_id, ExploreOptions(datetime(2019, 4, 12, 10, 54, 40, 279404, tzinfo=timezone.utc))
    )
    sent = posts(sim)
    assert [r.path for r in sent] == [f"/v3/Jobs/{job_id}/Action"] * 5
    assert [r.json for r in sent] == [
        {"enable": None},
        {"start": None},
        {"stop": None},
        {"disable": None},
        {
            "explore": {
                "datetime": "2019-04-12T10:54:40.279404Z",
                "type": "vex",
                "showDeleted": False,
                "showAllVersions": False,
            }
        },
    ]


async def test_v6_to_v8_bodies(sim_pair):
    sim, _, client = sim_pair("v6")
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    await client.job_action(job_id, "start")
    await client.explore(
        job_id, ExploreOptions(datetime(2024, 1, 2, tzinfo=timezone.utc), "vesp", True, True)
    )
    start, explore = posts(sim)
    assert (start.path, start.json) == (f"/v6/Jobs/{job_id}/start", {"full": False})
    assert explore.json == {
        "dateTime": "2024-01-02T00:00:00.000000Z",
        "type": "Vesp",
        "showDeleted": True,
        "showAllVersions": True,
    }


async def test_v8_jobs_are_read_across_pages(sim_pair):
    sim, _, client = sim_pair("v8", jobs=75, page_size=20)
    await client.sign_in("admin", "secret")
    jobs = await client.list_jobs()
    assert len({j.id for j in jobs}) == 75
    pages = [(r.query.get("offset"), r.query.get("limit")) for r in sim.requests if r.path == "/v8/Jobs"]
    assert pages == [("0", "20"), ("20", "20"), ("40", "20"), ("60", "20")]


@pytest.mark.parametrize(
    ("served", "expected"),
    [(("v3", "v4", "v5", "v6", "v7", "v8"), "v8"), (("v3", "v4", "v5"), "v5"), (("v4", "v6"), "v6")],
)
async def test_auto_detection_picks_the_newest_served_version(sim_pair, served, expected):
    sim, _, client = sim_pair("auto", versions=served)
    await client.sign_in("admin", "secret")
    assert client.version == expected
    assert len(await client.list_jobs()) == 40


async def test_auto_detection_without_any_version_is_a_clear_error(sim_pair):
    _, _, client = sim_pair("auto", versions=())
    with pytest.raises(NotFound, match="no VB365 REST API"):
        await client.detect_version()


async def test_an_expired_token_is_refreshed_after_the_401(sim_pair):
    sim, clock, client = sim_pair("v8", token_ttl=300)
    await client.sign_in("admin", "secret")
    first_refresh = client.refresh_token
    clock.advance(301)  # only the server's clock moves: the client learns from the 401
    assert len(await client.list_jobs()) == 40
    grants = [r.form.get("grant_type") for r in sim.requests if r.form]
    assert grants == ["password", "refresh_token"]
    assert client.refresh_token and client.refresh_token != first_refresh


async def test_the_token_is_refreshed_before_it_expires(sim_pair):
    client_clock = FakeClock()
    sim, clock, client = sim_pair("v7", client_clock=client_clock, token_ttl=300)
    await client.sign_in("admin", "secret")
    clock.advance(250)
    client_clock.advance(250)  # past 300 - 60
    await client.list_jobs()
    statuses = [r.path for r in sim.requests]
    assert statuses == ["/v7/token", "/v7/token", "/v7/Jobs"]


@pytest.mark.parametrize("version", ["v7", "v8"])
async def test_sign_out_makes_the_refresh_token_useless(sim_pair, version):
    sim, _, client = sim_pair(version)
    await client.sign_in("admin", "secret")
    refresh_token = client.refresh_token
    assert refresh_token
    await client.sign_out()
    assert any(r.path.lower() == f"/{version}/token/logout" for r in sim.requests)
    with pytest.raises(AuthError):
        await client.sign_in_with_refresh_token(refresh_token)


async def test_wrong_password_is_an_auth_error_with_the_servers_words(sim_pair):
    _, _, client = sim_pair("v8")
    with pytest.raises(AuthError) as caught:
        await client.sign_in("admin", "nope")
    assert caught.value.message and caught.value.status == 400


async def test_conflicts_carry_the_servers_message(sim_pair):
    sim, _, client = sim_pair("v8")
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    await client.job_action(job_id, "start")
    with pytest.raises(Conflict) as caught:
        await client.job_action(job_id, "start")
    assert caught.value.error_code == "OperationConflict" and "running" in caught.value.message


async def test_conflicts_on_v3_are_bad_requests_with_the_message(sim_pair):
    sim, _, client = sim_pair("v3")
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    with pytest.raises(BadRequest, match="not running"):
        await client.job_action(job_id, "stop")


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_unknown_job_is_not_found(sim_pair, version):
    _, _, client = sim_pair(version)
    await client.sign_in("admin", "secret")
    with pytest.raises(NotFound):
        await client.get_job("00000000-0000-4000-8000-000000000000")


async def test_fault_server_error(sim_pair):
    sim, _, client = sim_pair("v8", faults=["503x3@GET:/v8/Jobs"])
    await client.sign_in("admin", "secret")
    with pytest.raises(ServerError) as caught:
        await client.list_jobs()  # sent, and resent twice
    assert caught.value.status == 503 and caught.value.message == "The service is unavailable."
    assert len([r for r in sim.requests if r.method == "GET" and r.path == "/v8/Jobs"]) == 3
    assert len(await client.list_jobs()) == 40  # the fault hit three times


async def test_a_passing_server_error_on_a_read_is_ridden_out(sim_pair):
    sim, _, client = sim_pair("v8", faults=["503x2@GET:/v8/Jobs"])
    await client.sign_in("admin", "secret")
    assert len(await client.list_jobs()) == 40


async def test_fault_malformed_body(sim_pair):
    _, _, client = sim_pair("v8", faults=["malformed@GET:/v8/Jobs"])
    await client.sign_in("admin", "secret")
    with pytest.raises(MalformedResponse):
        await client.list_jobs()


async def test_fault_expired_token_is_refreshed_and_retried(sim_pair):
    sim, _, client = sim_pair("v8", faults=["expire-tokenx1@GET:/v8/Jobs"])
    await client.sign_in("admin", "secret")
    assert len(await client.list_jobs()) == 40
    assert [r.form.get("grant_type") for r in sim.requests if r.form] == ["password", "refresh_token"]


async def test_fault_dropped_post_before_handling(sim_pair):
    sim, _, client = sim_pair("v8", faults=["drop@POST:/v8/Jobs/*/start"])
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    with pytest.raises(TransportError) as caught:
        await client.job_action(job_id, "start")
    assert caught.value.may_have_reached_server
    assert len([r for r in posts(sim) if r.path.endswith("/start")]) <= 1  # never retried


async def test_fault_dropped_post_after_the_action_happened(sim_pair):
    sim, _, client = sim_pair("v8", faults=["drop-after@POST:/v8/Jobs/*/start"])
    await client.sign_in("admin", "secret")
    job_id = await idle_enabled_job(client, sim)
    with pytest.raises(TransportError) as caught:
        await client.job_action(job_id, "start")
    assert caught.value.may_have_reached_server
    assert sim_job(sim, job_id).running_session_id is not None  # the job did start
    assert len([r for r in posts(sim) if r.path.endswith("/start")]) == 1


async def test_fault_dropped_get_is_retried_once(sim_pair):
    sim, _, client = sim_pair("v8", faults=["dropx1@GET:/v8/Jobs"])
    await client.sign_in("admin", "secret")
    assert len(await client.list_jobs()) == 40
