"""Issue 9 §3: keys typed ahead (several in one read, as over SSH) are applied in order, in every
input and across focus changes. Each test posts the whole burst before yielding to the app, as the
terminal driver does with one read; one tmux test sends a burst in one write."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from vbotui.sim import Simulator
from vbotui.ui.screens.confirm import ConfirmScreen
from vbotui.ui.typeahead import TypeaheadInput

from .conftest import AppFactory, loaded, wait_until

SIZE = (120, 40)
NAMES = {" ": "space", "/": "slash", "*": "asterisk", ":": "colon", "-": "minus", "!": "exclamation_mark"}


def burst(app: App[Any], *keys: str) -> None:
    """Post every key at once: single characters are typed, longer names are keys (enter, ctrl+u)."""
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(NAMES.get(key, key), key))
        else:
            app.post_message(events.Key(key, None))


def typed(text: str) -> list[str]:
    return list(text)


def posts(sim: Simulator, verb: str) -> list[str]:
    return [r.path for r in sim.requests if r.method == "POST" and r.path.lower().endswith("/" + verb)]


# --- a bare app: the rules themselves -------------------------------------------------------------


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield TypeaheadInput(id="one")
        yield TypeaheadInput(id="two")

    def on_mount(self) -> None:
        self.submitted: list[tuple[str | None, str]] = []

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append((event.input.id, event.value))


async def test_text_typed_after_ctrl_u_and_tab_lands_where_it_was_typed() -> None:
    # Plain Inputs leave both fields empty here (ctrl+u ran last, "ghi" went to field one).
    app = TwoFields()
    async with app.run_test() as pilot:
        burst(app, *typed("abc"), "ctrl+u", *typed("def"), "tab", *typed("ghi"), "enter")
        await wait_until(pilot, lambda: app.submitted, "the submit")
        assert app.query_one("#one", Input).value == "def"
        assert app.query_one("#two", Input).value == "ghi"
        assert app.submitted == [("two", "ghi")]


async def test_backspace_home_and_end_apply_in_order() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        burst(
            app,
            *typed("abcd"),
            "backspace",
            "backspace",
            *typed("X"),
            "home",
            *typed(">"),
            "end",
            *typed("<"),
        )
        await wait_until(pilot, lambda: app.query_one("#one", Input).value == ">abX<", "the edits in order")


async def test_shift_tab_moves_back_in_order() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        burst(app, "tab", *typed("2"), "shift+tab", *typed("1"))
        await wait_until(pilot, lambda: app.query_one("#one", Input).value == "1", "field one")
        assert app.query_one("#two", Input).value == "2"


# --- the main screen -------------------------------------------------------------------------------


async def test_filter_enter_then_mark_and_start_acts_on_the_filtered_jobs(
    make_app: AppFactory, sim: Simulator
) -> None:
    # The bug: the filter became "status:failed*sy" and nothing was started.
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        failed = {j.id for j in sim.jobs.values() if j.last_status == "Failed"}
        assert 1 < len(failed) < len(sim.jobs)
        burst(app, *typed("/status:failed"), "enter", *typed("*sy"))
        # The bulk claims all its jobs at once and frees them when the last answer is in: then every
        # start it was going to send has been sent.
        await wait_until(
            pilot,
            lambda: len(posts(sim, "start")) >= len(failed) and not screen.ops.jobs.in_flight,
            "the bulk's answers",
        )
        assert screen.query_one("#filter", Input).value == "status:failed"
        started = {path.split("/")[-2] for path in posts(sim, "start")}
        assert started == failed  # every failed job, and only those
        assert not isinstance(app.screen, ConfirmScreen)


async def test_filter_text_typed_after_ctrl_u_is_kept(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        burst(app, *typed("/abc"), "ctrl+u", *typed("status:failed"), "enter")
        box = screen.query_one("#filter", Input)
        await wait_until(pilot, lambda: not screen.jobs.job_filter.is_empty, "the filter applied")
        assert box.value == "status:failed" and app.focused is screen.jobs


async def test_a_one_key_dialog_typed_ahead_still_works(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job = next(j for j in sim.jobs.values() if j.is_enabled)
        screen.go_to_job(job.id)
        await pilot.pause()
        burst(app, "d", "y")
        await wait_until(pilot, lambda: not sim.jobs[job.id].is_enabled, "the job disabled")


async def test_explore_end_ctrl_u_and_a_time_typed_ahead(make_app: AppFactory, sim: Simulator) -> None:
    # The bug: "End ctrl+u 2019-04-12T10:54:40Z" left the point in time empty.
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExploreDialog", "the explore dialog")
        dialog = app.screen
        box = dialog.query_one("#explore-time", Input)
        await wait_until(pilot, lambda: app.focused is box, "the time field focused")
        burst(app, "end", "ctrl+u", *typed("2019-04-12T10:54:40Z"), "enter")
        await wait_until(pilot, lambda: box.value == "2019-04-12T10:54:40Z", "the time typed")
        await wait_until(pilot, lambda: bool(sim.restore_sessions), "the explore sent")
        [sent] = [r for r in sim.requests if r.method == "POST" and r.path.lower().endswith("/explore")]
        assert "2019-04-12T10:54:40" in str(sent.json)


# --- sign-in and certificate ---------------------------------------------------------------------


async def test_sign_in_typed_ahead_keeps_the_password_out_of_the_user_field(sim, tmp_path) -> None:
    from ..signin.support import (
        LAB_URL,
        PASSWORD,
        lab_profile,
        main_loaded,
        make_setup,
        new_app,
        sign_in_screen,
    )

    app = new_app(make_setup(tmp_path, {LAB_URL: sim}, lab_profile(user=None)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in_screen(pilot)
        user = screen.query_one("#user", Input)
        await wait_until(pilot, lambda: app.focused is user, "the user field focused")
        burst(app, *typed("admin"), "tab", *typed(PASSWORD), "enter")
        await main_loaded(pilot)
        assert PASSWORD not in user.value and user.value == "admin"
    await app.aclose()


async def test_certificate_replace_typed_ahead_replaces(tmp_path) -> None:
    from datetime import datetime, timezone

    from vbotui.auth import UntrustedServer
    from vbotui.tls import CertificateInfo, PinCheck
    from vbotui.ui.screens.certificate import REPLACE, CertificateScreen

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cert = CertificateInfo("vbo.test", 4443, "CN=vbo", "CN=vbo", now, now, (), "AA:" * 31 + "AA", "")
    problem = UntrustedServer("changed", cert, PinCheck("changed", cert.sha256, "BB:" * 31 + "BB"), True)
    answers: list[str | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(CertificateScreen(problem, now=now), callback=answers.append)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CertificateScreen), "the certificate screen")
        field = app.screen.query_one("#cert-replace", Input)
        field.focus()
        await pilot.pause()
        burst(app, *typed("replace"), "enter")
        await wait_until(pilot, lambda: answers, "the answer")
        assert answers == [REPLACE]


# --- a real terminal: one write ----------------------------------------------------------------


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_a_burst_in_one_write_filters_then_marks() -> None:
    socket = f"vbotui-typeahead-{uuid.uuid4().hex[:10]}"

    def tmux(*args: str) -> str:
        done = subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True)
        return done.stdout

    command = (
        f"env -u COLUMNS -u LINES TERM=xterm-256color {sys.executable} -m vbotui.cli"
        " --demo --demo-jobs 50 --demo-latency-ms 5; sleep 60"
    )
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sleep 600")
    try:
        tmux("respawn-pane", "-k", "-t", "t", command)

        def wait(check: Any, what: str, limit: float = 40.0) -> str:
            deadline = time.monotonic() + limit
            while True:
                text = tmux("capture-pane", "-p", "-t", "t")
                if check(text):
                    return text
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {what} in:\n{text}")
                time.sleep(0.2)

        wait(lambda t: "50 jobs" in t and "list jobs" in t, "job list")
        # One send-keys: "/", "ab", ctrl+u, the words, Enter, "*": one write to the terminal.
        tmux("send-keys", "-t", "t", "/", "a", "b", "C-u", *"status:failed", "Enter", "*")
        text = wait(lambda t: " marked" in t, "marks")
        header = next(line for line in text.splitlines() if "jobs" in line and "marked" in line)
        assert " of 50 jobs" in header  # the filter applied before "*"
        assert "status:failed" in text and "status:failed*" not in text and "abstatus" not in text
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


async def test_keys_typed_right_after_colon_reach_the_palette_in_order(make_app: Any, sim: Simulator) -> None:
    from textual.command import CommandInput, CommandPalette

    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        burst(app, ":", *"stop")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CommandPalette) and app.screen.query_one(CommandInput).value == "stop"
            ),
            "the palette's text",
        )
    assert posts(sim, "start") == [] and posts(sim, "stop") == []  # typed text, never a binding
