"""Snapshots of the sign-in screen and the certificate screens: fixed server, user and certificate.

The app signs in by itself (`VboApp(sign_in=...)`) to a fixed URL that is never contacted: the client
talks to the in-process simulator through `TlsFront`, which refuses the TLS handshake (as a
self-signed certificate is refused) until the fixed certificate is pinned; fetching the certificate
returns that fixed certificate (the session's `fetch_certificate` argument). The app's clock is fixed
at NOW, which the certificate screen's validity is checked against; the time zone is UTC.

Update with `pytest tests/signin/test_snapshots.py --snapshot-update` after looking at the report.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from vbotui.auth import MemoryTokenStore, ServerSession, TokenStore
from vbotui.config import LoadedConfig, Profile, ProfileFlags
from vbotui.fixed_tls import HOST, PINNED_PEM, PORT, URL, TlsFront, fetch_presented
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.tls import CertificateInfo, KnownServers
from vbotui.ui.app import VboApp
from vbotui.ui.screens.certificate import CertificateScreen
from vbotui.ui.screens.signin import SignInScreen
from vbotui.ui.signin_flow import SignInSetup

from .support import wait_until

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
USER = "CORP\\vbo-operator"
PASSWORD = "secret"  # the simulator's; given to the session's environment, never typed or shown


@pytest.fixture(autouse=True)
def fixed_world(utc_tz: None) -> None:
    """UTC local time."""


def signing_in_app(tmp_path: Path, *, env: dict[str, str], pinned: str | None = None) -> VboApp:
    """An app signing in by itself to URL: memory token store, known servers in `tmp_path`."""
    sim = Simulator(SimConfig(jobs=3, seed=3, user=USER, password=PASSWORD, clock=ManualClock(NOW)))
    known = KnownServers(tmp_path / "known_servers.json")
    if pinned is not None:
        known.pin(HOST, PORT, CertificateInfo.from_pem(pinned).sha256)
    store = MemoryTokenStore()

    async def open_store() -> tuple[TokenStore, str | None]:
        return store, None

    def new_session(profile: Profile, store: TokenStore) -> ServerSession:
        front = TlsFront(httpx.ASGITransport(app=sim.app), known)
        return ServerSession(
            profile, store, known_servers=known, transport=front, env=env, fetch_certificate=fetch_presented
        )

    profile = Profile("vbo01", URL, user=USER, api_version="v8", refresh=3600.0)
    config = LoadedConfig(tmp_path / "config.toml", {"vbo01": profile}, [])
    setup = SignInSetup(
        profile, config, ProfileFlags(), [], open_store, new_session, save_profiles=False, env={}
    )
    return VboApp(sign_in=setup, clock=lambda: NOW, monotonic=lambda: 0.0, refresh_s=3600.0)


async def sign_in_ready(pilot: Pilot[Any]) -> None:
    def ready() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, SignInScreen) and not screen.busy

    await wait_until(pilot, ready, "the sign-in screen, ready")
    await pilot.pause()


def certificate_shown(changed: bool) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CertificateScreen), "the certificate")
        screen = pilot.app.screen
        assert isinstance(screen, CertificateScreen) and screen.changed is changed
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_sign_in_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Server and user from the profile, the password field empty and focused."""
    app = signing_in_app(tmp_path, env={})
    assert snap_compare(app, terminal_size=size, run_before=sign_in_ready)


def test_new_certificate_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = signing_in_app(tmp_path, env={"VBOTUI_PASSWORD": PASSWORD})
    assert snap_compare(app, terminal_size=(80, 24), run_before=certificate_shown(False))


def test_changed_certificate_refused_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = signing_in_app(tmp_path, env={"VBOTUI_PASSWORD": PASSWORD}, pinned=PINNED_PEM)
    assert snap_compare(app, terminal_size=(80, 24), run_before=certificate_shown(True))


# --- what the snapshots show, asserted: everything on an 80x24 screen


@pytest.mark.parametrize("changed", [False, True], ids=["new", "changed"])
async def test_certificate_dialog_and_its_buttons_fit_80x24(tmp_path: Path, changed: bool) -> None:
    app = signing_in_app(tmp_path, env={"VBOTUI_PASSWORD": PASSWORD}, pinned=PINNED_PEM if changed else None)
    async with app.run_test(size=(80, 24)) as pilot:
        await certificate_shown(changed)(pilot)
        screen = pilot.app.screen
        dialog = screen.query_one("#cert-dialog")
        assert screen.region.contains_region(dialog.region)
        assert dialog.max_scroll_y == 0  # nothing scrolled out of sight
        for button in screen.query(Button):
            assert dialog.content_region.contains_region(button.region), button.id
        # A new one: the default No; a changed one: the field that asks for `replace` (issue 13).
        assert screen.query_one("#cert-replace" if changed else "#cert-no").has_focus
        details = str(screen.query_one("#cert-details", Static).render())
        # Valid 2024-2034 against the app's clock (2024-05-06): not expired. One SHA-256 per fingerprint.
        assert "2034-01-15" in details and "EXPIRED" not in details
        assert ("SHA-256" in details) is not changed


async def test_sign_in_form_fits_80x24_without_blank_rows(tmp_path: Path) -> None:
    app = signing_in_app(tmp_path, env={})
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in_ready(pilot)
        screen = pilot.app.screen
        trust, keys = screen.query_one("#signin-trust").region, screen.query_one("#signin-keys").region
        assert trust.height == 1  # the TLS line does not wrap
        assert keys.y == trust.bottom  # the empty message and error lines take no rows
        assert screen.region.contains_region(screen.query_one("#signin-dialog").region)
        assert isinstance(screen, SignInScreen)
        screen.ready(error="Server URL needed.")
        await pilot.pause()
        error = screen.query_one("#signin-error").region
        assert error.height == 1 and keys.y <= error.y < screen.query_one("#signin-keys").region.y
