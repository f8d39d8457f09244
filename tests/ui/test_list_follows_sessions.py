"""The row never stays behind its own sessions: when the detail pane reads a session that has ended
while the row says Running, the job is read again (its status is never copied from the session);
and with the app's schedule on, the jobs acted on are read again seconds after the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from vbotui.sim import ManualClock, Simulator

from ..helpers.requests import count
from .conftest import AppFactory, loaded, wait_until

SIZE = (120, 40)


async def test_a_running_row_whose_session_ended_is_read_again(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    job = next(j for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
    sim.state.start(job, sim.now())  # running when the app reads the list
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.jobs.jobs[job.id].last_status == "Running"
        sim_clock.advance(sim.state.config.run_seconds + 60)  # it ends on the server; the row does not know
        mark = len(sim.requests)
        screen.go_to_job(job.id)
        screen.load_sessions(job.id)
        await wait_until(pilot, lambda: screen.jobs.jobs[job.id].last_status != "Running", "the row")
        assert count(sim, "GET", f"/v8/Jobs/{job.id}", mark) == 1  # read from the server
        assert screen.jobs.jobs[job.id].last_status == sim.jobs[job.id].last_status


async def test_a_row_in_step_with_its_sessions_is_not_read_again(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = screen.jobs.cursor_job_id
        mark = len(sim.requests)
        screen.load_sessions(job_id)
        await wait_until(pilot, lambda: count(sim, "GET", "/v8/JobSessions", mark) >= 1, "sessions")
        await app.workers.wait_for_complete()
        assert count(sim, "GET", f"/v8/Jobs/{job_id}", mark) == 0


async def test_the_app_reads_an_acted_job_again_later(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app(reread_later=True)
    pending: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.ops.jobs.scheduler is not None
        real = screen.ops.jobs.scheduler

        def recording(delay: float, read: Callable[[], Awaitable[None]]) -> None:
            pending.append(delay)
            real(0.01, read)  # at once: the test does not wait seconds

        screen.ops.jobs.scheduler = recording
        job_id = next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
        screen.go_to_job(job_id)
        mark = len(sim.requests)
        await pilot.press("s")
        await wait_until(pilot, lambda: len(pending) == 3, "the later reads")  # still Running each time
        await wait_until(pilot, lambda: count(sim, "GET", f"/v8/Jobs/{job_id}", mark) == 4, "four reads")
        assert pending == [2.0, 3.0, 5.0]
