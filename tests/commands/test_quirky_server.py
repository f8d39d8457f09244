"""`vbotui jobs` against a server looser than its documents (`vbotui-sim --data quirks`): a null
isEnabled, lastRun or organization name and an unlisted lastStatus come out as text in a table, as
null in JSON and empty in CSV, with exit 0."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Server, make_server


@pytest.fixture(params=["v3", "v8"])
def quirky(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    yield from make_server(tmp_path, jobs=12, data=("quirks",), versions=(request.param,))


def test_jobs_of_a_quirky_server_are_listed_in_every_output(quirky: Server) -> None:
    sim = quirky.sim
    null_enabled = {job.id for job in sim.jobs.values() if "isEnabled" in job.wire}
    idle = {job.id for job in sim.jobs.values() if job.last_status == "Idle"}
    never_ran = {job.id for job in sim.jobs.values() if job.last_run is None}
    nameless = next(org for org in sim.organizations.values() if org.wire.get("name", "") is None)
    of_nameless = {job.id for job in sim.jobs.values() if job.organization_id == nameless.id}
    assert null_enabled and idle and never_ran & idle and of_nameless

    listed = {job["id"]: job for job in quirky.json("jobs")}
    assert set(listed) == set(sim.jobs)
    assert {job_id for job_id, job in listed.items() if job["enabled"] is None} == null_enabled
    assert {job_id for job_id, job in listed.items() if job["lastStatus"] == "Idle"} == idle
    assert all(listed[job_id]["lastRun"] is None for job_id in never_ran)
    v8 = quirky.sim.config.versions == ("v8",)  # v6+ name an organization by officeName too
    shown = nameless.office_name if v8 else None
    assert {listed[job_id]["organization"] for job_id in of_nameless} == {shown}

    done = quirky.run("jobs", "--output", "csv")
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(done.stdout))}
    assert {job_id for job_id, row in rows.items() if row["enabled"] == ""} == null_enabled
    assert {job_id for job_id, row in rows.items() if row["lastStatus"] == "Idle"} == idle

    table = quirky.run("jobs", "--filter", "status:=idle")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["NAME", "ORGANIZATION", "ENABLED"] and "STATUS" in lines[0]
    assert len(lines) == 1 + len(idle)
    assert all(" Idle " in line for line in lines[1:])
    assert "Traceback" not in table.stderr
