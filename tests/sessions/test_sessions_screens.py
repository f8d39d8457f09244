"""Pilot tests of issue 11 against the simulator on v3 and v8: Enter on a job lists its sessions,
Enter on a session shows its log, which follows a running session and stops following on scroll;
`/` searches with n/N; S starts full ({"full": true} on v8, nothing on v3); p is the pulse."""

from __future__ import annotations

from typing import Any

import pytest

from vbotui.sim import FIRST_JOB_ID, ManualClock, Simulator
from vbotui.ui.screens import job_sessions
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.pulse import PulseScreen
from vbotui.ui.screens.session_log import SessionLogScreen

from .conftest import AppFactory, main_loaded, posts, wait_until


def on(app: Any, kind: type) -> bool:
    """The app shows a `kind` screen that has read what it shows."""
    return isinstance(app.screen, kind) and bool(getattr(app.screen, "loaded", False))


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_enter_sessions_enter_log_esc_esc(make_app: AppFactory, sim: Simulator, version: str) -> None:
    app = await make_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, JobSessionsScreen), "sessions")
        screen = app.screen
        assert isinstance(screen, JobSessionsScreen)
        starts = [s.creation_time for s in screen.sessions.values() if s.creation_time is not None]
        assert len(starts) >= 3 and starts == sorted(starts, reverse=True)  # newest first
        table_text = str(screen.query_one("#job-sessions-table").render_line(1))
        assert table_text
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, SessionLogScreen), "log")
        log = app.screen
        assert isinstance(log, SessionLogScreen)
        lines = log.log_view.plain
        assert "started" in lines[0] and ("finished" in lines[-1] or "stopped" in lines[-1])
        assert all("[" in line for line in lines)  # v3 titles and v8 type+message read the same
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, JobSessionsScreen), "back to sessions")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "back to the job list")


async def test_sessions_refresh_in_place_while_one_runs(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_sessions, "RUNNING_REFRESH_S", 0.05)
    sim.jobs[FIRST_JOB_ID].objects = 100
    app = await make_app("v8")
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("s")
        await wait_until(pilot, lambda: sim.jobs[FIRST_JOB_ID].running_session_id is not None, "started")
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, JobSessionsScreen), "sessions")
        screen = app.screen
        assert isinstance(screen, JobSessionsScreen)
        newest = next(iter(screen.sessions.values()))
        assert newest.is_running
        sim_clock.advance(5)
        await wait_until(pilot, lambda: not next(iter(screen.sessions.values())).is_running, "ended in place")
        assert next(iter(screen.sessions)) == newest.id


async def test_log_follows_a_running_session_and_stops_on_scroll(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    app = await make_app("v8")
    async with app.run_test(size=(80, 14)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("s")
        await wait_until(pilot, lambda: sim.jobs[FIRST_JOB_ID].running_session_id is not None, "started")
        job = main.jobs.jobs[FIRST_JOB_ID]
        running = await app.ops.client.job_session(sim.jobs[FIRST_JOB_ID].running_session_id or "")  # type: ignore[union-attr]
        screen = SessionLogScreen(app.ops, job, running, poll_s=0.05)  # type: ignore[arg-type]
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.loaded, "log read")
        view = screen.log_view
        first = len(view.lines)
        sim_clock.advance(1.0)  # half the run: more lines
        await wait_until(pilot, lambda: len(view.lines) > first, "the log grew")
        await pilot.pause()
        assert view.following and view.scroll_y == view.max_scroll_y
        # The operator scrolls up: following stops, and new lines do not move the view.
        await pilot.press("home")
        await pilot.pause()
        assert not view.following and view.scroll_y == 0
        grown = len(view.lines)
        sim_clock.advance(1.5)
        await wait_until(pilot, lambda: len(view.lines) > grown, "more lines")
        await pilot.pause()
        assert view.scroll_y == 0 and not view.following
        await pilot.press("G")
        await pilot.pause()
        assert view.following and view.scroll_y == view.max_scroll_y
        await wait_until(pilot, lambda: not screen.session.is_running, "the session ended")
        assert "finished" in view.lines[-1].plain or "error" in view.lines[-1].plain


async def test_search_highlights_and_n_N_move(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app("v8")
    async with app.run_test(size=(100, 20)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, JobSessionsScreen), "sessions")
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, SessionLogScreen), "log")
        screen = app.screen
        assert isinstance(screen, SessionLogScreen)
        await pilot.press("slash", *"processing", "enter")
        await pilot.pause()
        view = screen.log_view
        assert view.term == "processing" and len(view.matches) >= 2
        assert all("processing" in view.lines[i].plain.lower() for i in view.matches)
        assert view.current == 0
        await pilot.press("n")
        assert view.current == 1
        await pilot.press("N", "N")
        assert view.current == len(view.matches) - 1  # wraps around
        assert "matches" in str(screen.query_one("#session-log-status").render())
        await pilot.press("slash", "escape")  # esc in the box clears the search and stays
        await pilot.pause()
        assert view.term == "" and isinstance(app.screen, SessionLogScreen)


async def test_start_full_sends_full_true_on_v8(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app("v8")
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("S")
        await pilot.pause()
        assert "reads every object" in str(app.screen.query_one("#confirm-text").render())
        await pilot.press("y")
        await wait_until(pilot, lambda: posts(sim), "the start")
        assert [(r.path, r.json) for r in posts(sim)] == [(f"/v8/Jobs/{FIRST_JOB_ID}/start", {"full": True})]


async def test_start_full_sends_nothing_on_v3_and_says_why(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app("v3")
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("S")
        await wait_until(pilot, lambda: any(e.action == "start full" for e in app.activity.entries), "a line")
        assert posts(sim) == []
        line = next(e for e in app.activity.entries if e.action == "start full").render().plain
        assert "not sent" in line and "v3" in line and "v6" in line


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_pulse_and_a_figure_filters_exactly_those_jobs(
    make_app: AppFactory, sim: Simulator, version: str
) -> None:
    app = await make_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse")
        screen = app.screen
        assert isinstance(screen, PulseScreen)
        server = str(screen.query_one("#pulse-server").render())
        assert "build" in server and "Proxies" in server and "Licence" in server
        assert ("Healthy" in server) if version == "v8" else ("from API v8" in server)
        # The organization with the most failed jobs, its "Failed" figure.
        row = max(range(len(screen.orgs)), key=lambda i: len(screen.orgs[i].by_status("Failed")))
        org = screen.orgs[row]
        failed = {job.id for job in org.by_status("Failed")}
        assert failed
        screen.query_one("#pulse-table").move_cursor(row=row, column=1)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is main, "back in the job list")
        await pilot.pause()
        assert set(main.jobs.rows) == failed
