"""Every screen's footer: whole keys only, in the registry's ranks (a remapped key keeps its place),
`?` first on every screen, and a click runs its key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer

from vbotui.ui.screens.help import HelpScreen
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.pulse import PulseScreen
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen
from vbotui.ui.screens.session_log import SessionLogScreen
from vbotui.ui.widgets.footer import FooterEntry, KeyFooter, fitting

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


def bottom_line(pilot: Pilot[Any]) -> str:
    """The screen's last line as the terminal shows it."""
    return pilot.app.screen._compositor.render_strips()[-1].text.rstrip()


MAIN_AT_80 = "? Help q Quit / Filter ⏎ Sessions s Start x Stop S Full p Pulse R Restores"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_job_lists_footer_keeps_its_highest_ranked_keys(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.pause()
        line = bottom_line(pilot)
        assert line.startswith(MAIN_AT_80), line  # the same first keys, whatever the width
        if size[0] >= 120:
            assert "space Mark" in line and "e Enable" in line, line


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_remapped_key_keeps_its_place(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        app.set_keymap({"start": "t"})
        await wait_until(pilot, lambda: "t Start" in bottom_line(pilot), "t Start in the footer")
        assert bottom_line(pilot).startswith(MAIN_AT_80.replace("s Start", "t Start")), bottom_line(pilot)


def is_current(app: App[Any], kind: type[Screen[Any]]) -> bool:
    return isinstance(app.screen, kind)


def first_with_sessions(screen: MainScreen) -> str:
    return next(job_id for job_id in screen.jobs.visible_ids() if screen.jobs.jobs[job_id].last_run)


async def open_each_screen(pilot: Pilot[Any], main: MainScreen) -> AsyncIterator[tuple[str, Screen[Any]]]:
    """The pulse, the restore sessions, a job's sessions and a session's log, each in turn."""
    app = pilot.app
    kinds: tuple[tuple[str, type[Screen[Any]]], ...] = (("p", PulseScreen), ("R", RestoreSessionsScreen))
    for key, kind in kinds:
        await pilot.press(key)
        await wait_until(pilot, partial(is_current, app, kind), kind.__name__)
        await pilot.pause()
        yield key, app.screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "back")
    main.go_to_job(first_with_sessions(main))
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: isinstance(app.screen, JobSessionsScreen) and app.screen.loaded, "sessions"
    )
    yield "enter", app.screen
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, SessionLogScreen), "log")
    await pilot.pause()
    yield "enter enter", app.screen


FIRST_KEYS = {
    "p": "? Help esc Back ⏎ Show jobs ^r Refresh",
    "R": "? Help esc Back x Stop session ^r Refresh",
    "enter": "? Help esc Back ⏎ Log ^r Refresh",
    "enter enter": "? Help esc Back / Search n Next N Previous G Follow o Objects",
}


async def test_every_screen_has_the_ranked_footer_and_its_question_mark(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await loaded(pilot)
        seen = []
        async for keys, screen in open_each_screen(pilot, main):
            seen.append(keys)
            assert not screen.query(Footer), keys  # not Textual's: it cuts keys in the middle
            assert screen.query_one(KeyFooter)
            assert bottom_line(pilot) == FIRST_KEYS[keys], (keys, bottom_line(pilot))
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), f"help from {keys}")
            await pilot.press("escape")
            await wait_until(pilot, partial(is_current, app, type(screen)), "back from the help")
        assert seen == list(FIRST_KEYS)


def entry(key: str, description: str, rank: int) -> FooterEntry:
    return FooterEntry(key, key, description, description.lower(), True, rank)


def test_rank_zero_always_shows_and_a_shorter_lower_rank_fills_the_room() -> None:
    help_, long, short = entry("?", "Help", 0), entry("x", "A long description", 1), entry("y", "Go", 2)
    assert fitting((help_, long, short), 3) == [help_]  # "? Help" is wider than 3: shown all the same
    assert fitting((help_, long, short), 12) == [help_, short]  # "? Help y Go": the long one left out
    assert fitting((help_, long, short), 27) == [help_, long]  # 6 + 1 + 20; "y Go" needs 5 more
    assert fitting((help_, long, short), 32) == [help_, long, short]
