"""The records the one-shot commands print hold the server's values, field by field (run in this
process: a wrong field or a swapped value fails here, and mutation testing sees it)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from vbotui.commands.records import JOB_FIELDS

from .conftest import SEED_JOB, Server
from .inprocess import InProcess


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def test_jobs_records_are_the_servers_jobs(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    here = InProcess(server, monkeypatch)
    done = here.run("jobs", "--output", "json")
    assert done.code == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [record["name"] for record in listed] == sorted(
        (job.name for job in server.sim.jobs.values()), key=str.casefold
    )
    for record in listed:
        job = server.sim.jobs[record["id"]]
        org = server.sim.organizations[job.organization_id]
        assert list(record) == list(JOB_FIELDS)
        assert record["name"] == job.name and record["organization"] == org.name
        assert record["organizationId"].lower() == job.organization_id
        assert record["enabled"] is job.is_enabled and record["lastStatus"] == job.last_status
        assert record["lastRun"] == iso(job.last_run) and record["lastBackup"] == iso(job.last_backup)
    rows = list(csv.DictReader(io.StringIO(here.run("jobs", "--output", "csv").stdout, newline="")))
    for row, record in zip(rows, listed, strict=True):
        assert row["id"] == record["id"] and row["lastRun"] == (record["lastRun"] or "")
        assert row["enabled"] == ("true" if record["enabled"] else "false")
        assert row["lastStatus"] == (record["lastStatus"] or "")


@pytest.mark.parametrize("key", ["last-run", "last-status", "enabled", "organization", "last-backup"])
def test_jobs_sort_missing_values_last_then_by_name(
    server: Server, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    field = {
        "last-run": "lastRun",
        "last-status": "lastStatus",
        "enabled": "enabled",
        "organization": "organization",
        "last-backup": "lastBackup",
    }[key]
    listed = json.loads(InProcess(server, monkeypatch).run("jobs", "--sort", key, "--output", "json").stdout)
    values = [(record[field] is None, record[field] or 0, record["name"].casefold()) for record in listed]
    assert values == sorted(values)
    assert len({record[field] for record in listed}) > 1  # the key really orders something


def test_sessions_restore_sessions_and_log_records(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    here = InProcess(server, monkeypatch)
    listed = json.loads(here.run("sessions", SEED_JOB, "--limit", "3", "--output", "json").stdout)
    assert listed, "the seed job has sessions"
    job = server.sim.jobs[SEED_JOB]
    for record in listed:
        session = server.sim.state.job_sessions[record["id"]]
        assert record["jobId"] == SEED_JOB and record["job"] == job.name
        assert record["status"] == session.status and record["progress"] == session.progress
        assert record["creationTime"] == iso(session.creation_time)
        assert record["endTime"] == iso(session.end_time)
    assert [r["creationTime"] for r in listed] == sorted((r["creationTime"] for r in listed), reverse=True)
    log = json.loads(here.run("log", listed[0]["id"], "--output", "json").stdout)
    assert log and list(log[0]) == ["id", "creationTime", "type", "title", "message", "text"]
    assert all(item["message"] and item["message"] in item["text"] for item in log)
    explored = here.run("explore", SEED_JOB, "--at", "latest", "--output", "json")
    assert explored.code == 0, explored.stderr
    [opened] = json.loads(explored.stdout)
    assert (opened["jobId"], opened["job"], opened["action"], opened["outcome"]) == (
        SEED_JOB,
        job.name,
        "explore",
        "done",
    )
    assert opened["id"] in server.sim.restore_sessions
    assert (opened["type"], opened["state"]) == ("Vex", server.sim.restore_sessions[opened["id"]].state)
    restores = json.loads(here.run("restore-sessions", "--output", "json").stdout)
    [restore] = restores
    assert restore["id"] == opened["id"]
    sim_restore = server.sim.restore_sessions[restore["id"]]
    assert (restore["type"], restore["state"], restore["organization"]) == (
        sim_restore.type,
        sim_restore.state,
        sim_restore.organization,
    )
    assert restore["name"] == sim_restore.name and restore["creationTime"] == iso(sim_restore.creation_time)
