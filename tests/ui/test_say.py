"""What the app tells the operator is a cleaned line (the status panel, or the screen's own line),
never a toast over the newest status lines or a dialog; `c` copies only a plausible id."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.widgets import Static
from textual.widgets._toast import Toast

from vbotui.ui.clipboard import copy_refusal
from vbotui.ui.screens.base import SAID_LINE

from .conftest import AppFactory, loaded, panel_text, wait_until

SMALL = (80, 24)
HOSTILE_ID = "\x1b]0;pwned\x07\x1b[2J\nrm -rf ~\n"


def toasts(app: Any) -> list[Any]:
    return [toast for screen in app.screen_stack for toast in screen.query(Toast)]


async def test_a_refusal_at_80x24_is_a_panel_line_and_no_toast(make_app: AppFactory) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("s")
        await wait_until(pilot, lambda: "not sent: read-only" in panel_text(pilot), "the line")
        await pilot.pause()
        assert not app._notifications and not toasts(app)
        panel = app.screen.query_one("#status")
        rows = [panel.render_line(y).text for y in range(panel.size.height)]
        assert any("not sent: read-only" in row for row in rows)  # the newest line, in sight


async def test_a_screen_without_the_panel_says_it_on_its_own_line(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("enter")  # the job's sessions: no status panel there
        await wait_until(pilot, lambda: len(app.screen_stack) > 2, "the sessions screen")
        app.say("line \x1b[2J for the operator", "warning")  # type: ignore[attr-defined]
        await pilot.pause()
        said = app.screen.query_one(f"#{SAID_LINE}", Static)
        assert str(said.render()) == "line ^[[2J for the operator"
        assert said.region.height == 1 and said.region.y < SMALL[1]
        assert "line ^[[2J for the operator" in panel_text(pilot) and not toasts(app)


async def test_c_says_the_id_was_sent_to_the_terminals_clipboard(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        screen = await loaded(pilot)
        await pilot.press("c")
        await pilot.pause()
        job_id = screen.jobs.cursor_job_id
        assert app.clipboard == job_id
        assert f"job id {job_id} sent to the terminal's clipboard (OSC 52)" in panel_text(pilot)
        assert "Copied" not in panel_text(pilot) and not app._notifications


@pytest.mark.parametrize("bad_id", [HOSTILE_ID, "a" * 513, "id with spaces", "caf\u00e9-id"])
async def test_c_refuses_an_id_that_is_not_plausible_and_says_why(make_app: AppFactory, bad_id: str) -> None:
    app = await make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        screen = await loaded(pilot)
        job = screen.jobs.jobs[screen.jobs.visible_ids()[0]]
        screen.jobs.load([*screen.jobs.jobs.values(), replace(job, id=bad_id, name="AAA hostile")])
        assert screen.jobs.move_to(bad_id)
        await pilot.press("c")
        await wait_until(pilot, lambda: "not copied" in panel_text(pilot), "the refusal")
        assert app.clipboard == ""  # nothing sent to the terminal's clipboard
        line = next(e for e in app.activity.entries if "not copied" in e.note).render().plain
        assert "not a plausible id" in line and ("512" in line or "spaces, control or non-ASCII" in line)
        assert "\x1b" not in line and "\n" not in line and "\x07" not in line
        assert not app._notifications


@pytest.mark.parametrize(
    "good_id",
    [
        "3f2c1a9e-8d7b-4c6a-9e5f-1a2b3c4d5e6f",
        "AAMkAGI2TG93AAA=+/AbC",  # an EWS item id (base64)
        "b!3f2c1a9e8d7b4c6a9e5f1a2b3c4d5e6f_3f2c1a9e8d7b4c6a9e5f1a2b3c4d5e6f",
        "x" * 512,
    ],
)
def test_plausible_ids_are_copied(good_id: str) -> None:
    assert copy_refusal(good_id) is None


async def test_a_said_line_is_written_whole_from_after_its_action(make_app: AppFactory) -> None:
    """A said line has no target: it is not padded into the request columns, so at 120 columns the
    whole copy line shows (padded, its end was cut off)."""
    app = await make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await loaded(pilot)
        await pilot.press("c")
        await pilot.pause()
        job_id = screen.jobs.cursor_job_id
        panel = app.screen.query_one("#status")
        rows = [panel.render_line(y).text for y in range(panel.size.height)]
        whole = f"job id {job_id} sent to the terminal's clipboard (OSC 52)"
        assert any(whole in row for row in rows), rows
