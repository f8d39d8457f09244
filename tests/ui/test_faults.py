"""Every bad answer from the server is a clear line in the UI, and no action is lost or sent twice.

The real app and a real VboClient talk to the in-process simulator through `ServerLine`, a thin
transport that can also refuse connections (the server is gone) or hold a POST (still in flight).
Faults come from the simulator's own fault language (`sim.add_fault`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.operations.activity import PROBLEMS, ActivityEntry
from vbotui.sim import ManualClock, Simulator
from vbotui.sim import faults as sim_faults
from vbotui.ui.app import VboApp
from vbotui.ui.screens.confirm import ConfirmScreen
from vbotui.ui.screens.main import MainScreen

from .conftest import SIM_PASSWORD, SIM_USER, loaded, panel_text, wait_until

SIZE = (120, 40)
DISABLED_MESSAGE = "Job is disabled. Enable the job before starting it."
MAY_HAVE_REACHED = "the request may have reached the server; check before retrying"


class ServerLine(httpx.AsyncBaseTransport):
    """The simulator, behind a line that can be cut or made to hold requests to one path."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = httpx.ASGITransport(app=sim.app)
        self.gone = False
        self.held_suffix: str | None = None
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.gone:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.held_suffix and request.method == "POST" and request.url.path.endswith(self.held_suffix):
            await self.release.wait()
        return await self.inner.handle_async_request(request)


AppOnLine = Callable[..., Awaitable[VboApp]]


@pytest.fixture
def line(sim: Simulator) -> ServerLine:
    return ServerLine(sim)


@pytest.fixture
async def make_app(sim: Simulator, sim_clock: ManualClock, line: ServerLine) -> AsyncIterator[AppOnLine]:
    clients: list[VboClient] = []

    async def factory(timeout: float = 30.0, **options: Any) -> VboApp:
        client = VboClient("http://sim.test", "v8", transport=line, timeout=timeout)
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        clients.append(client)
        options.setdefault("refresh_s", 3600.0)
        return VboApp(client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, **options)

    yield factory
    for client in clients:
        await client.aclose()


# ----- helpers -----
def posts(sim: Simulator, verb: str) -> list[str]:
    return [r.path for r in sim.requests if r.method == "POST" and r.path.lower().endswith("/" + verb)]


def job_reads(sim: Simulator, job_id: str, since: int = 0) -> int:
    return len([r for r in sim.requests[since:] if r.method == "GET" and r.path == f"/v8/Jobs/{job_id}"])


def idle_enabled(sim: Simulator, count: int = 1) -> list[str]:
    jobs = sorted(sim.jobs.values(), key=lambda j: j.name.lower())
    return [j.id for j in jobs if j.is_enabled and j.running_session_id is None][:count]


def failures(pilot: Pilot[Any], action: str) -> list[ActivityEntry]:
    """The failed lines of single requests (not a bulk action's summary, whose target is `N jobs`)."""
    entries = pilot.app.activity.entries  # type: ignore[attr-defined]
    return [
        e for e in entries if e.state in PROBLEMS and e.action == action and not e.target.endswith(" jobs")
    ]


def line_for(pilot: Pilot[Any], action: str, target: str) -> str:
    entries = [e for e in pilot.app.activity.entries if e.action == action and e.target == target]  # type: ignore[attr-defined]
    return entries[-1].render().plain if entries else ""


async def act(pilot: Pilot[Any], screen: MainScreen, key: str, job_ids: list[str]) -> None:
    """Press an action key on one job (the cursor) or several (marked, then confirmed)."""
    if len(job_ids) == 1:
        screen.go_to_job(job_ids[0])
        await pilot.press(key)
        return
    for job_id in job_ids:
        screen.jobs.toggle_mark(job_id)
    await pilot.press(key)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")


def rendered(pilot: Pilot[Any]) -> str:
    return "".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


# ----- 1. an HTTP error with the server's message -----
async def test_server_error_on_start_is_shown_verbatim_row_reread_and_not_retried(
    make_app: AppOnLine, sim: Simulator
) -> None:
    sim.add_fault("500x1@POST:/v8/Jobs/*/start")
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        name = screen.jobs.jobs[job_id].name
        sim.jobs[job_id].name = name + " (renamed on the server)"  # only a re-read can show this
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: failures(pilot, "start"), "failure line")
        start_line = line_for(pilot, "start", name)
        assert "REFUSED 500" in start_line and start_line.endswith(
            "An unexpected error occurred on the server."
        )
        reread = lambda: screen.jobs.jobs[job_id].name.endswith("(renamed on the server)")  # noqa: E731
        await wait_until(pilot, reread, "re-read")
        assert len(posts(sim, "start")) == 1
        assert not app._notifications  # said in the panel's line, never a toast over it
        assert ("start", job_id) not in screen.ops.jobs.in_flight


# ----- 2. the action happened, the answer was lost -----
async def test_dropped_answer_to_start_says_check_and_rereads_what_happened(
    make_app: AppOnLine, sim: Simulator
) -> None:
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/start")
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        name = screen.jobs.jobs[job_id].name
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: failures(pilot, "start"), "failure line")
        assert MAY_HAVE_REACHED in line_for(pilot, "start", name)
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Running", "re-read")
        assert sim.jobs[job_id].running_session_id is not None  # it did start
        assert len(posts(sim, "start")) == 1  # and was not resent
        assert "Running" in line_for(pilot, "re-read", name)  # what the server says now
        assert not app._notifications  # said in the panel's line, never a toast over it


async def test_dropped_answers_in_a_bulk_start_are_reread_and_never_resent(
    make_app: AppOnLine, sim: Simulator
) -> None:
    sim.add_fault("drop-afterx2@POST:/v8/Jobs/*/start")
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        job_ids = idle_enabled(sim, 4)
        await act(pilot, screen, "s", job_ids)
        summary = "2 done, 2 outcome unknown (may have reached"
        await wait_until(pilot, lambda: summary in panel_text(pilot), "bulk summary")
        lost = failures(pilot, "start")
        assert len(lost) == 2 and all(MAY_HAVE_REACHED in e.note for e in lost)
        assert len(posts(sim, "start")) == 4
        running = lambda: all(screen.jobs.jobs[i].last_status == "Running" for i in job_ids)  # noqa: E731
        await wait_until(pilot, running, "every row re-read")
        assert not app._notifications


# ----- 3 and 6 (GET). a failed refresh keeps the table and the next poll recovers -----
@pytest.mark.parametrize(
    ("fault", "reason", "timeout"),
    [
        ("drop@GET:/v8/Jobs", "the server closed the connection", 30.0),
        ("malformed@GET:/v8/Jobs", "the server's reply is not JSON", 30.0),
        ("gone", "could not connect: [Errno 111] Connection refused", 30.0),
        ("timeout@GET:/v8/Jobs", "timed out: no answer in 0.5 s", 0.5),
    ],
    ids=["drop", "malformed", "refused", "timeout"],
)
async def test_failed_refresh_keeps_the_rows_says_why_and_the_next_poll_recovers(
    make_app: AppOnLine, sim: Simulator, line: ServerLine, fault: str, reason: str, timeout: float
) -> None:
    app = await make_app(timeout=timeout, refresh_s=2.0)  # the shortest poll the app allows
    ops = app.ops
    assert ops is not None
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        name = screen.jobs.jobs[job_id].name
        sim.jobs[job_id].name = "AAA renamed on the server"
        if fault == "gone":
            line.gone = True
        else:
            sim.add_fault(fault)
        await wait_until(pilot, lambda: ops.refresh_error is not None, "a failed poll")
        refresh_line = line_for(pilot, "refresh", "jobs")
        assert "FAIL" in refresh_line and reason in refresh_line
        assert "may have reached" not in refresh_line  # a GET: nothing to check, it will be retried
        header = str(screen.query_one("#header").render())
        assert "refresh failed:" in header and reason in header  # in words, not only in red
        assert screen.jobs.row_count == len(sim.jobs)  # the last data stays on screen
        assert screen.jobs.get_cell(job_id, "name").plain == name
        assert screen._refresh_timer is not None and screen._refresh_timer._active.is_set()  # re-armed
        line.gone = False
        sim.faults.faults.clear()
        await wait_until(pilot, lambda: not (ops.refresh_error is not None), "the next poll")
        assert screen.jobs.get_cell(job_id, "name").plain == "AAA renamed on the server"
        # A poll that succeeds writes no line (the header's "updated N s ago" says it): one FAIL line only.
        assert panel_text(pilot).count("FAIL") == 1
        assert "refresh failed" not in str(screen.query_one("#header").render())


# ----- 4. an access token that expires mid-session -----
async def test_expired_token_is_refreshed_and_the_action_happens_once(
    make_app: AppOnLine, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        sessions_before = len([s for s in sim.job_sessions.values() if s.job_id == job_id])
        sim.add_fault("expire-tokenx1@POST:/v8/Jobs/*/start")
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Running", "started")
        assert not failures(pilot, "start")
        assert [r.form.get("grant_type") for r in sim.requests if r.form] == ["password", "refresh_token"]
        # The first POST was refused with 401 before anything happened; the job ran once.
        assert len([s for s in sim.job_sessions.values() if s.job_id == job_id]) == sessions_before + 1
        assert len(posts(sim, "start")) == 2


# ----- 5. a bulk start where some jobs are refused -----
async def test_bulk_start_reports_progress_each_failure_and_a_summary(
    make_app: AppOnLine, sim: Simulator
) -> None:
    job_ids = idle_enabled(sim, 10)
    refused = job_ids[1:8:3]  # three of them
    for job_id in refused:
        sim.jobs[job_id].is_enabled = False
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        progress: list[str] = []
        app.activity.subscribe(lambda e: progress.append(e.note) if e.target == "10 jobs" else None)
        await act(pilot, screen, "s", job_ids)
        await wait_until(pilot, lambda: "7 done, 3 refused" in panel_text(pilot), "bulk summary")
        assert any("5/10 answered" in note for note in progress)
        lines = failures(pilot, "start")
        assert sorted(e.target for e in lines) == sorted(sim.jobs[i].name for i in refused)
        assert all(DISABLED_MESSAGE in e.note for e in lines)
        assert len(posts(sim, "start")) == 10
        assert not app._notifications
        started = [i for i in job_ids if i not in refused]
        running = lambda: all(screen.jobs.jobs[i].last_status == "Running" for i in started)  # noqa: E731
        await wait_until(pilot, running, "re-read")


async def test_a_large_bulk_action_rereads_with_one_list(make_app: AppOnLine, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_ids = idle_enabled(sim, 25)
        assert len(job_ids) == 25
        mark = len(sim.requests)
        await act(pilot, screen, "s", job_ids)
        running = lambda: all(screen.jobs.jobs[i].last_status == "Running" for i in job_ids)  # noqa: E731
        await wait_until(pilot, running, "re-read")
        # One list, not 25 single reads (the detail pane's own read of its job's sessions aside).
        gets = [r.path for r in sim.requests[mark:] if r.method == "GET" and "JobSessions" not in r.path]
        assert gets == ["/v8/Jobs"]


# ----- 6 (POST). a request that never gets an answer -----
async def test_hung_start_times_out_says_it_may_have_reached_and_releases_the_guard(
    make_app: AppOnLine, sim: Simulator
) -> None:
    sim.add_fault("timeoutx1@POST:/v8/Jobs/*/start")
    app = await make_app(timeout=0.5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        name = screen.jobs.jobs[job_id].name
        mark = len(sim.requests)
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: failures(pilot, "start"), "failure line")
        assert f"timed out: no answer in 0.5 s - {MAY_HAVE_REACHED}" in line_for(pilot, "start", name)
        assert ("start", job_id) not in screen.ops.jobs.in_flight
        await wait_until(pilot, lambda: job_reads(sim, job_id, mark) == 1, "re-read")
        await pilot.press("s")  # the operator checked and tries again: allowed, sent once more
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Running", "started")
        assert len(posts(sim, "start")) == 2


# ----- 7. server text is shown literally -----
async def test_markup_and_escapes_in_a_server_message_are_shown_literally(
    make_app: AppOnLine, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sim_faults.ERROR_MESSAGES, 500, "[bold red]boom[/] \x1b[2J\x1b]0;pwned\x07")
    sim.add_fault("500x1@POST:/v8/Jobs/*/start")
    job_id = idle_enabled(sim)[0]
    sim.jobs[job_id].name = "[i]job[/i]\x1b[31m"
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: failures(pilot, "start"), "failure line")
        shown = "[bold red]boom[/] ^[[2J^[]0;pwned^G"
        assert shown in panel_text(pilot)
        assert not app._notifications  # the line alone says it
        await pilot.pause()
        on_screen = rendered(pilot)
        assert "\x1b" not in on_screen and "\x07" not in on_screen
        assert "[bold red]boom[/]" in on_screen


# ----- 8. the same action twice on one job -----
async def test_same_action_in_flight_is_refused_a_different_one_is_sent(
    make_app: AppOnLine, sim: Simulator, line: ServerLine
) -> None:
    line.held_suffix = "/start"
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        job_id = idle_enabled(sim)[0]
        name = screen.jobs.jobs[job_id].name
        await act(pilot, screen, "s", [job_id])
        await wait_until(pilot, lambda: ("start", job_id) in screen.ops.jobs.in_flight, "start in flight")
        await pilot.press("s")
        await pilot.pause()
        assert not app._notifications
        assert f"start already in progress for '{name}'" in panel_text(pilot)
        assert "not sent: start already in progress" in panel_text(pilot)
        await pilot.press("e")  # another action on the same job goes out
        await wait_until(pilot, lambda: len(posts(sim, "enable")) == 1, "enable sent")
        line.release.set()
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Running", "started")
        assert len(posts(sim, "start")) == 1
