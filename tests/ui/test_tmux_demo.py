"""End to end: `vbotui --demo` in a real terminal (tmux), driven by keys, read back from the pane."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def session() -> Iterator[str]:
    name = f"vbotui-test-{uuid.uuid4().hex[:8]}"
    command = (f"env TERM=xterm-256color {sys.executable} -m vbotui.cli"
               " --demo --demo-jobs 50 --demo-latency-ms 20; echo VBOTUI-EXIT-$?; sleep 60")
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
    tmux("set-option", "-t", name, "window-size", "manual")
    tmux("resize-window", "-t", name, "-x", "120", "-y", "40")  # a running server may impose its size
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


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
    # move to a job that is enabled and not running: the filter keeps only those
    # one send-keys per step: Textual 8.2.8 takes a burst of characters in one read as a paste
    tmux("send-keys", "-t", session, "/")
    tmux("send-keys", "-t", session, "-l", "enabled:yes !status:running")
    tmux("send-keys", "-t", session, "Enter")
    wait_for(session, lambda t: "50 shown" not in t and " shown" in t, "the filter to narrow the list")
    tmux("send-keys", "-t", session, "s")
    text = wait_for(session, lambda t: any(" start " in ln and "session" in ln for ln in t.splitlines()),
                    "the start line in the status panel")
    assert "FAIL" not in text
    tmux("send-keys", "-t", session, "q")
    wait_for(session, lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")
