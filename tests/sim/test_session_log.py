"""The simulator's job-session log: it grows while the job runs, says how it ended, and is the same
every time (deterministic); v3-v7 write a title, v8 a type and a message; faults apply."""

from __future__ import annotations

import httpx


async def _log(client: httpx.AsyncClient, version: str, session: str, auth: dict[str, str]) -> list[dict]:
    response = await client.get(f"/{version}/JobSessions/{session}/LogItems", headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"offset", "limit", "results"} <= set(body)  # paged on every version, v3 included
    return list(body["results"])


async def test_log_grows_while_running_and_ends_with_the_outcome(
    sim_client, sign_in, seed_job, sim, sim_clock
) -> None:
    auth = await sign_in("v8")
    started = await sim_client.post(f"/v8/Jobs/{seed_job}/start", json={"full": False}, headers=auth)
    session = started.json()["id"]
    first = await _log(sim_client, "v8", session, auth)
    assert [item["type"] for item in first] == ["Success"] and "started" in first[0]["message"]
    sim_clock.advance(1.0)  # half of the simulated run
    middle = await _log(sim_client, "v8", session, auth)
    assert len(middle) > len(first) and middle[: len(first)] == first
    sim_clock.advance(2.0)
    final = await _log(sim_client, "v8", session, auth)
    assert final[: len(middle)] == middle
    assert "finished" in final[-1]["message"] or "stopped" in final[-1]["message"]
    assert [item["usn"] for item in final] == list(range(1, len(final) + 1))
    assert final == await _log(sim_client, "v8", session, auth)  # nothing moves once it has ended


async def test_v3_items_carry_a_title(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v3")
    sessions = (await sim_client.get(f"/v3/Jobs/{seed_job}/JobSessions", headers=auth)).json()
    items = await _log(sim_client, "v3", sessions[0]["id"], auth)
    assert items and all(item["title"].startswith("[") for item in items)
    assert all("type" not in item and "message" not in item for item in items)


async def test_stopped_run_keeps_its_lines_and_says_stopped(sim_client, sign_in, seed_job, sim_clock) -> None:
    auth = await sign_in("v8")
    started = await sim_client.post(f"/v8/Jobs/{seed_job}/start", json={"full": False}, headers=auth)
    session = started.json()["id"]
    sim_clock.advance(0.8)
    before = await _log(sim_client, "v8", session, auth)
    await sim_client.post(f"/v8/Jobs/{seed_job}/stop", headers=auth)
    after = await _log(sim_client, "v8", session, auth)
    assert after[:-1] == before and after[-1]["type"] == "Stop"


async def test_full_start_makes_a_full_session(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v8")
    body = (await sim_client.post(f"/v8/Jobs/{seed_job}/start", json={"full": True}, headers=auth)).json()
    assert body["jobSessionConfigType"] == "Full"


async def test_faults_apply_to_the_log(sim_client, sign_in, seed_job, sim) -> None:
    auth = await sign_in("v8")
    sim.add_fault("500x1@GET:/v8/JobSessions/*/LogItems")
    session = sim.jobs[seed_job].session_ids[0] if sim.jobs[seed_job].session_ids else None
    if session is None:
        await sim_client.get(f"/v8/JobSessions?jobId={seed_job}", headers=auth)
        session = sim.jobs[seed_job].session_ids[0]
    assert (await sim_client.get(f"/v8/JobSessions/{session}/LogItems", headers=auth)).status_code == 500
    assert (await sim_client.get(f"/v8/JobSessions/{session}/LogItems", headers=auth)).status_code == 200


async def test_health_reports_nats_and_the_configuration_database(sim_client, sim) -> None:
    """What the v8 document says Health checks: the NATS server and the PostgreSQL database."""
    body = (await sim_client.get("/v8/Health")).json()
    assert body == {
        "status": "Healthy",
        "entries": {
            "NATS": {"status": "Healthy", "description": None},
            "PostgreSQL": {"status": "Healthy", "description": None},
        },
    }
    sim.state.unhealthy["PostgreSQL"] = "Failed to connect to 127.0.0.1:5432"
    body = (await sim_client.get("/v8/Health")).json()
    assert body["status"] == "Unhealthy"
    assert body["entries"]["PostgreSQL"] == {
        "status": "Unhealthy",
        "description": "Failed to connect to 127.0.0.1:5432",
    }
    assert body["entries"]["NATS"]["status"] == "Healthy"
