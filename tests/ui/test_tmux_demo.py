"""End to end: `vbotui --demo` in a real terminal (tmux), driven by keys, read back from the pane."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from ..helpers.tmux import Terminal, needs_tmux, terminal

pytestmark = needs_tmux


def demo(env: str) -> str:
    # The tmux server's environment may pin COLUMNS/LINES (80x24): drop them.
    return (
        f"env -u COLUMNS -u LINES {env} {sys.executable} -m vbotui.cli"
        " --demo --demo-jobs 50 --demo-latency-ms 20; echo VBOTUI-EXIT-$?; sleep 60"
    )


@pytest.fixture
def session() -> Iterator[Terminal]:
    with terminal(demo("TERM=xterm-256color"), 120, 40) as term:
        yield term


@pytest.fixture
def plain_session() -> Iterator[Terminal]:
    """80x24, a 16-colour TERM and NO_COLOR: what a default PuTTY or a bare jump host gives."""
    with terminal(demo("TERM=xterm NO_COLOR=1"), 80, 24) as term:
        yield term


def test_demo_lists_jobs_starts_one_and_quits(session: Terminal) -> None:
    session.wait_for(lambda t: "50 jobs" in t and "list jobs" in t, "the job list")
    # move to a job that is enabled and not running: the filter keeps only those.
    # The words go in one burst, as keys arrive over a slow SSH link: none may be lost.
    session.keys("/")
    session.type("enabled:yes !status:running")
    session.keys("Enter")
    session.wait_for(lambda t: "of 50 jobs" in t, "the filter to narrow the list")
    session.keys("s")
    text = session.wait_for(
        lambda t: any(" start " in ln and "session" in ln for ln in t.splitlines()),
        "the start line in the status panel",
    )
    assert "FAIL" not in text
    session.keys("q")
    session.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")


def test_demo_at_80x24_without_colour_shows_states_as_text(plain_session: Terminal) -> None:
    text = plain_session.wait_for(lambda t: "50 jobs" in t and "list jobs" in t, "the job list")
    lines = text.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    # without colour, the state of each job must still be readable as words
    assert any(word in text for word in ("Success", "Warning", "Failed"))
    assert " yes " in text or " no " in text
    plain_session.keys("?")
    plain_session.wait_for(lambda t: "Keys" in t and "enable" in t, "the help screen")
    # esc right before another key would read as alt+key (the terminal's escape delay): close
    # the help with "?" and wait for it to go
    plain_session.keys("?")
    plain_session.wait_for(lambda t: "Keys" not in t, "the help screen to close")
    plain_session.keys("q")
    plain_session.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")
