"""Each one-shot command, each output format and each exit code, as a script sees them."""

from __future__ import annotations

import csv
import io
import json
import os
import socket

import pytest

from vbotui.commands import COMMANDS, find_command

from .conftest import SEED_JOB, Server

JOB_FIELDS = [
    "id",
    "name",
    "organization",
    "organizationId",
    "enabled",
    "lastStatus",
    "lastRun",
    "nextRun",
    "lastBackup",
]
RESULT_FIELDS = ["jobId", "job", "action", "outcome", "status", "message"]


def test_the_command_word_is_found_after_selection_flags_and_their_values():
    assert find_command(["--server", "jobs", "jobs"]) == 2  # a server named "jobs" is a value
    assert find_command(["--profile=p", "--read-only", "start", "x"]) == 2
    assert find_command(["--demo"]) is None and find_command(["--", "jobs"]) is None
    assert find_command(["notacommand", "jobs"]) is None
    assert set(COMMANDS) >= {"jobs", "start", "log", "stop-restore-session"}


def test_jobs_in_table_json_and_csv_with_the_documented_fields(server: Server):
    table = server.run("jobs")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["NAME", "ORGANIZATION", "ENABLED"]
    assert len(lines) == 1 + len(server.sim.jobs)
    listed = server.json("jobs")
    assert [list(job) for job in listed] == [JOB_FIELDS] * len(server.sim.jobs)
    seed = next(job for job in listed if job["id"] == SEED_JOB)
    assert seed["organization"] == "contoso.onmicrosoft.com" and seed["enabled"] is True
    assert seed["lastRun"].endswith("Z") and "T" in seed["lastRun"]
    done = server.run("jobs", "--output", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == JOB_FIELDS
    by_id = {row["id"]: row for row in rows}
    for job in listed:
        row = by_id[job["id"]]
        assert row["name"] == job["name"] and row["lastRun"] == (job["lastRun"] or "")
        assert row["enabled"] == ("true" if job["enabled"] else "false")


def test_selection_flags_are_taken_before_or_after_the_command(server: Server):
    before = server.run("--server", server.url, "--user", "admin", "jobs", "--output", "json", select=False)
    after = server.run("jobs", "--output", "json")
    assert before.returncode == after.returncode == 0, before.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout)


def test_filter_sort_and_org(server: Server):
    names = [job["name"] for job in server.json("jobs", "--filter", "contoso", "--sort", "name")]
    assert names and names == sorted(names, key=str.casefold)
    assert all("Contoso" in name for name in names)
    disabled = server.json("jobs", "--filter", "enabled:no")
    assert all(job["enabled"] is False for job in disabled)
    org = server.json("jobs", "--org", "fabrikam.onmicrosoft.com")
    assert org and {job["organization"] for job in org} == {"fabrikam.onmicrosoft.com"}


def test_an_unknown_filter_key_is_a_usage_error_and_nothing_is_sent(server: Server):
    done = server.run("start", "--filter", "colour:red", "--yes")
    assert done.returncode == 2 and "unknown key 'colour'" in done.stderr
    assert server.sim.requests == []


def test_a_filter_that_matches_nothing_is_exit_0_with_a_note(server: Server):
    done = server.run("start", "--filter", "no-such-job-anywhere", "--yes", "--output", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [] and "no job matches the filter" in done.stderr
    assert server.actions() == []


def test_the_seed_five_operations_on_v3_send_exactly_the_seed_bodies(server: Server):
    v3 = ("--api-version", "v3")
    for args in (("disable", "--yes"), ("enable",), ("start",), ("stop", "--yes")):
        results = server.json(*args, SEED_JOB, *v3)
        assert [(r["jobId"], r["action"], r["outcome"]) for r in results] == [(SEED_JOB, args[0], "done")]
        fields = [*RESULT_FIELDS, "sessionId"] if args[0] == "start" else RESULT_FIELDS
        assert list(results[0]) == fields
    explored = server.json("explore", SEED_JOB, "--at", "2024-05-01T10:00:00Z", *v3)
    assert explored[0]["outcome"] == "done" and explored[0]["state"] == "Working"
    assert explored[0]["id"] in server.sim.restore_sessions and explored[0]["type"] == "Vex"
    path = f"/v3/Jobs/{SEED_JOB}/Action"
    assert server.actions() == [
        (path, {"disable": None}),
        (path, {"enable": None}),
        (path, {"start": None}),
        (path, {"stop": None}),
        (
            path,
            {
                "explore": {
                    "datetime": "2024-05-01T10:00:00.000000Z",
                    "type": "vex",
                    "showDeleted": False,
                    "showAllVersions": False,
                }
            },
        ),
    ]
    audited = [(r["action"], r["job_id"], r["outcome"]) for r in server.audit]
    assert audited == [(a, SEED_JOB, "done") for a in ("disable", "enable", "start", "stop", "explore")]


def test_yes_is_required_without_a_tty_and_nothing_is_sent(server: Server):
    stop = server.run("stop", SEED_JOB)
    assert stop.returncode == 2 and "needs --yes" in stop.stderr
    assert server.sim.requests == []  # refused before signing in
    two = [job["id"] for job in server.json("jobs")][:2]
    start = server.run("start", *two)
    assert start.returncode == 2 and "start 2 jobs: needs --yes" in start.stderr
    assert server.actions() == []
    full = server.run("start", "--full", SEED_JOB)
    assert full.returncode == 2 and "--full needs --yes" in full.stderr
    restore = server.run("stop-restore-session", "any")
    assert restore.returncode == 2 and "needs --yes" in restore.stderr
    assert server.actions() == []


def test_a_read_only_profile_sends_no_action(server: Server):
    done = server.run("enable", SEED_JOB, "--read-only")
    assert done.returncode == 2 and "read-only" in done.stderr
    assert server.sim.requests == []
    assert server.run("jobs", "--read-only").returncode == 0  # reads are fine


def test_a_name_matching_two_jobs_is_refused_with_the_candidates_and_org_narrows_it(server: Server):
    orgs = list(server.sim.organizations)
    first = server.sim.add_job("Backup Job 1", orgs[0])
    second = server.sim.add_job("Backup Job 1", orgs[1])
    done = server.run("enable", "Backup Job 1")
    assert done.returncode == 2 and "names 2 jobs" in done.stderr
    assert first in done.stderr and second in done.stderr
    assert server.actions() == []
    org_name = server.sim.organizations[orgs[1]].name
    results = server.json("enable", "Backup Job 1", "--org", org_name)
    assert [(r["jobId"], r["outcome"]) for r in results] == [(second, "done")]
    unknown = server.run("enable", "backup job 1")  # names are case-sensitive
    assert unknown.returncode == 2 and "no job with the id or name" in unknown.stderr


def test_a_refusal_is_exit_1_and_a_lost_answer_exit_4(server: Server):
    idle = server.run("stop", SEED_JOB, "--yes", "--output", "json", "--api-version", "v3")
    assert idle.returncode == 1, idle.stderr  # stopping a job that is not running
    assert json.loads(idle.stdout)[0]["outcome"] == "refused"
    server.sim.add_fault("drop-after@POST:/v3/jobs/*/action")
    lost = server.run("start", SEED_JOB, "--output", "json", "--api-version", "v3")
    assert lost.returncode == 4, lost.stderr
    assert json.loads(lost.stdout)[0]["outcome"] == "unknown"
    assert len([p for p, _ in server.actions() if p.endswith("/Action")]) == 2  # never resent


def test_bulk_start_of_many_jobs_with_yes_reports_each_job(server: Server):
    results = server.json("start", "--filter", "enabled:yes", "--all-orgs", "--yes")
    enabled = [job for job in server.json("jobs") if job["enabled"]]
    assert len(results) == len(enabled) > 1
    assert {r["outcome"] for r in results} == {"done"}
    assert all(path.endswith("/start") and body == {"full": False} for path, body in server.actions())


def test_full_start_sends_full_true_on_v8_and_nothing_on_v3(server: Server):
    done = server.run("start", "--full", SEED_JOB, "--yes", "--api-version", "v8")
    assert done.returncode == 0, done.stderr
    assert server.actions() == [(f"/v8/Jobs/{SEED_JOB}/start", {"full": True})]
    old = server.run("start", "--full", SEED_JOB, "--yes", "--api-version", "v3")
    assert old.returncode == 2 and "--full needs API v6" in old.stderr
    assert len(server.actions()) == 1


def test_sessions_log_and_restore_sessions(server: Server):
    sessions = server.json("sessions", SEED_JOB, "--limit", "3")
    assert 1 <= len(sessions) <= 3 and all(s["jobId"] == SEED_JOB for s in sessions)
    assert list(sessions[0]) == [
        "id",
        "jobId",
        "job",
        "status",
        "creationTime",
        "endTime",
        "progress",
        "details",
    ]
    every = server.json("sessions", "--limit", "5")
    assert len(every) == 5
    times = [s["creationTime"] for s in every]
    assert times == sorted(times, reverse=True)
    log = server.json("log", sessions[0]["id"])
    assert log and {"id", "creationTime", "text"} <= set(log[0])
    table = server.run("log", sessions[0]["id"])
    assert table.returncode == 0 and table.stdout.startswith("TIME")
    explored = server.json("explore", SEED_JOB, "--at", "latest")
    session_id = explored[0]["id"]
    listed = server.run("restore-sessions", "--output", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [row["state"] for row in rows if row["id"] == session_id] == ["Working"]
    stopped = server.json("stop-restore-session", session_id, "--yes")
    assert stopped[0]["outcome"] == "done" and stopped[0]["state"] == "Stopped"
    assert server.sim.restore_sessions[session_id].state == "Stopped"
    assert server.audit[-1]["action"] == "stop restore session"
    missing = server.run("stop-restore-session", "no-such-session", "--yes")
    assert missing.returncode == 2 and "no restore session" in missing.stderr


def test_an_explore_time_that_cannot_be_read_is_a_usage_error(server: Server):
    done = server.run("explore", SEED_JOB, "--at", "yesterday-ish")
    assert done.returncode == 2 and "--at" in done.stderr
    assert server.sim.requests == []


def test_hostile_job_names_are_inert_in_a_table_and_exact_in_json(server: Server):
    hostile = "evil\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\x9b31m"
    job_id = server.sim.add_job(hostile)
    table = server.run("jobs")
    assert table.returncode == 0, table.stderr
    for unsafe in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert unsafe not in table.stdout
    assert "evil^[]0;pwned^G^[[2J<U+202E>gnp.exe<9B>31m" in table.stdout
    done = server.run("jobs", "--output", "json")
    for unsafe in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert unsafe not in done.stdout  # escaped in the document...
    assert next(j for j in json.loads(done.stdout) if j["id"] == job_id)["name"] == hostile  # ...exact parsed
    results = server.run("enable", job_id)
    assert "\x1b" not in results.stdout and "\x1b" not in results.stderr


def test_help_states_the_contract():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "vbotui.cli", "start", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    for words in (
        "--full",
        "--filter",
        "--yes",
        "--fingerprint",
        "--password-file",
        "exit codes:",
        "4  at least",
    ):
        assert words in done.stdout
    top = subprocess.run([sys.executable, "-m", "vbotui.cli", "--help"], capture_output=True, text=True)
    assert "stop-restore-session" in top.stdout


def test_an_unknown_flag_is_exit_2(server: Server):
    done = server.run("jobs", "--colour")
    assert done.returncode == 2 and "unrecognized arguments" in done.stderr


def test_an_unreachable_server_is_exit_3():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        import subprocess
        import sys

        env = {k: v for k, v in os.environ.items() if not k.startswith("VBOTUI_")}
        env.update(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", VBOTUI_PASSWORD="secret")
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "vbotui.cli",
                "jobs",
                "--server",
                f"http://127.0.0.1:{port}",
                "--user",
                "a",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 3 and "cannot reach" in done.stderr


@pytest.mark.parametrize("command", ["jobs", "restore-sessions"])
def test_a_wrong_password_is_exit_3(server: Server, command: str):
    done = server.run(command, password="wrong")
    assert done.returncode == 3 and "refused" in done.stderr


def test_log_follow_prints_new_items_until_the_running_session_ends(tmp_path):
    from .conftest import make_server

    for server in make_server(tmp_path, run_seconds=5):
        assert server.run("start", SEED_JOB).returncode == 0
        running = server.json("sessions", SEED_JOB, "--limit", "1")[0]
        assert running["status"] == "Running"
        done = server.run("log", running["id"], "--follow")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith("TIME") and len([line for line in lines if line.startswith("TIME")]) == 1
        assert "Job finished" in lines[-1] or "Job was stopped" in lines[-1]
        polls = [r for r in server.sim.requests if r.method == "GET" and r.path.endswith(f"/{running['id']}")]
        assert len(polls) >= 2  # it was still running at the first look: the log was followed
        assert server.run("log", running["id"], "--follow", "--output", "json").returncode == 2
