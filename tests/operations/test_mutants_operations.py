"""The operations layer at the edges a mutmut run found untested: how each kind of error is worded and
classified, the bulk action's per-job outcomes, lines, re-reads and notices, the in-flight guard's words,
perform() when the app is closing or the request is cancelled in flight, and the audit record."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from vbotui.api.errors import (
    AuthError,
    BadRequest,
    MalformedResponse,
    NotFound,
    ServerError,
    TlsError,
    TransportError,
    UnreadableAnswer,
    VboError,
)
from vbotui.api.models import Job
from vbotui.operations import DONE, NOT_SENT, REFUSED, UNKNOWN, AuditLog, JobsChanged, Outcome
from vbotui.operations.events import Notice
from vbotui.operations.outcome import MAY_HAVE_ACTED, classify, error_message
from vbotui.sim import Simulator

from ..helpers.requests import count, posts
from .conftest import MakeWorld, World


async def until(predicate: Any, what: str, limit_s: float = 10.0) -> None:
    """Let the loop run until `predicate()` holds; fail after `limit_s` seconds (never hang)."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}")
        await asyncio.sleep(0.01)


# --- classification: every kind of error, one outcome ------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AuthError("Token refused.", status=403), Outcome(REFUSED, 403, "Token refused.")),
        (
            AuthError("Unauthorized", status=401, error_code="Auth"),
            Outcome(REFUSED, 401, "Unauthorized (Auth)"),
        ),
        (MalformedResponse("no id in the answer", status=200), Outcome(UNKNOWN, 200, "no id in the answer")),
        (VboError("odd", status=201), Outcome(UNKNOWN, 201, "odd")),
        (VboError("odd", status=299), Outcome(UNKNOWN, 299, "odd")),
        (VboError("moved", status=300), Outcome(REFUSED, 300, "moved")),
        (VboError("gateway", status=503), Outcome(UNKNOWN, 503, "gateway")),
        (ServerError("boom", status=500), Outcome(REFUSED, 500, "boom")),
        (
            BadRequest("Job is disabled.", status=400, error_code="X"),
            Outcome(REFUSED, 400, "Job is disabled. (X)"),
        ),
        (NotFound("no such job", status=404), Outcome(REFUSED, 404, "no such job")),
        (TransportError("connection refused"), Outcome(NOT_SENT, None, "connection refused")),
        (TlsError("not the pinned certificate"), Outcome(NOT_SENT, None, "not the pinned certificate")),
        (
            TransportError("read timed out", may_have_reached_server=True),
            Outcome(UNKNOWN, None, "read timed out"),
        ),
        (
            UnreadableAnswer("not JSON", status=200),
            Outcome(UNKNOWN, 200, "the server's answer could not be read: not JSON"),
        ),
        (VboError("an answer nobody could read"), Outcome(UNKNOWN, None, "an answer nobody could read")),
        (KeyError("id"), Outcome(UNKNOWN, None, "KeyError: 'id'")),
        (ValueError("bad shape"), Outcome(UNKNOWN, None, "ValueError: bad shape")),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
def test_every_kind_of_error_has_one_outcome_with_its_words(error: BaseException, expected: Outcome) -> None:
    assert classify(error) == expected


def test_the_servers_error_code_follows_its_message() -> None:
    assert error_message(BadRequest("Job is disabled.", status=400, error_code="JobDisabled")) == (
        "Job is disabled. (JobDisabled)"
    )
    assert error_message(BadRequest("Job is disabled.", status=400)) == "Job is disabled."
    assert error_message(RuntimeError("x")) == "RuntimeError: x"


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (Outcome(DONE, 202), "done 202"),
        (Outcome(DONE), "done"),
        (Outcome(DONE, 200, "session s1"), "done 200: session s1"),
        (Outcome(DONE, None, "session s1"), "done: session s1"),
        (Outcome(REFUSED, 400, "Job is disabled."), "400 Job is disabled."),
        (Outcome(REFUSED, None, "refused by the server"), "refused by the server"),
        (Outcome(UNKNOWN, None, "timed out"), f"outcome unknown: timed out - {MAY_HAVE_ACTED}"),
        (Outcome(NOT_SENT, None, "read-only"), "not sent: read-only"),
    ],
)
def test_each_outcome_is_described_in_the_operators_words(outcome: Outcome, words: str) -> None:
    assert outcome.describe() == words


# --- job actions through the simulator ----------------------------------------------------------


async def enabled_idle_jobs(world: World, n: int) -> list[Job]:
    jobs = sorted(await world.ops.client.list_jobs(), key=lambda j: j.name)
    found = [
        j for j in jobs if world.sim.jobs[j.id].is_enabled and world.sim.jobs[j.id].running_session_id is None
    ]
    assert len(found) >= n
    return found[:n]


def notices(world: World) -> list[Notice]:
    return [e for e in world.events if isinstance(e, Notice)]


def entries(world: World, action: str) -> list[Any]:
    return [e for e in world.ops.activity.entries if e.action == action]


async def test_a_bulk_action_returns_each_jobs_outcome_in_order_and_lines_only_its_problems(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 4)
    sim.add_fault(f"400x1@POST:/v8/Jobs/{jobs[2].id}/start")
    outcomes = await world.ops.jobs.run("start", jobs)
    assert [o.kind for o in outcomes] == [DONE, DONE, REFUSED, DONE]
    assert outcomes[2].status == 400
    # One summary line for the bulk, one line for the refused job alone, none for the jobs done.
    lines = entries(world, "start")
    assert [line.target for line in lines] == [jobs[2].name, "4 jobs"]  # the summary stays the newest
    assert lines[1].note == "3 done, 1 refused"
    assert "FAIL" not in lines[1].render().plain  # 3 of 4 were done: the summary is no failure
    assert not entries(world, "re-read")  # every answer came: each job is re-read silently
    [notice] = notices(world)
    assert (notice.message, notice.severity) == ("start: 3 done, 1 refused", "error")
    assert {r["job_name"] for r in world.audit()} == {job.name for job in jobs}


async def test_a_bulk_action_that_all_succeeds_says_so_as_information(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 3)
    await world.ops.jobs.run("start", jobs)
    [summary] = entries(world, "start")
    assert summary.state == DONE and summary.note == "3/3 succeeded" and summary.target == "3 jobs"
    assert "3/3 succeeded" in summary.render().plain
    [notice] = notices(world)
    assert (notice.message, notice.severity) == ("start: 3/3 succeeded", "information")
    assert world.ops.activity.entries[-1] is summary


async def test_up_to_twenty_jobs_are_reread_one_by_one_and_more_in_one_list(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 21)
    since = len(sim.requests)
    await world.ops.jobs.run("start", jobs[:20])
    single_reads = [r for r in sim.requests[since:] if r.method == "GET" and r.path.startswith("/v8/Jobs/")]
    assert len(single_reads) == 20 and count(sim, "GET", "/v8/Jobs", since) == 0
    changed = [j.id for e in world.events if isinstance(e, JobsChanged) for j in e.jobs]
    assert sorted(changed) == sorted(job.id for job in jobs[:20])

    world.events.clear()
    for job in jobs:
        sim.jobs[job.id].running_session_id = None
    since = len(sim.requests)
    await world.ops.jobs.run("stop", jobs)
    assert count(sim, "GET", "/v8/Jobs", since) == 1  # one list of every job, not 21 reads
    assert not [r for r in sim.requests[since:] if r.method == "GET" and r.path.startswith("/v8/Jobs/")]
    [event] = [e for e in world.events if isinstance(e, JobsChanged)]
    assert sorted(j.id for j in event.jobs) == sorted(job.id for job in jobs) and event.gone == ()
    [reread] = entries(world, "re-read")
    assert reread.note == "21 jobs"


async def test_a_job_the_server_no_longer_has_is_not_reread(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    sim.add_fault(f"404x1@POST:/v8/Jobs/{job.id}/start")
    since = len(sim.requests)
    [outcome] = await world.ops.jobs.run("start", [job])
    assert (outcome.kind, outcome.status) == (REFUSED, 404)
    assert count(sim, "GET", f"/v8/Jobs/{job.id}", since) == 0
    assert not entries(world, "re-read")


async def test_a_request_not_sent_is_not_reread(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    world.line.gone = True
    await world.ops.jobs.run("start", [job])
    assert not entries(world, "re-read")  # not even an attempt (the server is likely unreachable)
    [notice] = notices(world)
    assert notice.severity == "error" and notice.message.startswith(f"start '{job.name}': not sent: ")


async def test_an_unknown_outcome_is_followed_by_what_the_server_says_now(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    sim.jobs[job.id].last_status = None
    sim.add_fault(f"drop-afterx1@POST:/v8/Jobs/{job.id}/start")
    await world.ops.jobs.run("start", [job])
    [reread] = entries(world, "re-read")
    fresh = await world.ops.client.get_job(job.id)
    assert reread.note == f"the server says now: last status {fresh.last_status or '-'}, enabled yes"

    [disabled] = [j for j in await world.ops.client.list_jobs() if not sim.jobs[j.id].is_enabled][:1]
    sim.jobs[disabled.id].last_status = None
    sim.add_fault(f"drop-afterx1@POST:/v8/Jobs/{disabled.id}/enable")
    await world.ops.jobs.run("enable", [disabled])
    last = entries(world, "re-read")[-1]
    now = await world.ops.client.get_job(disabled.id)
    assert last.note == f"the server says now: last status {now.last_status or '-'}, enabled yes"


async def test_a_done_start_names_its_session_on_its_line(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    await world.ops.jobs.run("start", [job])
    [line] = entries(world, "start")
    assert line.state == DONE and line.note == f"session {sim.jobs[job.id].running_session_id}"
    assert not entries(world, "re-read")  # the re-read after a done action is silent
    assert not notices(world)


async def test_the_in_flight_guard_says_which_jobs_are_busy(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 3)
    assert world.ops.jobs.claim("start", jobs[:1]) == jobs[:1]
    assert world.ops.jobs.claim("start", jobs) == jobs[1:]
    [notice] = notices(world)
    assert (notice.message, notice.severity) == ("start already in progress for 1 of 3 jobs", "warning")
    assert world.ops.jobs.claim("start", jobs[:1]) == []
    assert notices(world)[-1].message == f"start already in progress for '{jobs[0].name}'"
    lines = [e for e in world.ops.activity.entries if e.state == NOT_SENT]
    assert [(e.action, e.target, e.note) for e in lines] == [
        ("start", "", "not sent: start already in progress for 1 of 3 jobs"),
        ("start", "", f"not sent: start already in progress for '{jobs[0].name}'"),
    ]
    assert world.ops.jobs.claim("stop", jobs[:1]) == jobs[:1]  # another action on the same job is free
    assert not posts(sim)


async def test_a_full_start_is_audited_as_full(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    await world.ops.jobs.run("start", [job], full=True)
    [post] = posts(sim, "start")
    [record] = world.audit()
    assert record["detail"] == "full" and record["job_name"] == job.name
    await world.ops.jobs.run("stop", [job])
    assert "detail" not in world.audit()[-1]


# --- perform(): closing, cancelled in flight ----------------------------------------------------


async def test_nothing_is_sent_once_the_app_is_closing(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    world.ops.close()
    before = len(sim.requests)
    [outcome] = await world.ops.jobs.run("start", [job])
    assert outcome == Outcome(NOT_SENT, None, "the app is closing")
    assert len(sim.requests) == before
    [line] = entries(world, "start")
    assert line.state == NOT_SENT and line.target == job.name and "the app is closing" in line.render().plain


async def test_nothing_is_sent_once_signed_out(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    world.ops.expired = True
    before = len(sim.requests)
    [outcome] = await world.ops.jobs.run("start", [job])
    assert outcome == Outcome(NOT_SENT, None, "signed out: sign in again")
    assert len(sim.requests) == before


async def test_an_action_cancelled_in_flight_is_unknown_on_its_line_and_in_the_audit(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world(hold_s=5.0)
    [job] = await enabled_idle_jobs(world, 1)
    task = asyncio.ensure_future(world.ops.jobs.run("start", [job]))
    await until(lambda: world.line.in_flight == 1 or task.done(), "the start to be in flight")
    assert not task.done(), "the start ended before it was in flight"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [line] = entries(world, "start")
    assert line.state == UNKNOWN and line.target == job.name
    assert "outcome unknown: cancelled while in flight" in line.render().plain
    [record] = world.audit()
    assert (record["outcome"], record["status"], record["message"]) == (
        UNKNOWN,
        None,
        "cancelled while in flight",
    )
    assert record["job_name"] == job.name and record["action"] == "start"


async def test_a_read_cancelled_in_flight_says_cancelled_and_is_not_audited(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(5)

    task = asyncio.ensure_future(world.ops.perform("list jobs", "jobs", slow, read=True))
    await until(lambda: started.is_set() or task.done(), "the read to be in flight")
    assert not task.done(), "the read ended before it was in flight"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [line] = entries(world, "list jobs")
    assert line.note == "cancelled" and line.target == "jobs"
    assert world.audit() == []


# --- the audit record ---------------------------------------------------------------------------


def test_an_audit_record_names_the_time_the_server_and_a_plain_outcome(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    now = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
    path = tmp_path / "audit.jsonl"
    audit = AuditLog("https://vbo01:4443", "admin", path=path, clock=lambda: now, env={})
    audit.write(action="stop", job_id="j1", job_name="Mail", outcome="not_sent")
    [record] = [json.loads(line) for line in path.read_text().splitlines()]
    assert record["time"] == now.isoformat() and record["server"] == "https://vbo01:4443"
    assert record["outcome"] == "not_sent" and "detail" not in record
    assert record["ssh_client"] is None and record["profile"] == ""
    audit.write(action="a", job_id="", job_name="Zürich", outcome="done")
    assert "Zürich" in path.read_text(encoding="utf-8")  # written as it is, not as \u00fc


def test_an_unwritable_audit_log_is_a_warning_not_a_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    path = blocker / "audit.jsonl"
    audit = AuditLog("s", "u", path=path, env={})
    with caplog.at_level(logging.WARNING, logger="vbotui.operations.audit"):
        audit.write(action="start", job_id="j", job_name="n", outcome="done")
    [message] = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"audit log {path} not written: ")
    assert "Not a directory" in message or "Errno" in message  # the reason, not None


# --- second round: what the first round's survivors showed ---------------------------------------


def test_a_200_that_could_not_be_read_is_unknown() -> None:
    assert classify(VboError("odd body", status=200)) == Outcome(UNKNOWN, 200, "odd body")


async def test_a_full_start_sends_full_alone_and_in_bulk(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 3)
    await world.ops.jobs.run("start", jobs[:1], full=True)
    await world.ops.jobs.run("start", jobs[1:], full=True)
    assert [p.json for p in posts(sim, "start")] == [{"full": True}] * 3
    assert [r["detail"] for r in world.audit()] == ["full"] * 3


async def test_an_action_without_a_session_has_no_note(make_world: MakeWorld, sim: Simulator) -> None:
    world = await make_world()
    [job] = [j for j in await world.ops.client.list_jobs() if not sim.jobs[j.id].is_enabled][:1]
    await world.ops.jobs.run("enable", [job])
    [line] = entries(world, "enable")
    assert line.state == DONE and line.note == ""


async def test_a_bulk_action_shows_its_progress_as_answers_come(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 3)
    sim.add_fault(f"400x1@POST:/v8/Jobs/{jobs[1].id}/start")
    notes: list[str] = []
    world.ops.activity.subscribe(lambda entry: notes.append(entry.note) if entry.target == "3 jobs" else None)
    await world.ops.jobs.run("start", jobs)
    progress = [n for n in notes if "answered" in n]
    assert progress[0].startswith("1/3 answered, ") and progress[-1] == "3/3 answered, 1 not done"
    assert [int(n.split("/")[0]) for n in progress] == sorted(int(n.split("/")[0]) for n in progress)
    assert notes[-1] == "2 done, 1 refused"


async def test_a_bulk_summary_counts_the_unknown_outcomes_exactly(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 3)
    sim.add_fault(f"drop-afterx1@POST:/v8/Jobs/{jobs[0].id}/start")
    await world.ops.jobs.run("start", jobs)
    assert entries(world, "start")[-1].note == (
        "2 done, 1 outcome unknown (may have reached the server; check before retrying)"
    )


async def test_after_a_hang_up_mid_bulk_the_jobs_never_sent_can_be_claimed_again(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world(hold_s=5.0)
    jobs = await enabled_idle_jobs(world, 12)
    claimed = world.ops.jobs.claim("start", jobs)
    task = asyncio.ensure_future(world.ops.jobs.run("start", claimed))
    await until(lambda: world.line.in_flight == 8 or task.done(), "the bound's worth of starts in flight")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not world.ops.jobs.in_flight  # neither the 8 sent (unknown) nor the 4 never sent stay claimed
    assert world.ops.jobs.claim("start", jobs) == jobs
    lost = [e for e in entries(world, "start") if e.state == UNKNOWN]
    assert sorted(e.target for e in lost) == sorted(p_job.name for p_job in jobs[:8])
    assert all("cancelled while in flight" in e.note for e in lost)


async def test_when_closing_a_bulk_action_lines_each_job_not_sent(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 2)
    world.ops.close()
    await world.ops.jobs.run("start", jobs)
    problems = [e for e in entries(world, "start") if e.target != "2 jobs"]
    assert sorted(e.target for e in problems) == sorted(job.name for job in jobs)
    assert all(e.state == NOT_SENT and "the app is closing" in e.note for e in problems)


async def test_a_read_that_was_not_sent_or_failed_is_a_failed_line(
    make_world: MakeWorld, sim: Simulator
) -> None:
    from vbotui.operations.activity import FAILED

    world = await make_world()
    world.line.gone = True
    assert await world.ops.refresh() is None
    assert world.ops.activity.entries[-1].state == FAILED
    world.ops.close()
    assert await world.ops.refresh() is None
    assert (
        world.ops.activity.entries[-1].state == FAILED
        and "the app is closing" in world.ops.activity.entries[-1].note
    )


async def test_a_done_request_without_words_has_an_empty_note_and_its_elapsed_time(
    make_world: MakeWorld, sim: Simulator
) -> None:
    from vbotui.operations import ActivityLog, ServerOperations

    world = await make_world()
    ticks = iter([100.0, 100.0, 102.5])  # the line begins, the request starts, it ends
    activity = ActivityLog(monotonic=lambda: next(ticks))
    ops = ServerOperations(world.ops.client, activity, label="sim")

    async def answer() -> int:
        return 1

    result = await ops.perform("ping", "server", answer)
    assert result.done and result.value == 1
    [line] = activity.entries
    assert line.note == "" and line.elapsed_s == 2.5
    assert "2.50s" in line.render().plain


async def test_a_dead_session_says_sign_in_again(make_world: MakeWorld, sim: Simulator) -> None:
    from vbotui.operations import SessionExpired
    from vbotui.operations.server import EXPIRED

    world = await make_world()
    sim.expire_tokens()
    sim.add_fault("400@POST:/v8/token")
    await world.ops.refresh(first=True)
    [expired] = [e for e in world.events if isinstance(e, SessionExpired)]
    assert expired.reason == EXPIRED and "sign in again" in expired.reason


def test_the_local_user_is_the_uid_without_a_passwd_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass
    import os

    def no_entry() -> str:
        raise KeyError("getpwuid(): uid not found")

    monkeypatch.setattr(getpass, "getuser", no_entry)
    path = tmp_path / "audit.jsonl"
    AuditLog("s", "u", path=path, env={}).write(action="a", job_id="", job_name="", outcome="done")
    [record] = [json.loads(line) for line in path.read_text().splitlines()]
    assert record["local_user"] == str(os.getuid())
    assert record["time"].endswith("+00:00")  # the default clock is UTC


async def test_a_job_gone_before_its_reread_is_dropped_and_the_failed_read_lined(
    make_world: MakeWorld, sim: Simulator
) -> None:
    from vbotui.operations.activity import FAILED

    world = await make_world()
    [job] = await enabled_idle_jobs(world, 1)
    sim.add_fault(f"404x1@GET:/v8/Jobs/{job.id}")
    [outcome] = await world.ops.jobs.run("start", [job])
    assert outcome.kind == DONE
    [event] = [e for e in world.events if isinstance(e, JobsChanged)]
    assert event.jobs == () and event.gone == (job.id,)
    [reread] = entries(world, "re-read")
    assert reread.state == FAILED and reread.status == 404 and reread.target == job.name


async def test_a_large_bulk_reread_names_the_jobs_no_longer_on_the_server(
    make_world: MakeWorld, sim: Simulator
) -> None:
    world = await make_world()
    jobs = await enabled_idle_jobs(world, 21)
    del sim.jobs[jobs[0].id]  # deleted on the server before the operator's request arrived
    await world.ops.jobs.run("start", jobs)
    [event] = [e for e in world.events if isinstance(e, JobsChanged)]
    assert event.gone == (jobs[0].id,)
    assert sorted(j.id for j in event.jobs) == sorted(job.id for job in jobs[1:])
    [reread] = entries(world, "re-read")
    assert reread.target == "21 jobs" and reread.note == "20 jobs, 1 no longer on the server"
