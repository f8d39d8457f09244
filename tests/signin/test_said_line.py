"""At 80x24 the keyring notice on the sign-in screen is a line of its own, inside the screen, over
no field and no button (it was a toast over half the screen)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Static

from vbotui.ui.screens.base import SAID_LINE

from .support import make_setup, new_app, sign_in_screen


async def test_the_keyring_notice_is_a_line_on_the_sign_in_screen(tmp_path: Path) -> None:
    notice = "No secure OS keyring (no backend): sign-in kept in memory for this run only; recipe"
    app = new_app(make_setup(tmp_path, None, None, notice=notice))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await sign_in_screen(pilot)
        await pilot.pause()
        said = screen.query_one(f"#{SAID_LINE}", Static)
        assert str(said.render()).startswith("No secure OS keyring (no backend)")
        assert "recipe" not in str(said.render())  # the panel has the recipe on its own line
        region = said.region
        assert region.height == 1 and 0 <= region.y < 24 and region.width > 0
        for widget in [*screen.query(Input), *screen.query(Button)]:
            if widget.display:
                assert not region.overlaps(widget.region), widget
        assert not app._notifications
    await app.aclose()
