"""Issue 11: the v6-v8 bodies of job sessions, log items, processed objects, ServiceInstance, Health,
proxies, repositories and the licence validate against the official OpenAPI documents."""

from __future__ import annotations

import pytest

from .test_conformance import assert_conforms, spec


@pytest.fixture(params=["v6", "v7", "v8"])
def version(request: pytest.FixtureRequest) -> str:
    spec(request.param)
    return str(request.param)


async def test_session_bodies_conform_while_running_and_after(
    sim_client, sign_in, seed_job, sim, sim_clock, version
) -> None:
    auth = await sign_in(version)
    start = await sim_client.post(f"/{version}/Jobs/{seed_job}/start", json={"full": True}, headers=auth)
    assert start.status_code in (200, 204)
    running = sim.jobs[seed_job].running_session_id
    assert running is not None
    sim_clock.advance(0.5)
    history = sim.jobs[seed_job].session_ids[0]
    paths = [
        f"/JobSessions/{running}",
        f"/JobSessions/{running}/LogItems",
        f"/JobSessions/{history}/LogItems",
        f"/JobSessions/{history}/LogItems?limit=2&offset=1",
        "/ServiceInstance",
        "/Proxies",
        "/BackupRepositories",
        "/License",
    ]
    if version == "v6":
        paths.append(f"/Jobs/{seed_job}/JobSessions")
    else:
        paths += [
            f"/JobSessions?jobId={seed_job}",
            f"/JobSessions/{running}/ProcessedObjects",
            f"/JobSessions/{history}/ProcessedObjects",
        ]
    if version == "v8":
        paths += ["/Health", "/Proxies?limit=1&offset=0", f"/JobSessions/{running}/LogItems?orderAsc=false"]
    for when in ("running", "finished"):
        for path in paths:
            response = await sim_client.get(f"/{version}{path}", headers=auth)
            assert response.status_code == 200, (when, path, response.text)
            assert_conforms(version, response)
        sim_clock.advance(5)


async def test_processed_objects_absent_before_v7(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v6")
    await sim_client.get(f"/v6/Jobs/{seed_job}/JobSessions", headers=auth)
    session = sim.jobs[seed_job].session_ids[0]
    response = await sim_client.get(f"/v6/JobSessions/{session}/ProcessedObjects", headers=auth)
    assert response.status_code == 404
