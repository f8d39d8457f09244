"""A server unreachable at start is tried again by itself, with a countdown (ctrl+r: now); when it
answers, the app goes on with VBOTUI_PASSWORD (or the saved token) without asking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from vbotui.auth import MemoryTokenStore, ServerSession, TokenStore
from vbotui.config import LoadedConfig, Profile, ProfileFlags
from vbotui.sim import Simulator
from vbotui.tls import KnownServers
from vbotui.ui import reconnect
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.signin import SignInScreen
from vbotui.ui.signin_flow import SignInSetup

from .support import PASSWORD, grants, lab_profile, new_app, wait_until


class Line(httpx.AsyncBaseTransport):
    def __init__(self, sim: Simulator) -> None:
        self.inner = httpx.ASGITransport(app=sim.app)
        self.down = True
        self.tries = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.tries += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return await self.inner.handle_async_request(request)


def setup_on(line: Line, tmp_path: Path, profile: Profile) -> SignInSetup:
    known = KnownServers(tmp_path / "known_servers.json")
    store = MemoryTokenStore()

    async def open_store() -> tuple[TokenStore, str | None]:
        return store, None

    def new_session(profile: Profile, store: TokenStore) -> ServerSession:
        env = {"VBOTUI_PASSWORD": PASSWORD}
        return ServerSession(profile, store, known_servers=known, transport=line, env=env)

    config = LoadedConfig(tmp_path / "config.toml", {}, [])
    return SignInSetup(profile, config, ProfileFlags(), [], open_store, new_session, save_profiles=False)


def error_line(pilot: Any) -> str:
    screen = pilot.app.screen
    return screen.error_text if isinstance(screen, SignInScreen) else ""


async def test_a_server_down_at_start_is_retried_with_a_countdown_and_ctrl_r(
    sim: Simulator, tmp_path: Path
) -> None:
    line = Line(sim)
    app = new_app(setup_on(line, tmp_path, lab_profile()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "Trying again in" in error_line(pilot), "the countdown")
        assert "Cannot reach" in error_line(pilot) and "ctrl+r" in error_line(pilot)
        line.down = False
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.loaded, "the jobs")
    assert grants(sim) == ["password"]  # VBOTUI_PASSWORD, nobody typed anything


async def test_the_retry_goes_on_by_itself_until_the_server_answers(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconnect, "DELAYS_S", (0.2,))
    line = Line(sim)
    app = new_app(setup_on(line, tmp_path, lab_profile()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: line.tries >= 3, "three tries")
        line.down = False
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.loaded, "the jobs")
    assert grants(sim) == ["password"]


async def test_a_wrong_password_is_not_retried(sim: Simulator, tmp_path: Path) -> None:
    line = Line(sim)
    line.down = False
    sim.add_fault("400@POST:/v8/token")
    app = new_app(setup_on(line, tmp_path, lab_profile()))
    async with app.run_test(size=(120, 40)) as pilot:
        # A try that is to be repeated shows its countdown at once; a refusal is said and left there.
        def refusal() -> str:
            screen = app.screen
            return screen.message if isinstance(screen, SignInScreen) and not screen.busy else ""

        await wait_until(pilot, lambda: "refused" in refusal(), "the refusal shown")
        assert refusal() == "VBOTUI_PASSWORD was refused: 400 Simulated error 400."
        assert "Trying again" not in error_line(pilot)
    assert len(grants(sim)) == 1


async def test_after_a_server_restart_vbotui_password_signs_in_again_without_asking(
    sim: Simulator, tmp_path: Path
) -> None:
    line = Line(sim)
    line.down = False
    app = new_app(setup_on(line, tmp_path, lab_profile()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.loaded, "the jobs")
        main = app.screen
        sim.expire_tokens()  # a restart: every token the server knew is gone
        sim.add_fault("400x1@POST:/v8/token")  # and so is the refresh token
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: grants(sim)[-1] == "password" and len(grants(sim)) >= 3, "signed in again"
        )
        await wait_until(pilot, lambda: app.ops is not None and not app.ops.expired, "the session back")
        assert not any(isinstance(screen, SignInScreen) for screen in app.screen_stack)
        assert app.screen is main
    assert grants(sim) == ["password", "refresh_token", "password"]
