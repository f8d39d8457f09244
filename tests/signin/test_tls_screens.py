"""The certificate screen and the header warning over real HTTPS on 127.0.0.1 (uvicorn in a thread)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from vbotui.sim import SimConfig, Simulator
from vbotui.tls import KnownServers, TlsTrust
from vbotui.ui.screens.certificate import CertificateScreen

from ..helpers.tls import CertFiles, self_signed, serve_https
from .support import (
    PASSWORD,
    lab_profile,
    main_loaded,
    make_setup,
    new_app,
    screen_text,
    shows_fingerprint,
    sign_in_screen,
    top,
    type_password,
    wait_until,
)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimConfig(jobs=3, user="admin", password=PASSWORD))


@pytest.fixture
def certs(tmp_path: Path) -> tuple[CertFiles, CertFiles]:
    return self_signed(tmp_path, "a"), self_signed(tmp_path, "b")


def fingerprint(cert: CertFiles) -> str:
    return cert.sha256


def certificate_shows(pilot: Pilot[Any], words: str) -> bool:
    """The certificate screen is up and shows `words`. Wait for this, not for the screen's class: the
    screen is on the stack before its widgets are composed, and reading them then found no text."""
    return isinstance(top(pilot), CertificateScreen) and words in screen_text(top(pilot))


def https_profile(port: int, **fields: object):
    return lab_profile(f"127.0.0.1:{port}", f"https://127.0.0.1:{port}", **fields)


async def test_first_use_shows_the_fingerprint_and_accepting_signs_in_and_pins(sim, certs, tmp_path):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        app = new_app(make_setup(tmp_path, None, https_profile(port)))
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in_screen(pilot)
            await type_password(pilot, PASSWORD)
            await wait_until(pilot, lambda: certificate_shows(pilot, "SHA-256"), "the certificate's details")
            dialog = top(pilot)
            assert isinstance(dialog, CertificateScreen) and not dialog.changed
            text = screen_text(dialog)
            assert shows_fingerprint(text, fingerprint(a))
            assert "CN=vbo01.corp.local" in text and "IP:127.0.0.1" in text and "self-signed" in text
            assert sim.requests == []  # nothing, not even the password, before the decision
            await pilot.press("y")
            main = await main_loaded(pilot)
            assert len(main.jobs.jobs) == 3
        await app.aclose()
    known = KnownServers(tmp_path / "known_servers.json").get("127.0.0.1", port)
    assert known is not None and known.sha256 == fingerprint(a)


async def test_declining_a_new_certificate_sends_nothing(sim, certs, tmp_path):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        app = new_app(make_setup(tmp_path, None, https_profile(port), env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: certificate_shows(pilot, "SHA-256"), "the certificate")
            await pilot.press("enter")  # the focused default button is No
            screen = await sign_in_screen(pilot)
            assert "Certificate not trusted" in screen.error_text
        await app.aclose()
    assert sim.requests == []
    assert KnownServers(tmp_path / "known_servers.json").get("127.0.0.1", port) is None


async def test_a_changed_certificate_is_refused_loudly_and_y_does_not_accept_it(sim, certs, tmp_path):
    a, b = certs
    with serve_https(sim.app, b) as port:  # a is pinned for this address; b is presented
        KnownServers(tmp_path / "known_servers.json").pin("127.0.0.1", port, fingerprint(a))
        app = new_app(make_setup(tmp_path, None, https_profile(port), env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: certificate_shows(pilot, "HAS CHANGED"), "the warning")
            dialog = top(pilot)
            assert isinstance(dialog, CertificateScreen) and dialog.changed
            text = screen_text(dialog)
            assert shows_fingerprint(text, fingerprint(a)) and shows_fingerprint(text, fingerprint(b))
            await pilot.press("y")  # one key never replaces a pin
            await pilot.pause()
            assert top(pilot) is dialog
            await pilot.press("escape")
            screen = await sign_in_screen(pilot)
            assert "changed certificate refused" in screen.error_text
        await app.aclose()
    assert sim.requests == []  # the impostor saw nothing
    assert KnownServers(tmp_path / "known_servers.json").get("127.0.0.1", port).sha256 == fingerprint(a)


async def test_typing_replace_replaces_a_changed_pin_and_signs_in(sim, certs, tmp_path):
    a, b = certs
    with serve_https(sim.app, b) as port:  # a is pinned for this address; b is presented
        KnownServers(tmp_path / "known_servers.json").pin("127.0.0.1", port, fingerprint(a))
        app = new_app(make_setup(tmp_path, None, https_profile(port), env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: certificate_shows(pilot, "HAS CHANGED"), "the warning")
            await pilot.press("tab")  # from the Refuse button to the field
            await pilot.click("#cert-replace")
            await pilot.press(*"replace", "enter")
            await main_loaded(pilot)
        await app.aclose()
    assert KnownServers(tmp_path / "known_servers.json").get("127.0.0.1", port).sha256 == fingerprint(b)


async def test_ca_file_mode_signs_in_without_a_prompt(sim, certs, tmp_path):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        profile = https_profile(port, tls=TlsTrust("ca_file", ca_file=str(a.cert)))
        app = new_app(make_setup(tmp_path, None, profile, env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(120, 40)) as pilot:
            main = await main_loaded(pilot)
            assert len(main.jobs.jobs) == 3
            assert not any(isinstance(s, CertificateScreen) for s in app.screen_stack)
            assert "INSECURE" not in str(main.query_one("#header").render())
        await app.aclose()
    assert not (tmp_path / "known_servers.json").exists()  # a CA file needs no pin


async def test_insecure_mode_shows_the_warning_in_the_header(sim, certs, tmp_path):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        profile = https_profile(port, tls=TlsTrust("insecure"))
        app = new_app(make_setup(tmp_path, None, profile, env={"VBOTUI_PASSWORD": PASSWORD}))
        async with app.run_test(size=(80, 24)) as pilot:
            main = await main_loaded(pilot)
            header = main.query_one("#header").render()
            assert "INSECURE: TLS not verified" in str(header)
            assert any("red" in str(span.style) for span in header.spans)  # type: ignore[attr-defined]
        await app.aclose()
