"""End to end: `vbotui --demo` in a real terminal (tmux), driven by keys, read back from the pane."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def start_demo(width: int, height: int, env: str) -> str:
    name = f"vbotui-test-{uuid.uuid4().hex[:8]}"
    # The tmux server's environment may pin COLUMNS/LINES (80x24): drop them.
    command = (f"env -u COLUMNS -u LINES {env} {sys.executable} -m vbotui.cli"
               " --demo --demo-jobs 50 --demo-latency-ms 20; echo VBOTUI-EXIT-$?; sleep 60")
    # Size the window first, then start the app in it: a resize racing the app's start is lost.
    tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), "sleep 60")
    tmux("set-option", "-t", name, "window-size", "manual")
    tmux("resize-window", "-t", name, "-x", str(width), "-y", str(height))
    tmux("respawn-pane", "-k", "-t", name, command)
    return name


@contextmanager
def demo_in_tmux(width: int, height: int, env: str) -> Iterator[str]:
    name = start_demo(width, height, env)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


@pytest.fixture
def session() -> Iterator[str]:
    with demo_in_tmux(120, 40, "TERM=xterm-256color") as name:
        yield name


@pytest.fixture
def plain_session() -> Iterator[str]:
    """80x24, a 16-colour TERM and NO_COLOR: what a default PuTTY or a bare jump host gives."""
    with demo_in_tmux(80, 24, "TERM=xterm NO_COLOR=1") as name:
        yield name


def pane(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(name: str, check: Callable[[str], bool], what: str, limit_s: float = 30.0) -> str:
    """Poll the pane until `check` holds (a generous limit, never a fixed sleep)."""
    deadline = time.monotonic() + limit_s
    while True:
        text = pane(name)
        if check(text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; pane:\n{text}")
        time.sleep(0.1)


def test_demo_lists_jobs_starts_one_and_quits(session: str) -> None:
    wait_for(session, lambda t: "50 jobs" in t and "list jobs" in t, "the job list")
    # move to a job that is enabled and not running: the filter keeps only those.
    # The words go in one burst, as keys arrive over a slow SSH link: none may be lost.
    tmux("send-keys", "-t", session, "/")
    tmux("send-keys", "-t", session, "-l", "enabled:yes !status:running")
    tmux("send-keys", "-t", session, "Enter")
    wait_for(session, lambda t: "of 50 jobs" in t, "the filter to narrow the list")
    tmux("send-keys", "-t", session, "s")
    text = wait_for(session, lambda t: any(" start " in ln and "session" in ln for ln in t.splitlines()),
                    "the start line in the status panel")
    assert "FAIL" not in text
    tmux("send-keys", "-t", session, "q")
    wait_for(session, lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")


def test_demo_at_80x24_without_colour_shows_states_as_text(plain_session: str) -> None:
    text = wait_for(plain_session, lambda t: "50 jobs" in t and "list jobs" in t, "the job list")
    lines = text.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    # without colour, the state of each job must still be readable as words
    assert any(word in text for word in ("Success", "Warning", "Failed"))
    assert " yes " in text or " no " in text
    tmux("send-keys", "-t", plain_session, "?")
    wait_for(plain_session, lambda t: "Keys" in t and "enable" in t, "the help screen")
    # esc right before another key would read as alt+key (the terminal's escape delay): close
    # the help with "?" and wait for it to go
    tmux("send-keys", "-t", plain_session, "?")
    wait_for(plain_session, lambda t: "Keys" not in t, "the help screen to close")
    tmux("send-keys", "-t", plain_session, "q")
    wait_for(plain_session, lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")
