"""The status panel: bounded history that follows the newest line unless the operator scrolled up,
focusable and scrollable by keyboard; a bulk summary is never pushed out by its own failures."""

from __future__ import annotations

from textual.geometry import Region

from vbotui.operations.activity import HISTORY, ActivityLog
from vbotui.sim import Simulator
from vbotui.ui.actions import help_sections
from vbotui.ui.widgets.status_panel import StatusPanel

from .conftest import AppFactory, loaded

SIZE = (120, 40)


def shown(panel: StatusPanel) -> str:
    return "\n".join(panel.render_line(y).text for y in range(panel.size.height))


async def test_the_panel_follows_the_newest_line_unless_scrolled_up(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        panel = app.screen.query_one(StatusPanel)
        for n in range(HISTORY + 100):
            app.activity.note("note", f"line {n}")
        await pilot.pause()
        assert len(app.activity.entries) == HISTORY  # bounded
        assert f"line {HISTORY + 99}" in shown(panel)  # the newest is in sight
        panel.focus()
        await pilot.press("home")  # read back
        await pilot.pause()
        assert "line 100" in shown(panel) and f"line {HISTORY + 99}" not in shown(panel)
        app.activity.note("note", "while reading back")
        await pilot.pause()
        assert "line 100" not in shown(panel) or "line 101" in shown(panel)  # the view stays put
        assert "while reading back" not in shown(panel)
        await pilot.press("end")  # follow again
        app.activity.note("note", "followed again")
        await pilot.pause()
        assert "followed again" in shown(panel)


async def test_tab_reaches_the_panel(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for _ in range(4):
            if isinstance(app.focused, StatusPanel):
                break
            await pilot.press("tab")
        assert isinstance(app.focused, StatusPanel)


async def test_a_line_completed_in_place_repaints_with_its_outcome(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        panel = app.screen.query_one(StatusPanel)
        entry = app.activity.begin("start", "Some job")
        await pilot.pause()
        assert "..." in shown(panel).splitlines()[len(app.activity.entries) - 1]
        entry.succeeded(202, 0.1)
        await pilot.pause()
        assert "202" in shown(panel).splitlines()[len(app.activity.entries) - 1]


def test_a_bulk_summary_is_kept_past_its_own_failure_lines() -> None:
    log = ActivityLog(limit=50)
    summary = log.begin("start", "300 jobs")
    for n in range(120):
        log.begin("start", f"job {n}").finished_with_failures("refused")
    assert summary not in log.entries  # pushed out by its own failures...
    summary.finished_with_failures("180 done, 120 refused")
    log.keep(summary)
    assert log.entries[-1] is summary  # ...and back, as the newest line


def painted(panel: StatusPanel) -> list[str]:
    """What the terminal was last sent for each row (the widget's line cache), not a fresh render."""
    width, height = panel.size
    outer = panel.outer_size
    gutter = panel.styles.gutter
    strips = panel.render_lines(Region(0, 0, outer.width, outer.height))[gutter.top : gutter.top + height]
    return [strip.text[gutter.left : gutter.left + width] for strip in strips]


def fresh(panel: StatusPanel) -> list[str]:
    return [panel.render_line(y).text for y in range(panel.size.height)]


async def test_a_kept_summary_repaints_every_line_below_where_it_was(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        panel = app.screen.query_one(StatusPanel)
        summary = app.activity.begin("start", "3 jobs")
        for n in range(3):
            line = app.activity.begin("start", f"job {n}")
            line.finished_with_failures(f"refusal {n}")
        app.activity.note("re-read", "3 jobs")
        await pilot.pause()
        painted(panel)  # every row painted once, as the terminal has it
        summary.finished_with_failures("0 done, 3 refused")
        app.activity.keep(summary)
        await pilot.pause()
        assert painted(panel) == fresh(panel)
        rows = painted(panel)
        assert sum("refusal" in row for row in rows) == 3 and any("re-read" in row for row in rows)
        assert "3 refused" in rows[len(app.activity.entries) - 1 - int(panel.scroll_y)]


async def test_a_line_added_to_a_full_history_repaints_every_row(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        panel = app.screen.query_one(StatusPanel)
        for n in range(HISTORY):
            app.activity.note("note", f"line {n}")
        await pilot.pause()
        painted(panel)
        app.activity.note("note", "the newest")
        await pilot.pause()
        rows = painted(panel)
        assert rows == fresh(panel)
        assert sum("the newest" in row for row in rows) == 1


def test_the_help_says_how_to_reach_and_scroll_the_panel() -> None:
    sections = dict(help_sections())
    [(keys, does)] = sections["Status panel (Tab moves the focus there)"]
    assert keys == "end" and "newest line" in does and "PgUp" in does and "Home" in does
