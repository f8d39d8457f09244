"""The app signing in by itself, against the in-process simulator (no TLS, memory token store)."""

from __future__ import annotations

from textual.widgets import Input

from vbotui.auth import MemoryTokenStore, Secret, StoredToken
from vbotui.auth.session import REFUSED_STORED_TOKEN
from vbotui.sim import SimConfig, Simulator
from vbotui.ui.screens.help import HelpScreen
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.signin import SignInScreen

from .support import (
    LAB_URL,
    PASSWORD,
    grants,
    lab_profile,
    main_loaded,
    make_setup,
    new_app,
    panel_text,
    screen_text,
    sign_in_screen,
    top,
    type_password,
    wait_until,
)


def start_requests(sim: Simulator) -> list[str]:
    return [r.path for r in sim.requests if r.method == "POST" and r.path.endswith("/start")]


async def test_a_wrong_password_is_refused_inline_then_the_right_one_shows_the_jobs(sim, tmp_path):
    store = MemoryTokenStore()
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), store=store))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in_screen(pilot)
        assert screen.query_one("#user", Input).value == "admin"
        assert screen.query_one("#server", Input).value == LAB_URL
        assert screen.query_one("#password", Input).password  # masked

        await type_password(pilot, "wrong")
        await wait_until(pilot, lambda: screen.error_text, "the inline error")
        assert "Sign-in refused by the server: The user name or password is incorrect." in screen.error_text
        assert "refused" in screen_text(screen)
        assert screen.query_one("#password", Input).value == ""  # cleared after use
        assert store.load("lab", LAB_URL, "admin", None) is None  # nothing stored

        await type_password(pilot, PASSWORD)
        main = await main_loaded(pilot)
        assert len(main.jobs.jobs) == 40
        assert "40 jobs" in str(main.query_one("#header").render())
        assert store.load("lab", LAB_URL, "admin", None) is not None  # the refresh token, never the password
        assert grants(sim) == ["password", "password"]
        assert all(PASSWORD not in line for line in panel_text(app).splitlines())
    await app.aclose()


async def test_a_saved_sign_in_goes_straight_to_the_jobs(sim, tmp_path):
    store = MemoryTokenStore()
    env = {"VBOTUI_PASSWORD": PASSWORD}  # the first run signs in with it (never stored)
    first = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), store=store, env=env))
    async with first.run_test() as pilot:
        await main_loaded(pilot)
    await first.aclose()

    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), store=store))
    seen: list[type] = []
    async with app.run_test() as pilot:
        main = await main_loaded(pilot)
        seen = [type(s) for s in app.screen_stack]
        assert len(main.jobs.jobs) == 40
    await app.aclose()
    assert seen[1] is MainScreen
    assert grants(sim) == ["password", "refresh_token"]  # no password the second time


async def test_a_refused_saved_sign_in_is_deleted_and_the_screen_says_why(sim, tmp_path):
    store = MemoryTokenStore()
    store.save("lab", StoredToken(Secret("revoked-token"), LAB_URL, "admin"))
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), store=store))
    async with app.run_test() as pilot:
        screen = await sign_in_screen(pilot)
        assert REFUSED_STORED_TOKEN in screen_text(screen)
        assert store.load("lab", LAB_URL, "admin", None) is None
    await app.aclose()


async def test_expiry_mid_session_asks_again_and_the_failed_action_is_not_resent(sim, tmp_path):
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), env={"VBOTUI_PASSWORD": PASSWORD}))
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.press("slash", *"enabled:yes !status:running", "enter")
        await wait_until(pilot, lambda: main.jobs.row_count < 40, "the filter")
        sim.expire_tokens()
        # The refresh is refused too (the session is dead), and so is VBOTUI_PASSWORD: it asks.
        sim.add_fault("400x2@POST:/v8/token")
        await pilot.press("s")
        screen = await sign_in_screen(pilot)
        assert screen.expired and "Session expired" in screen_text(screen)
        assert len(start_requests(sim)) == 1
        assert any(" start " in f" {line} " and "REFUSED" in line for line in panel_text(app).splitlines())

        await type_password(pilot, PASSWORD)
        await wait_until(pilot, lambda: top(pilot) is main, "back to the main screen")
        await wait_until(
            pilot, lambda: main.loaded and not (app.ops.refresh_error is not None), "a refresh after sign-in"
        )
        await pilot.pause()
    await app.aclose()
    assert len(start_requests(sim)) == 1  # reported failed once, never sent again
    assert grants(sim)[-1] == "password"


async def test_sign_out_from_the_palette_revokes_deletes_and_shows_the_sign_in_screen(sim, tmp_path):
    store = MemoryTokenStore()
    env = {"VBOTUI_PASSWORD": PASSWORD}
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), store=store, env=env))
    async with app.run_test(size=(120, 40)) as pilot:
        await main_loaded(pilot)
        assert store.load("lab", LAB_URL, "admin", None) is not None
        await pilot.press("ctrl+p")
        await pilot.press(*"sign out", "enter")
        screen = await sign_in_screen(pilot)
        assert "Signed out of lab: revoked on the server, saved sign-in deleted." in screen_text(screen)
        assert app.client is None
    await app.aclose()
    assert store.load("lab", LAB_URL, "admin", None) is None
    assert [r.path for r in sim.requests if r.path.endswith("/token/logout")] == ["/v8/token/logout"]


async def test_switch_profile_signs_in_to_the_other_server_and_closes_the_old_client(sim, tmp_path):
    other_url = "https://other.test:4443"
    other = Simulator(SimConfig(jobs=5, seed=2, user="admin", password="other-secret"))
    profiles = {"lab": lab_profile(), "other": lab_profile("other", other_url)}
    setup = make_setup(
        tmp_path,
        {LAB_URL: sim, other_url: other},
        profiles["lab"],
        profiles=profiles,
        env={"VBOTUI_PASSWORD": PASSWORD},
    )
    app = new_app(setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await main_loaded(pilot)
        old_client = app.client
        await pilot.press("ctrl+p")
        await pilot.press(*"switch profile: other", "enter")
        # VBOTUI_PASSWORD is lab's, the other server refuses it: its sign-in screen, esc goes back
        screen = await sign_in_screen(pilot)
        assert screen.query_one("#server", Input).value == other_url and screen.cancellable
        await type_password(pilot, "other-secret")
        main = await main_loaded(pilot)
        assert len(main.jobs.jobs) == 5 and app.label == "other"
        assert isinstance(app.screen_stack[1], MainScreen) and len(app.screen_stack) == 2
        assert not any(isinstance(s, SignInScreen) for s in app.screen_stack)
        assert app.client is not old_client
        assert old_client is not None and old_client._http._client.is_closed
    await app.aclose()


async def test_no_profile_shows_empty_fields_and_mentions_the_demo(tmp_path):
    problem = "/x/config.toml:3: profile 'a': url is missing"
    app = new_app(make_setup(tmp_path, None, None, problems=[problem]))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in_screen(pilot)
        assert screen.query_one("#server", Input).value == "" and screen.query_one("#user", Input).value == ""
        assert "vbotui --demo" in screen_text(screen)
        assert problem in panel_text(app)  # shown, app still up
        assert app.focused is screen.query_one("#server", Input)
    await app.aclose()


async def test_the_keyring_notice_is_shown_once_in_the_status_panel(sim, tmp_path):
    notice = "No secure OS keyring (no backend): sign-in kept in memory for this run only; recipe"
    app = new_app(
        make_setup(tmp_path, {LAB_URL: sim}, lab_profile(), notice=notice, env={"VBOTUI_PASSWORD": PASSWORD})
    )
    async with app.run_test(size=(160, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.pause()
        panel = main.query_one("#status").plain  # type: ignore[attr-defined]
    await app.aclose()
    assert panel.count("sign-in kept in memory for this run only") == 1


async def test_a_profile_keymap_rebinds_an_action_key(sim, tmp_path):
    profile = lab_profile(keymap={"start": "S"})
    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, profile, env={"VBOTUI_PASSWORD": PASSWORD}))
    async with app.run_test(size=(160, 40)) as pilot:
        main = await main_loaded(pilot)
        job_id = main.jobs.cursor_job_id
        sim.jobs[job_id].is_enabled = True
        await pilot.press("s", "question_mark")  # no longer start
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the key after `s` handled")
        # A start is claimed from the key's handler on and recorded by the server from its arrival on.
        assert not main.ops.jobs.in_flight and start_requests(sim) == []
        await pilot.press("escape", "S")
        await wait_until(pilot, lambda: len(start_requests(sim)) == 1, "the start sent by the remapped key")
    await app.aclose()
