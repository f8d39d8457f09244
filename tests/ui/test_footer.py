"""The main screen's footer: whole keys only, Help and Quit first, and a click runs its key."""

from __future__ import annotations

from vbotui.ui.screens.help import HelpScreen
from vbotui.ui.widgets.footer import KeyFooter

from .conftest import AppFactory, loaded, wait_until


async def test_only_whole_keys_show_and_a_click_runs_one(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        footer = screen.query_one(KeyFooter)
        await pilot.pause()
        line = footer.render().plain
        assert footer.shown[:2] == ["? Help", "q Quit"]
        assert line.rstrip().endswith(footer.shown[-1]), line  # nothing cut after the last key
        assert len(footer.shown) < len(footer.entries)  # 120 columns do not hold every key
        at = line.index("/ Filter")
        await pilot.click(KeyFooter, offset=(line.index("? Help") + 2, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help from a click")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        await pilot.click(KeyFooter, offset=(at, 0))
        await wait_until(pilot, lambda: screen.focused is screen.query_one("#filter"), "the filter box")
