"""Marks the filter hides stay marked and are acted on only after a confirmation that says so."""

from __future__ import annotations

from vbotui.sim import Simulator
from vbotui.ui.screens.confirm import ConfirmScreen

from ..helpers.requests import posts
from .conftest import AppFactory, loaded

SIZE = (120, 40)


def header(screen: object) -> str:
    return str(screen.query_one("#header").render())  # type: ignore[attr-defined]


def dialog_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return " ".join(str(widget.render()) for widget in screen.query("Static"))


async def test_one_hidden_mark_is_confirmed_and_said(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job = next(j for j in screen.jobs.jobs.values() if j.name.startswith("Contoso"))
        screen.jobs.toggle_mark(job.id)
        await pilot.press("slash", *"fabrikam", "enter")
        await pilot.pause()
        assert job.id not in screen.jobs.visible_ids() and screen.jobs.marks == {job.id}
        screen.update_header()
        assert "1 marked, 1 hidden by the filter" in header(screen)
        await pilot.press("e")  # enable: one job would not ask, but this one is hidden
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 hidden by the filter" in dialog_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert posts(sim, "enable") == []
        await pilot.press("e", "y")
        await app.workers.wait_for_complete()
        assert [r.path for r in posts(sim, "enable")] == [f"/v8/Jobs/{job.id}/enable"]


async def test_visible_marks_say_nothing_of_hiding(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        screen.jobs.toggle_mark(screen.jobs.visible_ids()[0])
        screen.jobs.toggle_mark(screen.jobs.visible_ids()[1])
        screen.update_header()
        assert "2 marked" in header(screen) and "hidden" not in header(screen)
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmScreen) and "hidden" not in dialog_text(app)
