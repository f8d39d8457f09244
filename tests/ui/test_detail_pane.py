"""The detail pane always shows the job under the cursor, and its sessions are read again after an
action on it and after each poll while it runs."""

from __future__ import annotations

from vbotui.sim import ManualClock, Simulator

from .conftest import AppFactory, loaded, wait_until

SIZE = (120, 40)


def session_reads(sim: Simulator, job_id: str) -> int:
    """How many times the job's newest sessions were read: on v8 each read asks once for the
    running sessions apart (`status=Running`), then for windows of end time."""
    return len(
        [
            r
            for r in sim.requests
            if r.method == "GET"
            and r.path.lower().endswith("/jobsessions")
            and r.query.get("jobId") == job_id
            and r.query.get("status") == "Running"
        ]
    )


async def test_starting_the_job_under_the_cursor_shows_its_new_session(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
        screen.go_to_job(job_id)
        await wait_until(
            pilot, lambda: screen._detail_id == job_id and screen._detail_sessions is not None, "sessions"
        )
        await pilot.press("s")

        def newest_is_the_run() -> bool:
            sessions = screen._detail_sessions or []
            running = sim.jobs[job_id].running_session_id
            return running is not None and bool(sessions) and sessions[0].id == running

        await wait_until(pilot, newest_is_the_run, "the new session in the pane")


async def test_a_poll_reads_the_sessions_of_a_running_job_again(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
        screen.go_to_job(job_id)
        await pilot.press("s")
        await wait_until(pilot, lambda: sim.jobs[job_id].running_session_id is not None, "running")
        await wait_until(pilot, lambda: screen._detail_sessions is not None, "the pane's sessions")
        await app.workers.wait_for_complete()
        reads = len(sim.requests)
        screen.refresh_jobs()  # a poll
        await app.workers.wait_for_complete()
        paths = [r.path for r in sim.requests[reads:]]
        assert any("JobSessions" in path or "/Jobs/" in path and "Sessions" in path for path in paths), paths


async def test_when_an_action_moves_the_job_out_of_the_filter_the_pane_follows_the_cursor(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
        sim.jobs[job_id].last_status = "Failed"
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"status:failed", "enter")
        await wait_until(pilot, lambda: job_id in screen.jobs.visible_ids(), "the filter")
        screen.go_to_job(job_id)
        await pilot.press("s")  # one job: no question; it runs now, so it leaves the filter
        await wait_until(pilot, lambda: job_id not in screen.jobs.visible_ids(), "the job leaving the filter")
        await pilot.pause()
        assert screen._detail_id == screen.jobs.cursor_job_id != job_id
