"""At 80x24 and 120x40 the pulse shows every figure and the oldest backup of each organization, and
the sessions table every rate whole: read from what the terminal shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from vbotui.sim import Simulator
from vbotui.ui.screens.job_sessions import JobSessionsScreen, human_bytes
from vbotui.ui.screens.pulse import PulseScreen

from .conftest import AppFactory, main_loaded, wait_until

SIZES = [(80, 24), (120, 40)]


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_pulse_shows_every_column_whole(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        await main_loaded(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PulseScreen)
        lines = screen_lines(pilot)
        text = "\n".join(lines)
        titles = " ".join(text.split())  # two-line titles read as words
        for words in ("Failed", "Warning", "Success", "Running", "Disabled", "Never", "run", "backup"):
            assert words in titles, text
        assert ("oldest last backup" if size[0] >= 110 else "Oldest") in text, text
        table = screen.query_one(DataTable)
        for row in range(len(screen.orgs)):
            cells = [cell.plain for cell in table.get_row_at(row)]
            shown = next(line for line in lines if line.startswith(f" {cells[0]} "))
            assert shown.split() == " ".join(cells).split(), (shown, cells)  # every figure, whole


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_sessions_table_shows_every_rate_whole(
    make_app: AppFactory, sim: Simulator, size: tuple[int, int]
) -> None:
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        main = await main_loaded(pilot)
        main.go_to_job(next(job.id for job in sim.jobs.values() if job.last_run))
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, JobSessionsScreen) and app.screen.loaded, "sessions"
        )
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JobSessionsScreen) and screen.sessions
        lines = screen_lines(pilot)
        table = screen.query_one(DataTable)
        for key in screen.sessions:
            start, rate = table.get_cell(key, "start").plain, table.get_cell(key, "rate").plain
            assert re.fullmatch(r"\d+(\.\d)? [KMGT]?B/s", rate), rate
            shown = next(line for line in lines if line.startswith(f" {start} "))
            assert shown.rstrip().endswith(rate) or f" {rate} " in shown, (shown, rate)


def test_sizes_have_three_significant_digits_at_most() -> None:
    assert [human_bytes(n) for n in (None, 0, 999, 1000, 1536, 99 * 1024 + 900, 100 * 1024)] == [
        "-",
        "0 B",
        "999 B",
        "1.0 KB",  # 1000 bytes are 0.98 KB: never "1000 B", which is four digits wide
        "1.5 KB",
        "99.9 KB",
        "100 KB",
    ]
    assert human_bytes(5 * 1024**4) == "5.0 TB" and human_bytes(999 * 1024**6) == "999 EB"
    assert human_bytes(1000 * 1024**6) == "11529215046… B"  # no unit says it: the digits, cut
    assert human_bytes(-2048) == "-2.0 KB"
