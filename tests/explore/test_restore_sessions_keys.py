"""Issue 13 (5): j/k/g/G and Home/End move on the restore sessions screen, and its title says row N of M."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

from .test_restore_sessions import sessions_app, settle, start_sessions


async def test_vi_keys_home_end_and_row_n_of_m(make_world: Any) -> None:
    world = await make_world("v8")
    await start_sessions(world, 4)
    app = sessions_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)

        def title() -> str:
            return str(pilot.app.screen.query_one("#sessions-title", Static).render())

        assert table.cursor_row == 0 and title().endswith("row 1 of 4")
        await pilot.press("j", "j")
        assert table.cursor_row == 2 and title().endswith("row 3 of 4")
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 3 and title().endswith("row 4 of 4")
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 3
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("k")
        assert table.cursor_row == 0
