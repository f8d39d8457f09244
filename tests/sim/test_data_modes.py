"""The simulator's data modes (`--data edge|hostile|logs-without-ids`) and its trickle, endless and
repeat-pages faults, as a client on the wire sees them."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

import httpx
import pytest

from vbotui.sim import FIRST_JOB_ID, ManualClock, SimConfig, Simulator, parse_fault
from vbotui.sim.cli import build_parser
from vbotui.sim.data_modes import HOSTILE_IDS

from .test_faults_and_data import client_for, token


def sim_with(*modes: str, jobs: int = 60) -> Simulator:
    return Simulator(SimConfig(jobs=jobs, data=modes, clock=ManualClock()))


async def test_edge_dates_are_written_as_a_server_writes_them() -> None:
    sim = sim_with("edge")
    async with client_for(sim) as client:
        auth = await token(client)
        text = (await client.get("/v8/Jobs", headers=auth)).text
        v3 = (await client.get("/v3/Jobs", headers=await token(client, "v3"))).text
    assert '"lastRun":"0001-01-01T00:00:00"' in text
    assert '"nextRun":"9999-12-31T23:59:59.9999999"' in text
    assert '"lastBackup":"0001-01-01T05:00:00+05:00"' in text
    assert '"nextRun":"9999-12-31T23:59:59.9999999"' in v3 and '"lastBackup"' not in v3  # v3 has none
    assert sim.jobs[FIRST_JOB_ID].raw_times == {}  # the seed document's examples still work


def test_a_year_one_time_is_written_with_four_digits() -> None:
    from vbotui.sim.render import api_time

    assert api_time(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00.0000000Z"


async def test_hostile_ids_and_names_are_served_and_found() -> None:
    sim = sim_with("hostile", jobs=300)
    names = [org.name for org in sim.organizations.values()]
    assert "Adatum Corp" in names
    for control in ("\x1b]0;", "\x1b]2;", "\x1b]52;", "\x1bP", "\x9b", "\x9d", "\u202e"):
        assert any(control in name for name in names), control
    hostile = [job_id for job_id in sim.jobs if job_id.startswith(HOSTILE_IDS)]
    assert len(hostile) == len(HOSTILE_IDS) and any("\n" in job_id for job_id in hostile)
    async with client_for(sim) as client:
        auth = await token(client)
        listed = (await client.get("/v8/Jobs", headers=auth)).json()["results"]
        assert set(hostile) <= {job["id"] for job in listed}
        for job_id in [job_id for job_id in hostile if "\n" not in job_id]:  # read by its encoded id
            answer = await client.get(f"/v8/Jobs/{quote(job_id, safe='')}", headers=auth)
            assert answer.status_code == 200 and answer.json()["id"] == job_id
        orgs = (await client.get("/v8/Organizations", headers=auth)).json()["results"]
        assert "Adatum Corp" in {org["name"] for org in orgs}


async def test_log_items_without_ids() -> None:
    sim = sim_with("logs-without-ids")
    async with client_for(sim) as client:
        auth = await token(client)
        sessions = (await client.get(f"/v8/JobSessions?jobId={FIRST_JOB_ID}", headers=auth)).json()
        session_id = sessions["results"][0]["id"]
        items = (await client.get(f"/v8/JobSessions/{session_id}/LogItems", headers=auth)).json()["results"]
    assert items and all("id" not in item and "usn" not in item and item["message"] for item in items)


def test_the_command_line_takes_data_modes_and_the_trickle_pause() -> None:
    args = build_parser().parse_args(["--data", "edge", "--data", "hostile", "--trickle-seconds", "0.5"])
    assert (args.data, args.trickle_seconds) == (["edge", "hostile"], 0.5)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--data", "weird"])
    with pytest.raises(ValueError, match="unknown data mode"):
        sim_with("weird")
    help_text = build_parser().format_help()
    assert "logs-without-ids" in help_text and "repeat-pages" in help_text and "endless" in help_text


@pytest.mark.parametrize("kind", ["trickle", "endless", "repeat-pages"])
def test_the_new_fault_kinds_parse(kind: str) -> None:
    assert parse_fault(f"{kind}x1@GET:/v8/Jobs").kind == kind


async def test_repeat_pages_ignores_offset_and_links_next_to_itself() -> None:
    sim = sim_with(jobs=40)
    sim.add_fault("repeat-pages@GET:/v8/Jobs")
    async with client_for(sim) as client:
        auth = await token(client)
        first = (await client.get("/v8/Jobs?offset=0&limit=10", headers=auth)).json()
        later = (await client.get("/v8/Jobs?offset=30&limit=10", headers=auth)).json()
        whole = (await client.get("/v8/Jobs?offset=0&limit=100", headers=auth)).json()
    assert later["results"] == first["results"] and (later["offset"], later["limit"]) == (0, 10)
    assert later["_links"]["next"] == later["_links"]["self"]
    assert whole["limit"] == len(whole["results"]) == 40  # a short page said to be full


async def test_a_trickled_answer_is_the_whole_answer_in_the_end() -> None:
    sim = Simulator(SimConfig(jobs=5, faults=("tricklex1@GET:/v8/Jobs",), trickle_seconds=0.0))
    async with client_for(sim) as client:
        auth = await token(client)
        trickled = await client.get("/v8/Jobs", headers=auth)
        plain = await client.get("/v8/Jobs", headers=auth)
    assert trickled.status_code == 200 and trickled.content == plain.content


async def test_an_endless_answer_never_closes_its_results() -> None:
    """Over the wire: read a few megabytes of it, then hang up (an in-process transport would
    collect it for ever)."""
    import trustme

    from ..helpers.tls import serve_https

    sim = Simulator(SimConfig(jobs=5, faults=("endless@GET:/v8/Jobs",)))
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    with leaf.cert_chain_pems[0].tempfile() as cert, leaf.private_key_pem.tempfile() as key:
        with serve_https(sim.app, (str(cert), str(key))) as port:
            import ssl

            context = ssl.create_default_context()
            ca.configure_trust(context)
            async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}", verify=context) as client:
                auth = await token(client)
                read = 0
                async with client.stream("GET", "/v8/Jobs", headers=auth) as answer:
                    assert answer.status_code == 200
                    async for piece in answer.aiter_bytes():
                        read += len(piece)
                        if read > 4 * 1024 * 1024:
                            break
    assert read > 4 * 1024 * 1024
