"""What start-up does and does not do before the list is painted (issue 10, goal 1)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from vbotui.cli import textual_defaults
from vbotui.ui.screens import main_detail as main_module
from vbotui.ui.widgets.footer import KeyFooter

from .conftest import AppFactory, loaded, wait_until

OPENED_BY_A_KEY = (
    "vbotui.ui.screens.explore",
    "vbotui.ui.screens.restore_sessions",
    "vbotui.ui.screens.quit_sessions",
    "vbotui.ui.screens.help",
)


def test_the_screens_a_key_opens_are_not_imported_at_start() -> None:
    code = (
        "import sys, vbotui.cli, vbotui.ui.app; print(' '.join(m for m in sys.argv[1:] if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code, *OPENED_BY_A_KEY], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == []


async def test_the_first_job_s_sessions_are_read_without_the_cursor_s_debounce(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The debounce is for keys that repeat; the first job shown has nothing to wait for.
    monkeypatch.setattr(main_module, "DETAIL_DEBOUNCE_S", 3600.0)
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)  # waits for the detail pane's sessions
        assert screen._detail_sessions is not None
        await pilot.press("G")  # a move (not to a row read ahead): the debounce applies
        await pilot.pause()
        assert screen._detail_sessions is None


async def test_the_footer_repaints_only_when_its_keys_change(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        footer = screen.query_one(KeyFooter)
        entries = footer.entries
        assert [entry.action for entry in entries[:2]] == ["help", "quit_app"]
        painted: list[object] = []
        real_refresh = footer.refresh

        def refresh(*args: Any, **kwargs: Any) -> Any:
            painted.append(args)
            return real_refresh(*args, **kwargs)

        footer.refresh = refresh  # type: ignore[method-assign]
        for _ in range(3):
            screen.refresh_bindings()
            await pilot.pause()
        assert footer.entries is entries and not painted  # nothing changed: not painted again
        await pilot.press("slash")  # the filter box has the focus: other keys show
        await wait_until(pilot, lambda: footer.entries != entries, "footer of the filter box")
        assert painted


def test_frames_wait_half_as_long_unless_the_operator_says_otherwise() -> None:
    env: dict[str, str] = {}
    textual_defaults(env)
    assert env == {"TEXTUAL_FPS": "120"}
    env = {"TEXTUAL_FPS": "30", "SSH_TTY": "/dev/pts/3"}
    textual_defaults(env)
    assert env == {"TEXTUAL_FPS": "30", "SSH_TTY": "/dev/pts/3", "TEXTUAL_ANIMATIONS": "none"}


def test_httpx_s_command_line_is_loaded_only_when_it_is_run() -> None:
    code = (
        "import sys, vbotui.cli, vbotui.ui.app\n"
        "print(sorted(m for m in ('click', 'pygments', 'rich.progress') if m in sys.modules))\n"
        "import httpx\n"
        "httpx.main(['--help'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[0] == "[]", done.stdout  # not imported at start
    assert done.returncode == 0 and "Usage:" in done.stdout, done.stdout + done.stderr  # and still runs
