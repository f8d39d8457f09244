"""Issue 9 §2 on the real screen (planted-bug kind "an organization cell built without cleaning"):
whatever builds the job table's cells, the rendered screen shows server text only as placeholders.
Written against what is drawn, not against the widget's internals, so it survives a table rewrite."""

from __future__ import annotations

from typing import Any

import pytest

from vbotui.sim import Simulator

from .conftest import AppFactory, loaded

SIZE = (160, 40)


def drawn(app: Any) -> str:
    """Every character the compositor would write to the terminal, screen and overlays."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


HOSTILE = [
    ("\x1b[2J\x1b]0;pwned\x07", "^[[2J^[]0;pwned^G"),
    ("Con\u2067toso\u2069", "Con<U+2067>toso<U+2069>"),
    ("Fab\u200brikam", "Fab<U+200B>rikam"),
    ("\x9b31m", "<9B>31m"),
]


@pytest.mark.parametrize(("name", "shown"), HOSTILE, ids=["esc-osc", "bidi-isolate", "zero-width", "c1-csi"])
async def test_an_organization_name_is_drawn_cleaned_in_the_job_table(
    make_app: AppFactory, sim: Simulator, name: str, shown: str
) -> None:
    job = min(sim.jobs.values(), key=lambda j: j.name.lower())  # first row: on screen
    org = sim.organizations[job.organization_id]
    org.name = org.office_name = "Z" + name
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        screen.go_to_job(job.id)
        await pilot.pause()
        text = drawn(app)
        raw = [ch for ch in name if not ch.isprintable()]
        assert all(ch not in text for ch in raw), "a control/format character reached the terminal"
        table = screen.jobs
        rows = "\n".join(table.render_line(y).text for y in range(table.size.height))
        assert shown[:6] in rows  # the visible placeholder, in the table itself (cut or not)
        get_cell = getattr(table, "get_cell", None)  # the cell text the table measures and sorts by
        if callable(get_cell):
            cell = get_cell(job.id, "org")
            assert all(ch not in getattr(cell, "plain", str(cell)) for ch in raw)


async def test_a_job_name_with_bidi_isolates_is_drawn_with_placeholders(
    make_app: AppFactory, sim: Simulator
) -> None:
    job = min(sim.jobs.values(), key=lambda j: j.name.lower())
    job.name = "0 nightly \u2066admin\u2069"
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        screen.go_to_job(job.id)
        await pilot.pause()
        text = drawn(app)
        assert "\u2066" not in text and "\u2069" not in text
        assert "<U+2066>admin" in text
