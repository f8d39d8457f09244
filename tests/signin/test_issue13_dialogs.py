"""Issue 13 (8): the changed-certificate dialog takes `replace` as typed, no toast covers the
certificate dialog, and the sign-in screen says "pinned" once a certificate was accepted."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from textual.widgets._toast import Toast

from vbotui.tls import KnownServers
from vbotui.ui.screens.certificate import CertificateScreen

from ..helpers.tls import self_signed, serve_https
from .support import (
    PASSWORD,
    main_loaded,
    make_setup,
    new_app,
    screen_text,
    sign_in_screen,
    top,
    type_password,
    wait_until,
)
from .test_tls_screens import certificate_shows, https_profile, sim  # noqa: F401  (the fixture)


async def test_typing_replace_right_away_replaces_the_pin(sim, tmp_path: Path) -> None:  # noqa: F811
    a, b = self_signed(tmp_path, "a"), self_signed(tmp_path, "b")
    with serve_https(sim.app, b) as port:
        KnownServers(tmp_path / "known_servers.json").pin("127.0.0.1", port, a.sha256)
        app = new_app(make_setup(tmp_path, None, https_profile(port), env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: certificate_shows(pilot, "HAS CHANGED"), "the warning")
            dialog = top(pilot)
            assert isinstance(dialog, CertificateScreen)
            await wait_until(pilot, lambda: isinstance(dialog.focused, Input), "the focus")
            assert dialog.focused is not None and dialog.focused.id == "cert-replace"
            await pilot.press(*"nope", "enter")  # n typed into the field does not refuse
            await pilot.pause()
            assert top(pilot) is dialog and "Type exactly: replace" in screen_text(dialog)
            await pilot.press(*"replace", "enter")
            await main_loaded(pilot)
        await app.aclose()
    known = KnownServers(tmp_path / "known_servers.json").get("127.0.0.1", port)
    assert known is not None and known.sha256 == b.sha256


async def test_escape_still_refuses_with_the_field_focused(sim, tmp_path: Path) -> None:  # noqa: F811
    a, b = self_signed(tmp_path, "a"), self_signed(tmp_path, "b")
    with serve_https(sim.app, b) as port:
        KnownServers(tmp_path / "known_servers.json").pin("127.0.0.1", port, a.sha256)
        app = new_app(make_setup(tmp_path, None, https_profile(port), env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await wait_until(pilot, lambda: certificate_shows(pilot, "HAS CHANGED"), "the warning")
            app.notify("the keyring is not available", timeout=30)
            await pilot.pause()
            toasts = list(pilot.app.screen.query(Toast))
            assert toasts and not any(toast.display for toast in toasts)  # none over the buttons
            await pilot.press("escape")
            screen = await sign_in_screen(pilot)
            assert "changed certificate refused" in screen.error_text
        await app.aclose()


async def test_sign_in_says_pinned_after_a_certificate_was_accepted(sim, tmp_path: Path) -> None:  # noqa: F811
    a = self_signed(tmp_path, "a")
    with serve_https(sim.app, a) as port:
        app = new_app(make_setup(tmp_path, None, https_profile(port)))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await sign_in_screen(pilot)
            assert "system trust store" in screen_text(screen)
            await type_password(pilot, "wrong password")
            await wait_until(pilot, lambda: certificate_shows(pilot, "SHA-256"), "the certificate")
            await pilot.press("y")
            screen = await sign_in_screen(pilot)
            await wait_until(pilot, lambda: bool(screen.error_text), "the refusal")
            text = screen_text(screen)
            assert "system trust store" not in text and f"pinned SHA-256 {a.sha256}" in text
            await type_password(pilot, PASSWORD)
            await main_loaded(pilot)
        await app.aclose()


# ----- (10) a broken config is said where it stays -----
async def test_a_broken_config_stays_on_the_sign_in_screen(tmp_path: Path) -> None:
    problem = f"{tmp_path}/config.toml:6: refresh must be a number of seconds"
    app = new_app(make_setup(tmp_path, None, None, problems=[problem, "another one"]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in_screen(pilot)
        await wait_until(pilot, lambda: "Config problem: " in screen_text(screen), "the config problem")
        text = screen_text(screen)
        assert "Config problem: " + problem in text
        assert "and 1 more in the status panel" in text
        assert any(entry.action == "config" for entry in app.activity.entries)
    await app.aclose()


async def test_a_second_run_says_pinned_while_a_pin_exists(sim, tmp_path: Path) -> None:  # noqa: F811
    a = self_signed(tmp_path, "a")
    with serve_https(sim.app, a) as port:
        KnownServers(tmp_path / "known_servers.json").pin("127.0.0.1", port, a.sha256)  # the first run's
        app = new_app(make_setup(tmp_path, None, https_profile(port)))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await sign_in_screen(pilot)
            await wait_until(pilot, lambda: not screen.busy, "the screen to ask")
            text = screen_text(screen)
            assert "system trust store" not in text and f"pinned SHA-256 {a.sha256}" in text
        await app.aclose()
