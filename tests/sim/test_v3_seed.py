"""The seed document's five examples, literally, against /v3, and the rest of the v3-v5 dialect."""

from __future__ import annotations

import httpx

SEED_URL = "/v3/Jobs/3396ba22-21b1-4666-a631-0edfc12a59cd/Action"


async def test_seed_examples_change_the_job(sim_client: httpx.AsyncClient, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v3")
    sim.jobs[seed_job].is_enabled = False

    async def job() -> dict:
        response = await sim_client.get(f"/v3/Jobs/{seed_job}", headers=auth)
        assert response.status_code == 200
        return response.json()

    enable = await sim_client.post(SEED_URL, json={"enable": None}, headers=auth)
    assert (enable.status_code, enable.content) == (200, b"")
    assert (await job())["isEnabled"] is True

    start = await sim_client.post(SEED_URL, json={"start": None}, headers=auth)
    assert (start.status_code, start.content) == (200, b"")
    assert (await job())["lastStatus"] == "Running"

    stop = await sim_client.post(SEED_URL, json={"stop": None}, headers=auth)
    assert (stop.status_code, stop.content) == (200, b"")
    assert (await job())["lastStatus"] == "Stopped"

    disable = await sim_client.post(SEED_URL, json={"disable": None}, headers=auth)
    assert (disable.status_code, disable.content) == (200, b"")
    assert (await job())["isEnabled"] is False
    assert (await job())["nextRun"] is None

    explore = await sim_client.post(
        SEED_URL, json={"explore": {"datetime": "2019-04-12T10:54:40.2794046Z", "type": "vex"}}, headers=auth
    )
    assert explore.status_code == 200
    session = explore.json()
    assert session["type"] == "Vex" and session["state"] == "Working" and session["result"] == "Success"
    assert session["organization"] == "contoso.onmicrosoft.com"
    # 2019 precedes the organization's first backup: a session with no data, and it says so.
    assert "No backup data" in session["details"]
    assert session["id"] in sim.restore_sessions


async def test_v3_job_shape_has_absolute_links(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v3")
    body = (await sim_client.get(f"/v3/Jobs/{seed_job}", headers=auth)).json()
    org_id = sim.jobs[seed_job].organization_id
    assert body["_links"]["organization"]["href"] == f"http://sim.test/v3/organizations/{org_id}"
    assert body["_links"]["self"]["href"].startswith("http://sim.test/v3/jobs/")
    assert "lastBackup" not in body and "organizationId" not in body
    assert body["schedulePolicy"]["type"] in ("Daily", "Periodically", "ManualOnly")


async def test_v3_lists_are_plain_arrays(sim_client, sign_in) -> None:
    auth = await sign_in("v3")
    jobs = (await sim_client.get("/v3/Jobs", headers=auth)).json()
    assert isinstance(jobs, list) and len(jobs) == 40
    orgs = (await sim_client.get("/v3/Organizations", headers=auth)).json()
    assert isinstance(orgs, list) and len(orgs) == 5


async def test_paths_are_case_insensitive(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v3")
    lower = await sim_client.post(f"/v3/jobs/{seed_job.upper()}/action", json={"disable": None}, headers=auth)
    assert lower.status_code == 200
    mixed = await sim_client.get(f"/V3/JOBS/{seed_job}", headers=auth)
    assert mixed.json()["isEnabled"] is False
    token = await sim_client.post(
        "/v3/Token", data={"grant_type": "password", "username": "admin", "password": "secret"}
    )
    assert token.status_code == 200


async def test_action_body_must_name_one_action(sim_client, sign_in) -> None:
    auth = await sign_in("v4")
    for body in ({}, {"start": None, "stop": None}, {"launch": None}, [1]):
        response = await sim_client.post(SEED_URL.replace("v3", "v4"), json=body, headers=auth)
        assert response.status_code == 400, body
        assert response.json()["message"]


async def test_explore_binding_is_lenient(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v5")
    body = {
        "explore": {
            "Datetime": "2099.01.01 12:00",
            "Type": "VEOD",
            "ShowDeleted": "true",
            "ShowAllVersions": "false",
        }
    }
    response = await sim_client.post(f"/v5/Jobs/{seed_job}/Action", json=body, headers=auth)
    assert response.status_code == 200
    session = sim.restore_sessions[response.json()["id"]]
    assert session.type == "Veod" and session.show_deleted is True and session.show_all_versions is False
    org = sim.organizations[sim.jobs[seed_job].organization_id]
    assert session.restore_point == org.last_backup  # after the last backup: the latest restore point


async def test_teams_explore_needs_v5(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v4")
    body = {"explore": {"datetime": "2024-01-01T00:00:00Z", "type": "vet"}}
    refused = await sim_client.post(f"/v4/Jobs/{seed_job}/Action", json=body, headers=auth)
    assert refused.status_code == 400 and "Teams" in refused.json()["message"]
    auth5 = await sign_in("v5")
    accepted = await sim_client.post(f"/v5/Jobs/{seed_job}/Action", json=body, headers=auth5)
    assert accepted.status_code == 200 and accepted.json()["type"] == "Vet"


async def test_conflicts_are_400_with_a_message(sim_client, sign_in, seed_job, sim_clock) -> None:
    auth = await sign_in("v3")
    stop_idle = await sim_client.post(SEED_URL, json={"stop": None}, headers=auth)
    assert stop_idle.status_code == 400 and stop_idle.json() == {"message": "Job is not running."}
    await sim_client.post(SEED_URL, json={"start": None}, headers=auth)
    again = await sim_client.post(SEED_URL, json={"start": None}, headers=auth)
    assert again.status_code == 400 and again.json()["message"] == "Job is already running."
    sim_clock.advance(5)  # the run ends
    await sim_client.post(SEED_URL, json={"disable": None}, headers=auth)
    disabled = await sim_client.post(SEED_URL, json={"start": None}, headers=auth)
    assert disabled.status_code == 400 and "disabled" in disabled.json()["message"]


async def test_v3_restore_session_stop_and_lists(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v3")
    body = {"explore": {"datetime": "2024-05-01T00:00:00Z", "type": "vesp"}}
    created = (await sim_client.post(SEED_URL, json=body, headers=auth)).json()
    listed = (await sim_client.get("/v3/RestoreSessions", headers=auth)).json()
    assert [s["id"] for s in listed] == [created["id"]]
    stop = await sim_client.post(
        f"/v3/RestoreSessions/{created['id']}/Action", json={"stop": None}, headers=auth
    )
    assert (stop.status_code, stop.content) == (200, b"")
    after = (await sim_client.get(f"/v3/RestoreSessions/{created['id']}", headers=auth)).json()
    assert after["state"] == "Stopped" and after["endTime"] is not None
    paged = (await sim_client.get("/v5/RestoreSessions", headers=await sign_in("v5"))).json()
    assert paged["results"][0]["id"] == created["id"]


async def test_v3_job_sessions_are_an_array_with_the_log_link_bug(sim_client, sign_in, seed_job) -> None:
    auth = await sign_in("v3")
    sessions = (await sim_client.get(f"/v3/Jobs/{seed_job}/JobSessions", headers=auth)).json()
    assert isinstance(sessions, list) and sessions
    newest = sessions[0]
    assert newest["_links"]["log"]["href"].endswith(f"/jobsessions/{newest['id']}/log")
    one = await sim_client.get(f"/v3/JobSessions/{newest['id']}", headers=auth)
    assert one.json()["id"] == newest["id"]
    log = await sim_client.get(f"/v3/JobSessions/{newest['id']}/log", headers=auth)
    assert log.status_code == 404
