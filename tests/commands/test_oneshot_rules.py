"""The one-shot commands' rules, run in this process (vbotui.cli.main) against the simulator over
HTTPS: organizations a --filter spans, `--at -2h`, the exit code of mixed outcomes, the start's
sessionId, the keyring note, the bulk summary, and vbotui-sim's --help."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from vbotui.commands.parser import joined_values
from vbotui.commands.records import exit_code
from vbotui.operations import DONE, NOT_SENT, REFUSED, UNKNOWN, Outcome, bulk_summary

from .conftest import SEED_JOB, Server, make_server
from .inprocess import InProcess

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def tenants(tmp_path: Path) -> Iterator[Server]:
    """200 jobs: 25 organizations, so contoso and contoso-emea both exist."""
    yield from make_server(tmp_path, jobs=200)


def org_ids(server: Server, name: str) -> set[str]:
    return {org.id for org in server.sim.organizations.values() if org.name == name}


def jobs_of(server: Server, org: str) -> set[str]:
    ids = org_ids(server, org)
    return {job.id for job in server.sim.jobs.values() if job.organization_id in ids}


def enabled(server: Server) -> dict[str, bool]:
    return {job.id: job.is_enabled for job in server.sim.jobs.values()}


# ----- a write whose --filter spans organizations -----
def test_a_write_whose_filter_spans_organizations_is_refused_naming_them(
    tenants: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = InProcess(tenants, monkeypatch)
    before = enabled(tenants)
    done = here.run("disable", "--filter", "org:contoso", "--yes")
    assert done.code == 2, done.stderr
    assert "2 organizations" in done.stderr
    assert "contoso.onmicrosoft.com (" in done.stderr and "contoso-emea.onmicrosoft.com (" in done.stderr
    assert "--all-orgs" in done.stderr and "nothing sent" in done.stderr
    assert tenants.actions() == [] and enabled(tenants) == before
    # --org says which: only that tenant's jobs.
    narrowed = here.run("disable", "--filter", "org:contoso", "--org", "contoso.onmicrosoft.com", "--yes")
    assert narrowed.code == 0, narrowed.stderr
    changed = {job for job, on in enabled(tenants).items() if on != before[job]}
    assert changed and changed <= jobs_of(tenants, "contoso.onmicrosoft.com")
    # --all-orgs: both.
    both = here.run("enable", "--filter", "org:contoso", "--all-orgs", "--yes", "--output", "json")
    assert both.code == 0, both.stderr
    acted = {record["jobId"] for record in json.loads(both.stdout)}
    assert acted == jobs_of(tenants, "contoso.onmicrosoft.com") | jobs_of(
        tenants, "contoso-emea.onmicrosoft.com"
    )
    # Named jobs are what the operator typed: no organization rule.
    two = (
        sorted(jobs_of(tenants, "contoso.onmicrosoft.com"))[:1]
        + sorted(jobs_of(tenants, "contoso-emea.onmicrosoft.com"))[:1]
    )
    assert here.run("enable", *two, "--yes").code == 0


def test_on_a_terminal_the_confirmation_lists_the_organizations(
    tenants: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = InProcess(tenants, monkeypatch)
    contoso = len(jobs_of(tenants, "contoso.onmicrosoft.com"))
    emea = len(jobs_of(tenants, "contoso-emea.onmicrosoft.com"))
    asked = here.run("disable", "--filter", "org:contoso", "--all-orgs", stderr_tty=True, stdin="n\n")
    assert asked.code == 2 and "not confirmed" in asked.stderr
    assert (
        f"in 2 organizations: contoso.onmicrosoft.com ({contoso} jobs), "
        f"contoso-emea.onmicrosoft.com ({emea} jobs)"
    ) in asked.stderr
    assert tenants.actions() == []
    # Even on a terminal, the filter alone is refused before any question.
    refused = here.run("disable", "--filter", "org:contoso", stderr_tty=True, stdin="y\n")
    assert refused.code == 2 and "2 organizations" in refused.stderr and "[y/N]" not in refused.stderr
    assert tenants.actions() == []


def readme_command(comment: str) -> list[str]:
    """The command on the line after the comment starting `# COMMENT` in the README's example."""
    lines = README.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"# {comment}"))
    command = next(line for line in lines[index:] if not line.lstrip().startswith("#"))
    words = shlex.split(command)
    assert words[0] == "vbotui"
    return words[1:]


def test_the_readme_migration_example_runs_verbatim_and_disables_one_tenant(
    tenants: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = readme_command("during a migration")
    profile = argv[argv.index("--profile") + 1]
    (tenants.home / "config.toml").write_text(
        f'[profiles.{profile}]\nurl = "{tenants.url}"\nuser = "admin"\n', encoding="utf-8"
    )
    before = enabled(tenants)
    done = InProcess(tenants, monkeypatch).run(*argv, select=False)
    assert done.code == 0, done.stderr
    changed = {job for job, on in enabled(tenants).items() if on != before[job]}
    contoso = jobs_of(tenants, "contoso.onmicrosoft.com")
    assert changed == {job for job in contoso if before[job]}  # every enabled contoso job...
    assert all(not enabled(tenants)[job] for job in contoso)
    assert jobs_of(tenants, "contoso-emea.onmicrosoft.com").isdisjoint(changed)  # ...and no other


def test_the_readme_morning_example_is_not_refused_for_spanning_tenants(
    tenants: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = readme_command("07:00: restart every failed job")
    profile = argv[argv.index("--profile") + 1]
    (tenants.home / "config.toml").write_text(
        f'[profiles.{profile}]\nurl = "{tenants.url}"\nuser = "admin"\n', encoding="utf-8"
    )
    failed = {job.id for job in tenants.sim.jobs.values() if job.last_status == "Failed"}
    done = InProcess(tenants, monkeypatch).run(*argv, select=False)
    assert done.code in (0, 1), done.stderr
    started = {record["jobId"] for record in json.loads(done.stdout)}
    assert started == failed  # every failed job, of every organization
    assert len({tenants.sim.jobs[job].organization_id for job in started}) > 1


# ----- --at -2h as written -----
def test_a_negative_at_is_taken_as_written() -> None:
    assert joined_values(["JOB", "--at", "-2h", "--yes"], ("--at",)) == ["JOB", "--at=-2h", "--yes"]
    assert joined_values(["--at", "-1d12h"], ("--at",)) == ["--at=-1d12h"]
    assert joined_values(["--", "--at", "-2h"], ("--at",)) == ["--", "--at", "-2h"]
    assert joined_values(["--at"], ("--at",)) == ["--at"]


@pytest.mark.parametrize("at", ["-2h", "-1d12h"])
def test_explore_at_a_negative_offset_sends_the_explore(
    server: Server, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    done = InProcess(server, monkeypatch).run("explore", SEED_JOB, "--at", at, "--output", "json")
    assert done.code == 0, done.stderr
    assert [path for path, _ in server.actions() if "explore" in path.lower()]
    assert json.loads(done.stdout)[0]["outcome"] == "done"


# ----- outcomes -> exit code; the summary in words -----
def test_an_unknown_outcome_beside_done_and_refused_ones_is_exit_4() -> None:
    done, refused = Outcome(DONE, 202), Outcome(REFUSED, 400, "no")
    unknown, not_sent = Outcome(UNKNOWN, None, "lost"), Outcome(NOT_SENT, None, "x")
    assert exit_code([done, refused, unknown]) == 4
    assert exit_code([unknown, refused]) == 4 and exit_code([refused, done, unknown]) == 4
    assert exit_code([done, refused]) == 1 and exit_code([not_sent]) == 1
    assert exit_code([done, done]) == 0 and exit_code([]) == 0
    # The same words as the app's status panel.
    assert bulk_summary([done] * 21 + [refused] * 3) == "21 done, 3 refused"
    assert bulk_summary([done, unknown]).startswith("1 done, 1 outcome unknown (may have reached the server")


def test_a_bulk_with_one_lost_answer_beside_done_and_refused_ones_exits_4(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(server.sim.jobs)[:3]
    server.sim.add_fault(f"drop-after@POST:/v8/Jobs/{ids[0]}/start")
    server.sim.add_fault(f"400@POST:/v8/Jobs/{ids[1]}/start")
    done = InProcess(server, monkeypatch).run(
        "start", *ids, "--yes", "--api-version", "v8", "--output", "json", stderr_tty=True
    )
    assert done.code == 4, done.stderr
    outcomes = {record["jobId"]: record["outcome"] for record in json.loads(done.stdout)}
    assert outcomes == {ids[0]: "unknown", ids[1]: "refused", ids[2]: "done"}
    records = {record["jobId"]: record for record in json.loads(done.stdout)}
    lost, refused, started = (records[job] for job in ids)
    assert refused["status"] == 400 and refused["message"]
    assert lost["status"] is None and "closed the connection" in lost["message"]
    assert started["status"] in (200, 201, 202) and started["message"] == ""
    assert [r["action"] for r in records.values()] == ["start"] * 3
    assert all(r["job"] == server.sim.jobs[r["jobId"]].name for r in records.values())
    assert "start: 1 done, 1 refused, 1 outcome unknown" in done.stderr  # the summary on a terminal


# ----- start --output json: sessionId -----
def test_start_gives_the_new_session_id_as_a_field(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    here = InProcess(server, monkeypatch)
    done = here.run("start", SEED_JOB, "--api-version", "v8", "--output", "json")
    assert done.code == 0, done.stderr
    [record] = json.loads(done.stdout)
    running = server.sim.jobs[SEED_JOB].running_session_id
    assert record["sessionId"] == running and running
    assert running not in record["message"]
    server.sim.jobs[SEED_JOB].running_session_id = None
    old = here.run("start", SEED_JOB, "--api-version", "v7", "--output", "json")
    [record] = json.loads(old.stdout)
    assert "sessionId" in record and record["sessionId"] is None
    stopped = here.run("enable", SEED_JOB, "--output", "json")
    assert "sessionId" not in json.loads(stopped.stdout)[0]


# ----- the no-keyring note: a terminal's, or -v -----
def test_the_no_keyring_note_only_on_a_terminal_or_with_verbose(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = InProcess(server, monkeypatch)
    quiet = here.run("jobs")
    assert quiet.code == 0 and quiet.stderr == ""
    verbose = here.run("jobs", "-v")
    assert "No secure OS keyring" in verbose.stderr
    assert "No secure OS keyring" in here.run("jobs", "--verbose").stderr
    assert "No secure OS keyring" in here.run("jobs", stderr_tty=True).stderr


# ----- vbotui-sim --help -----
def test_the_simulator_help_shows_its_defaults() -> None:
    from vbotui.sim.cli import build_parser

    text = re.sub(r"\s+", " ", build_parser().format_help())
    for default in ("4443", "127.0.0.1", "300", "seed", "self-signed", "admin", "secret", "3600", "20"):
        assert default in text
    for option in ("--port", "--host", "--latency-ms", "--token-ttl", "--run-seconds", "--user"):
        chunk = text.split(option, 2)[-1][:200]
        assert "default" in chunk, option


def test_the_confirmation_shows_a_hostile_job_name_cleaned(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = server.sim.add_job("evil\x1b]0;pwned\x07\x1b[2J")
    asked = InProcess(server, monkeypatch).run("stop", job_id, stderr_tty=True, stdin="n\n")
    assert asked.code == 2 and "not confirmed" in asked.stderr
    assert "\x1b" not in asked.stderr and "\x07" not in asked.stderr
    assert "stop 'evil^[]0;pwned^G^[[2J'? [y/N]" in asked.stderr


@pytest.mark.parametrize("empty", ["org:=", "orgid:=", "name:=", "!status:=", "orgid:"])
def test_a_write_whose_filter_term_has_no_value_sends_nothing(
    server: Server, monkeypatch: pytest.MonkeyPatch, empty: str
) -> None:
    """`--filter "org:=$TENANT"` with the variable empty is a usage error, not "every job"."""
    done = InProcess(server, monkeypatch).run("disable", "--filter", empty, "--all-orgs", "--yes")
    assert done.code == 2 and f"'{empty}' needs a value" in done.stderr, done.stderr
    assert server.actions() == []
