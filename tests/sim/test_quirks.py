"""`--data quirks`: the simulator sends what real servers send beside their documents: null where a
value is promised and enum values no document lists."""

from __future__ import annotations

import httpx
import pytest

from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.sim.cli import build_parser

SEED_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"


async def test_quirks_on_the_wire(sim_clock: ManualClock) -> None:
    sim = Simulator(SimConfig(jobs=20, seed=7, clock=sim_clock, data=("quirks",)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://s") as http:
        for version in ("v3", "v7", "v8"):
            form = {"grant_type": "password", "username": "admin", "password": "secret"}
            token = (await http.post(f"/{version}/token", data=form)).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            jobs = (await http.get(f"/{version}/Jobs", headers=auth)).json()
            jobs = jobs["results"] if isinstance(jobs, dict) else jobs
            by_id = {job["id"]: job for job in jobs}
            enabled = {job_id for job_id, job in by_id.items() if job["isEnabled"] is None}
            assert enabled == {job.id for job in sim.jobs.values() if "isEnabled" in job.wire} != set()
            idle = [job for job in jobs if job["lastStatus"] == "Idle"]
            assert idle and any(job["lastRun"] is None for job in idle)
            seed = by_id[SEED_JOB]  # the seed document's job keeps its values
            assert seed["isEnabled"] is True and seed["lastStatus"] in ("Success", "Warning", "Failed")
            orgs = (await http.get(f"/{version}/Organizations", headers=auth)).json()
            orgs = orgs["results"] if isinstance(orgs, dict) else orgs
            assert [org["name"] for org in orgs].count(None) == 1
            if version != "v3":
                backup2 = next(job for job in sim.jobs.values() if job.job_type == "Backup2")
                sessions = (await http.get(f"/{version}/JobSessions?jobId={backup2.id}", headers=auth)).json()
                assert {session["jobType"] for session in sessions["results"]} == {"Backup2"}


def test_the_data_mode_is_checked() -> None:
    assert build_parser().parse_args(["--data", "quirks"]).data == ["quirks"]
    assert build_parser().parse_args([]).data == []
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--data", "odd"])
    with pytest.raises(ValueError, match="odd"):
        Simulator(SimConfig(data=("odd",)))
    plain = Simulator(SimConfig(jobs=20, seed=7))
    assert all(not job.wire and job.last_status != "Idle" for job in plain.jobs.values())
