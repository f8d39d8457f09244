"""Issue 9 §1 and §2 on screen: the PLAIN HTTP badge, and user names from --user, the config file or
the token reply never reaching the terminal uncleaned."""

from __future__ import annotations

from textual.widgets import Input

from vbotui.sim import Simulator

from .support import PASSWORD, lab_profile, main_loaded, make_setup, new_app, sign_in_screen, wait_until

PLAIN = "http://vbo.lab:8080"


def drawn(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_plain_http_keeps_a_header_badge(sim: Simulator, tmp_path) -> None:
    profile = lab_profile(url=PLAIN, allow_plain_http=True)
    app = new_app(make_setup(tmp_path, {PLAIN: sim}, profile, env={"VBOTUI_PASSWORD": PASSWORD}))
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await wait_until(pilot, lambda: "PLAIN HTTP" in str(main.query_one("#header").render()), "the badge")
    await app.aclose()


async def test_https_has_no_plain_http_badge(sim: Simulator, tmp_path) -> None:
    from .support import LAB_URL

    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), env={"VBOTUI_PASSWORD": PASSWORD}))
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.pause()
        assert "PLAIN HTTP" not in str(main.query_one("#header").render())
    await app.aclose()


async def test_a_hostile_user_name_is_never_put_in_a_field_or_drawn_raw(sim: Simulator, tmp_path) -> None:
    from .support import LAB_URL

    hostile = "op\x1b]0;pwned\x07\x1b[2J\u2067"
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(user=hostile)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in_screen(pilot)
        assert screen.query_one("#user", Input).value == ""
        text = drawn(app)
        assert "\x1b" not in text and "\u2067" not in text
        assert "op^[]0;pwned^G^[[2J<U+2067>" in text  # said, cleaned, so the operator knows why
    await app.aclose()
