"""v6-v8: verb endpoints, paging, organizations' extendedView, job sessions, restore sessions."""

from __future__ import annotations

import pytest


async def test_v8_jobs_are_paged(sim_client, sign_in, sim) -> None:
    auth = await sign_in("v8")
    first = (await sim_client.get("/v8/Jobs", headers=auth)).json()
    assert (first["offset"], first["limit"], len(first["results"])) == (0, 30, 30)
    assert first["_links"]["next"]["href"] == "/v8/Jobs?offset=30&limit=30"
    second = (await sim_client.get(first["_links"]["next"]["href"], headers=auth)).json()
    assert len(second["results"]) == 10 and "next" not in second["_links"]
    ids = [j["id"] for j in first["results"] + second["results"]]
    assert ids == list(sim.jobs)
    assert first["results"][0]["id"] == "3396ba22-21b1-4666-a631-0edfc12a59cd"


@pytest.mark.parametrize("query", ["limit=0", "limit=10001", "offset=-1", "limit=abc"])
async def test_v8_bad_paging_is_a_validation_error(sim_client, sign_in, query) -> None:
    response = await sim_client.get(f"/v8/Jobs?{query}", headers=await sign_in("v8"))
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


async def test_v8_jobs_filter_by_organization(sim_client, sign_in, sim) -> None:
    org_id = next(iter(sim.organizations))
    auth = await sign_in("v8")
    body = (await sim_client.get(f"/v8/Jobs?organizationId={org_id}&limit=100", headers=auth)).json()
    assert body["results"] and {j["organizationId"] for j in body["results"]} == {org_id}


async def test_job_fields_per_version(sim_client, sign_in, seed_job) -> None:
    v6 = (await sim_client.get(f"/v6/Jobs/{seed_job}", headers=await sign_in("v6"))).json()
    v7 = (await sim_client.get(f"/v7/Jobs/{seed_job}", headers=await sign_in("v7"))).json()
    v8 = (await sim_client.get(f"/v8/Jobs/{seed_job}", headers=await sign_in("v8"))).json()
    assert "lastBackup" not in v6 and "runNow" in v6 and "selectedItems" in v6
    assert "lastBackup" in v7 and "organizationId" not in v7
    assert {"organizationId", "eTag", "lastBackup"} <= set(v8)
    assert not {"runNow", "selectedItems", "excludedItems"} & set(v8)
    assert v6["_links"]["self"]["href"] == f"/v6/Jobs/{seed_job}"


async def test_v6_and_v7_collections_are_arrays(sim_client, sign_in) -> None:
    for version in ("v6", "v7"):
        auth = await sign_in(version)
        assert isinstance((await sim_client.get(f"/{version}/Jobs", headers=auth)).json(), list)
        assert isinstance((await sim_client.get(f"/{version}/Organizations", headers=auth)).json(), list)


@pytest.mark.parametrize("version", ["v6", "v7"])
async def test_v6_v7_verbs_answer_204(sim_client, sign_in, seed_job, sim, version) -> None:
    auth = await sign_in(version)
    base = f"/{version}/Jobs/{seed_job}"
    assert (await sim_client.post(f"{base}/disable", headers=auth)).status_code == 204
    assert sim.jobs[seed_job].is_enabled is False
    assert (await sim_client.post(f"{base}/enable", headers=auth)).status_code == 204
    start = await sim_client.post(f"{base}/start", json={"full": False}, headers=auth)
    assert (start.status_code, start.content) == (204, b"")
    assert sim.jobs[seed_job].last_status == "Running"
    assert (await sim_client.post(f"{base}/stop", headers=auth)).status_code == 204
    assert sim.jobs[seed_job].last_status == "Stopped"


async def test_start_needs_its_options(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v7")
    options: list[dict[str, object]] = [{}, {"json": []}, {"json": {"full": "maybe"}}]
    for kwargs in options:
        response = await sim_client.post(f"/v7/Jobs/{seed_job}/start", headers=auth, **kwargs)
        assert response.status_code == 400, kwargs


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
async def test_start_takes_empty_options(sim_client, sign_in, seed_job, sim, version) -> None:
    """RESTStartJobOptions is a required body whose `full` is optional: `{}` is an incremental run."""
    start = await sim_client.post(
        f"/{version}/Jobs/{seed_job}/start", json={}, headers=await sign_in(version)
    )
    assert start.status_code == (200 if version == "v8" else 204), start.text
    running = sim.job_sessions[sim.jobs[seed_job].running_session_id or ""]
    assert running.config_type == "Incremental"


async def test_v8_start_returns_a_running_session_that_finishes(
    sim_client, sign_in, seed_job, sim, sim_clock
) -> None:
    auth = await sign_in("v8")
    start = await sim_client.post(f"/v8/Jobs/{seed_job}/start", json={"full": True}, headers=auth)
    assert start.status_code == 200
    session = start.json()
    assert session["status"] == "Running" and session["jobId"] == seed_job
    assert session["jobSessionConfigType"] == "Full"
    sim_clock.advance(1)
    halfway = (await sim_client.get(f"/v8/JobSessions/{session['id']}", headers=auth)).json()
    assert halfway["status"] == "Running" and 0 < halfway["progress"] < sim.jobs[seed_job].objects
    sim_clock.advance(5)
    done = (await sim_client.get(f"/v8/JobSessions/{session['id']}", headers=auth)).json()
    assert done["status"] in ("Success", "Warning", "Failed") and done["endTime"]
    job = (await sim_client.get(f"/v8/Jobs/{seed_job}", headers=auth)).json()
    assert job["lastStatus"] == done["status"]
    assert done["details"].startswith("Transferred:")


async def test_v8_conflict_has_error_code(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v8")
    stop = await sim_client.post(f"/v8/Jobs/{seed_job}/stop", headers=auth)
    assert stop.status_code == 400
    assert stop.json() == {"message": "Job is not running.", "errorCode": "OperationConflict"}
    v6 = await sim_client.post(f"/v6/Jobs/{seed_job}/stop", headers=await sign_in("v6"))
    assert v6.json() == {"message": "Job is not running."}


async def test_explore_status_per_version(sim_client, sign_in, seed_job) -> None:
    body = {"dateTime": "2024-05-01T00:00:00Z", "type": "Vex", "showDeleted": True, "showAllVersions": False}
    v6 = await sim_client.post(f"/v6/Jobs/{seed_job}/explore", json=body, headers=await sign_in("v6"))
    v8 = await sim_client.post(f"/v8/Jobs/{seed_job}/explore", json=body, headers=await sign_in("v8"))
    assert (v6.status_code, v8.status_code) == (200, 201)
    assert v8.json()["type"] == "Vex" and v8.json()["state"] == "Working"
    stop = await sim_client.post(f"/v8/RestoreSessions/{v8.json()['id']}/Stop", headers=await sign_in("v8"))
    assert (stop.status_code, stop.content) == (204, b"")
    page = (await sim_client.get("/v8/RestoreSessions", headers=await sign_in("v8"))).json()
    states = {s["id"]: s["state"] for s in page["results"]}
    assert states == {v8.json()["id"]: "Stopped", v6.json()["id"]: "Working"}


async def test_explore_refusal(sim, sim_client, sign_in, seed_job) -> None:
    sim.config.explore_refusal = "Restore session cannot be created."
    response = await sim_client.post(
        f"/v8/Jobs/{seed_job}/explore", json={"type": "Vex"}, headers=await sign_in("v8")
    )
    assert response.status_code == 500
    assert response.json()["message"] == "Restore session cannot be created."


async def test_extended_view_defaults(sim_client, sign_in, sim) -> None:
    org_id = next(iter(sim.organizations))
    backed = {"isBackedup", "firstBackuptime", "lastBackuptime"}
    v6 = (await sim_client.get(f"/v6/Organizations/{org_id}", headers=await sign_in("v6"))).json()
    v7 = (await sim_client.get(f"/v7/Organizations/{org_id}", headers=await sign_in("v7"))).json()
    v8 = (
        await sim_client.get(f"/v8/Organizations/{org_id}?extendedView=true", headers=await sign_in("v8"))
    ).json()
    assert backed <= set(v6) and not backed & set(v7) and backed <= set(v8)
    assert v8["isBackedup"] is True and v8["firstBackuptime"] < v8["lastBackuptime"]


async def test_never_backed_up_organization(sim_client, sign_in, sim) -> None:
    org_id = list(sim.organizations)[-1]
    v3 = (await sim_client.get(f"/v3/Organizations/{org_id}", headers=await sign_in("v3"))).json()
    assert v3["isBackedup"] is False and "firstBackuptime" not in v3


async def test_organization_jobs_until_v7(sim_client, sign_in, sim) -> None:
    org_id = next(iter(sim.organizations))
    jobs = (await sim_client.get(f"/v7/Organizations/{org_id}/Jobs", headers=await sign_in("v7"))).json()
    assert jobs and all(sim.jobs[j["id"]].organization_id == org_id for j in jobs)
    gone = await sim_client.get(f"/v8/Organizations/{org_id}/Jobs", headers=await sign_in("v8"))
    assert gone.status_code == 404


async def test_job_sessions_endpoints_per_version(sim_client, sign_in, seed_job) -> None:
    v6 = (await sim_client.get(f"/v6/Jobs/{seed_job}/JobSessions", headers=await sign_in("v6"))).json()
    assert "results" in v6 and v6["totalCount"] >= 1
    assert "jobId" not in v6["results"][0] and v6["results"][0]["_links"]["job"]["href"].endswith(seed_job)
    removed = await sim_client.get(f"/v7/Jobs/{seed_job}/JobSessions", headers=await sign_in("v7"))
    assert removed.status_code == 404
    auth7 = await sign_in("v7")
    v7 = (await sim_client.get(f"/v7/JobSessions?jobId={seed_job}&limit=2", headers=auth7)).json()
    assert len(v7["results"]) == 2
    times = [s["creationTime"] for s in v7["results"]]
    assert times == sorted(times, reverse=True)  # newest first


async def test_unknown_ids_are_404_with_a_message(sim_client, sign_in) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for version, path in (
        ("v3", "Jobs"),
        ("v8", "Jobs"),
        ("v8", "Organizations"),
        ("v7", "RestoreSessions"),
        ("v8", "JobSessions"),
    ):
        response = await sim_client.get(f"/{version}/{path}/{missing}", headers=await sign_in(version))
        assert response.status_code == 404 and missing in response.json()["message"]
    v8 = await sim_client.get(f"/v8/Jobs/{missing}", headers=await sign_in("v8"))
    assert v8.json()["errorCode"] == "ResourceNotFound"


async def test_unknown_paths_and_methods(sim_client, sign_in) -> None:
    auth = await sign_in("v8")
    assert (await sim_client.get("/v8/Nonsense", headers=auth)).status_code == 404
    assert (await sim_client.get("/v9/Jobs", headers=auth)).status_code == 404
    assert (await sim_client.delete("/v8/Jobs", headers=auth)).status_code == 405
