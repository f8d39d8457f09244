"""A mark never redirects a later key: marks are spent once an action on them is sent, they stay
when the operator says no, and an action on anything but the cursor's job always asks first."""

from __future__ import annotations

from typing import Any

from vbotui.sim import Simulator
from vbotui.ui.screens.confirm import ConfirmScreen
from vbotui.ui.screens.main import MainScreen

from ..helpers.requests import post_paths, posts
from .conftest import AppFactory, loaded, wait_until

SIZE = (120, 40)


def dialog_text(app: Any) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query("Static"))


def idle_job(screen: MainScreen, sim: Simulator, *, enabled: bool = True) -> str:
    """A job shown in the list, not running on the server (so `x` is refused)."""
    for job_id in screen.jobs.visible_ids()[:-1]:
        job = sim.state.jobs[job_id.lower()]
        if job.running_session_id is None and job.is_enabled == enabled:
            return job_id
    raise AssertionError("no idle job in the list")


async def mark_on(pilot: Any, screen: MainScreen, job_id: str) -> None:
    assert screen.jobs.move_to(job_id)
    await pilot.press("space")
    assert screen.jobs.marks == {job_id}


async def test_space_marks_and_moves_the_cursor_down(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        first = screen.jobs.visible_ids()[0]
        assert screen.jobs.cursor_job_id == first
        await pilot.press("space")
        assert screen.jobs.marks == {first}
        assert screen.jobs.cursor_job_id == screen.jobs.visible_ids()[1]


async def test_a_refused_single_on_a_mark_spends_it_and_a_later_key_acts_on_the_cursor(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        marked = idle_job(screen, sim)
        await mark_on(pilot, screen, marked)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: "REFUSED" in app.activity.entries[-1].render().plain, "refusal")
        assert post_paths(sim, "stop") == [f"/v8/Jobs/{marked}/stop"]
        assert screen.jobs.marks == set()  # sent: spent, although refused
        await pilot.press("escape", "G", "s")
        assert not isinstance(app.screen, ConfirmScreen)  # one job, the cursor's: no question
        await app.workers.wait_for_complete()
        cursor = screen.jobs.cursor_job_id
        assert cursor != marked
        assert post_paths(sim, "start") == [f"/v8/Jobs/{cursor}/start"]


async def test_a_done_single_disable_spends_its_mark(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        marked = idle_job(screen, sim)
        await mark_on(pilot, screen, marked)
        await pilot.press("k")  # back onto the marked job
        assert screen.jobs.cursor_job_id == marked
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        assert post_paths(sim, "disable") == [f"/v8/Jobs/{marked}/disable"]
        assert sim.state.jobs[marked.lower()].is_enabled is False
        assert screen.jobs.marks == set()


async def test_no_keeps_the_marks_and_sends_nothing(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        marked = idle_job(screen, sim)
        await mark_on(pilot, screen, marked)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the question closed")
        assert posts(sim) == []
        assert screen.jobs.marks == {marked}  # nothing was sent: still marked


async def test_a_mark_off_screen_is_asked_about_by_name(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        marked = idle_job(screen, sim)
        await mark_on(pilot, screen, marked)
        await pilot.press("G")
        assert screen.jobs.cursor_job_id != marked
        await pilot.press("s")  # start on one job never asks, unless it is not the cursor's
        assert isinstance(app.screen, ConfirmScreen)
        text = dialog_text(app)
        assert screen.jobs.jobs[marked].name in text and "not the job under the cursor" in text
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "the question closed")
        assert posts(sim) == [] and screen.jobs.marks == {marked}
        await pilot.press("s", "y")
        await app.workers.wait_for_complete()
        assert post_paths(sim, "start") == [f"/v8/Jobs/{marked}/start"]
        assert screen.jobs.marks == set()
