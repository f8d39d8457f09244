"""Helpers for the sign-in tests: an app that signs in by itself, against simulators."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Input, Static

from vbotui.auth import MemoryTokenStore, ServerSession, TokenStore
from vbotui.config import LoadedConfig, Profile, ProfileFlags
from vbotui.sim import Simulator
from vbotui.tls import KnownServers
from vbotui.ui.app import VboApp
from vbotui.ui.screens.certificate import CertificateScreen
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.signin import SignInScreen
from vbotui.ui.signin_flow import SignInSetup

# the sign-in tests import these from here
from ..helpers.requests import grants as grants
from ..helpers.waits import wait_until as wait_until

LAB_URL = "https://vbo.test:4443"
PASSWORD = "secret"


def lab_profile(name: str = "lab", url: str = LAB_URL, **fields: Any) -> Profile:
    fields.setdefault("user", "admin")
    fields.setdefault("api_version", "v8")
    fields.setdefault("refresh", 3600.0)  # tests refresh by key, never by waiting
    return Profile(name, url, **fields)


def make_setup(
    tmp_path: Path,
    servers: Mapping[str, Simulator] | None,
    profile: Profile | None,
    *,
    store: TokenStore | None = None,
    notice: str | None = None,
    profiles: Mapping[str, Profile] | None = None,
    env: Mapping[str, str] | None = None,
    problems: list[str] | None = None,
) -> SignInSetup:
    """`servers` maps a server URL to its in-process simulator; None means real HTTPS."""
    token_store = store if store is not None else MemoryTokenStore()
    known = KnownServers(tmp_path / "known_servers.json")

    async def open_store() -> tuple[TokenStore, str | None]:
        return token_store, notice

    def new_session(profile: Profile, store: TokenStore) -> ServerSession:
        transport = httpx.ASGITransport(app=servers[profile.url].app) if servers else None
        return ServerSession(profile, store, known_servers=known, transport=transport, env=dict(env or {}))

    config = LoadedConfig(tmp_path / "config.toml", dict(profiles or {}), [])
    return SignInSetup(
        profile, config, ProfileFlags(), list(problems or []), open_store, new_session, save_profiles=False
    )


def new_app(setup: SignInSetup, clock: Callable[[], Any] | None = None) -> VboApp:
    return VboApp(sign_in=setup, clock=clock, monotonic=lambda: 0.0, refresh_s=3600.0)


def top(pilot: Pilot[Any]) -> object:
    return pilot.app.screen


async def sign_in_screen(pilot: Pilot[Any]) -> SignInScreen:
    """The sign-in screen, once it is ready for typing."""

    def ready() -> bool:
        screen = top(pilot)
        return isinstance(screen, SignInScreen) and not screen.busy

    await wait_until(pilot, ready, "the sign-in screen")
    screen = top(pilot)
    assert isinstance(screen, SignInScreen)
    return screen


async def certificate_screen(pilot: Pilot[Any]) -> CertificateScreen:
    await wait_until(pilot, lambda: isinstance(top(pilot), CertificateScreen), "the certificate screen")
    screen = top(pilot)
    assert isinstance(screen, CertificateScreen)
    return screen


async def main_loaded(pilot: Pilot[Any]) -> MainScreen:
    def ready() -> bool:
        screen = top(pilot)
        return isinstance(screen, MainScreen) and screen.loaded

    await wait_until(pilot, ready, "the main screen with jobs")
    screen = top(pilot)
    assert isinstance(screen, MainScreen)
    return screen


async def type_password(pilot: Pilot[Any], password: str) -> None:
    """Focus the password field, type it key by key, press Enter."""
    screen = top(pilot)
    assert isinstance(screen, SignInScreen)
    screen.query_one("#password", Input).focus()
    await pilot.pause()
    await pilot.press(*password, "enter")


def screen_text(screen: object) -> str:
    """Everything the Static widgets of a screen show, as plain text."""
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    parts = []
    for static in screen.query(Static).results(Static):
        content = static.render()
        parts.append(getattr(content, "plain", str(content)))
    return "\n".join(parts)


def shows_fingerprint(text: str, fingerprint: str) -> bool:
    """The fingerprint is shown in two halves of 16 bytes (so that it fits 80 columns)."""
    pairs = fingerprint.split(":")
    return ":".join(pairs[:16]) + ":" in text and ":".join(pairs[16:]) in text


def panel_text(app: VboApp) -> str:
    return "\n".join(entry.render().plain for entry in app.activity.entries)
