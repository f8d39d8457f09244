"""Fault injection, latency bookkeeping, the request record, and the generated data."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from vbotui.sim import FIRST_JOB_ID, ManualClock, SimConfig, SimulatedDrop, Simulator, parse_fault


@pytest.mark.parametrize(
    ("spec", "kind", "method", "glob", "count"),
    [
        ("500", "status", None, "*", None),
        ("503x2", "status", None, "*", 2),
        ("drop@POST:/v3/jobs/*/action", "drop", "POST", "/v3/jobs/*/action", None),
        ("timeout@/v8/Jobsx1", "timeout", None, "/v8/Jobs", 1),
        ("expire-tokenx1", "expire-token", None, "*", 1),
        ("MALFORMED@GET:/v8/Jobs", "malformed", "GET", "/v8/Jobs", None),
        ("html@GET:/v8/Jobs", "html", "GET", "/v8/Jobs", None),
        ("deepx2", "deep", None, "*", 2),
        ("malformed-afterx1@POST:/v8/Jobs/*/start", "malformed-after", "POST", "/v8/Jobs/*/start", 1),
        ("deep-after@/v3/Jobs/*/Action", "deep-after", None, "/v3/Jobs/*/Action", None),
    ],
)
def test_fault_grammar(spec, kind, method, glob, count) -> None:
    fault = parse_fault(spec)
    assert (fault.kind, fault.method, fault.glob, fault.remaining) == (kind, method, glob, count)


@pytest.mark.parametrize("spec", ["", "explode", "200", "500@jobs", "500x0", "drop@"])
def test_bad_fault_specs_are_value_errors(spec) -> None:
    with pytest.raises(ValueError, match="fault spec"):
        parse_fault(spec)


def client_for(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://sim.test")


async def token(client: httpx.AsyncClient, version: str = "v8") -> dict[str, str]:
    body = (
        await client.post(
            f"/{version}/token", data={"grant_type": "password", "username": "admin", "password": "secret"}
        )
    ).json()
    return {"Authorization": f"Bearer {body['access_token']}"}


async def test_status_fault_counts_down() -> None:
    sim = Simulator(SimConfig(jobs=5, faults=("500x1@/v8/Jobs/*/start",), clock=ManualClock()))
    async with client_for(sim) as client:
        auth = await token(client)
        first = await client.post(f"/v8/Jobs/{FIRST_JOB_ID}/start", json={"full": False}, headers=auth)
        assert first.status_code == 500 and first.json()["message"]
        assert sim.jobs[FIRST_JOB_ID].last_status != "Running"  # refused before handling
        second = await client.post(f"/v8/Jobs/{FIRST_JOB_ID}/start", json={"full": False}, headers=auth)
        assert second.status_code == 200


async def test_drop_and_drop_after() -> None:
    sim = Simulator(SimConfig(jobs=5, clock=ManualClock()))
    async with client_for(sim) as client:
        auth = await token(client, "v3")
        sim.add_fault("dropx1@POST:/v3/Jobs/*")
        sim.add_fault("drop-afterx1@POST:/v3/Jobs/*")
        url = f"/v3/Jobs/{FIRST_JOB_ID}/Action"
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(url, json={"start": None}, headers=auth)
        assert sim.jobs[FIRST_JOB_ID].last_status != "Running"
        with pytest.raises(SimulatedDrop):
            await client.post(url, json={"start": None}, headers=auth)
        assert sim.jobs[FIRST_JOB_ID].last_status == "Running"  # it happened, the answer was lost


async def test_malformed_and_timeout() -> None:
    sim = Simulator(SimConfig(jobs=5, faults=("malformedx1@GET:/v8/Jobs", "timeoutx1@GET:/v8/Jobs")))
    async with client_for(sim) as client:
        auth = await token(client)
        malformed = await client.get("/v8/Jobs", headers=auth)
        assert malformed.status_code == 200
        with pytest.raises(ValueError):
            malformed.json()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.get("/v8/Jobs", headers=auth), 0.05)
        assert (await client.get("/v8/Jobs", headers=auth)).status_code == 200


async def test_html_deep_and_after_faults() -> None:
    sim = Simulator(
        SimConfig(
            jobs=5,
            clock=ManualClock(),
            faults=("htmlx1@GET:/v8/Jobs", "deepx1@GET:/v8/Jobs", "malformed-afterx1@POST:/v8/Jobs/*/start"),
        )
    )
    async with client_for(sim) as client:
        auth = await token(client)
        html = await client.get("/v8/Jobs", headers=auth)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        deep = await client.get("/v8/Jobs", headers=auth)
        with pytest.raises(RecursionError):
            json.loads(deep.content)
        started = await client.post(f"/v8/Jobs/{FIRST_JOB_ID}/start", json={"full": False}, headers=auth)
        assert started.status_code == 200 and sim.jobs[FIRST_JOB_ID].last_status == "Running"  # handled
        with pytest.raises(ValueError):
            started.json()


async def test_a_deeply_nested_request_body_is_no_body_not_a_crash() -> None:
    sim = Simulator(SimConfig(jobs=5, clock=ManualClock()))
    async with client_for(sim) as client:
        auth = await token(client, "v3")
        body = b"[" * 100_000 + b"]" * 100_000
        headers = {**auth, "content-type": "application/json"}
        answer = await client.post(f"/v3/Jobs/{FIRST_JOB_ID}/Action", content=body, headers=headers)
        assert answer.status_code == 400 and "exactly one action" in answer.json()["message"]


async def test_expire_token_fault() -> None:
    sim = Simulator(SimConfig(jobs=5, faults=("expire-tokenx1",)))
    async with client_for(sim) as client:
        auth = await token(client)  # no token on this request: the fault waits
        assert (await client.get("/v8/Jobs", headers=auth)).status_code == 401
        assert (await client.get("/v8/Jobs", headers=auth)).status_code == 401  # stays expired
        assert (await client.get("/v8/Jobs", headers=await token(client))).status_code == 200


async def test_requests_are_recorded(sim, sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v3")
    await sim_client.post(f"/v3/Jobs/{seed_job}/Action?x=1", json={"enable": None}, headers=auth)
    token_request, action = sim.requests
    assert token_request.form == {"grant_type": "password", "username": "admin", "password": "secret"}
    assert (action.method, action.path, action.query, action.json) == (
        "POST",
        f"/v3/Jobs/{seed_job}/Action",
        {"x": "1"},
        {"enable": None},
    )
    assert action.headers["authorization"] == auth["Authorization"]


def test_data_is_seeded_and_realistic() -> None:
    clock = ManualClock()
    one = Simulator(SimConfig(jobs=300, seed=5, clock=clock))
    two = Simulator(SimConfig(jobs=300, seed=5, clock=clock))
    assert [(j.id, j.name, j.last_status) for j in one.jobs.values()] == [
        (j.id, j.name, j.last_status) for j in two.jobs.values()
    ]
    other = Simulator(SimConfig(jobs=300, seed=6, clock=clock))
    assert list(other.jobs)[0] == FIRST_JOB_ID and list(other.jobs)[1] != list(one.jobs)[1]
    jobs = list(one.jobs.values())
    assert len(set(one.jobs)) == 300 and len({j.name for j in jobs}) == 300
    assert {j.schedule_type for j in jobs} == {"Daily", "Periodically", "ManualOnly"}
    assert {"Success", "Warning", "Failed", None} <= {j.last_status for j in jobs}
    assert any(not j.is_enabled for j in jobs) and any(j.last_run is None for j in jobs)
    assert all(o.name.endswith(".onmicrosoft.com") for o in one.organizations.values())
    assert len(one.organizations) > 5


def test_ten_thousand_jobs_build() -> None:
    sim = Simulator(SimConfig(jobs=10_000))
    assert len(sim.jobs) == 10_000


async def test_add_helpers(sim, sim_client, sign_in) -> None:
    org_id = sim.add_organization("newco.onmicrosoft.com")
    job_id = sim.add_job("Newco - Mailboxes", organization_id=org_id, is_enabled=False)
    auth = await sign_in("v8")
    job = (await sim_client.get(f"/v8/Jobs/{job_id}", headers=auth)).json()
    assert job["organizationId"] == org_id and job["isEnabled"] is False and job["lastRun"] is None
    with pytest.raises(TypeError):
        sim.add_job("x", colour="red")


async def test_the_record_of_requests_is_bounded() -> None:
    import httpx

    from vbotui.sim import SimConfig, Simulator

    sim = Simulator(SimConfig(jobs=3, record_limit=10))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://s") as http:
        for index in range(25):
            await http.get(f"/v8/ServiceInstance?n={index}")
    assert len(sim.requests) <= 10
    assert sim.requests[-1].query == {"n": "24"}  # the newest are kept
