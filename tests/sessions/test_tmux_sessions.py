"""End to end in a real terminal: Enter on a job lists its sessions, Enter on a session shows its
log, esc and esc go back to the job list (keys sent as tmux sends them, read back from the pane)."""

from __future__ import annotations

import sys

from ..helpers.tmux import needs_tmux, terminal

pytestmark = needs_tmux

DEMO = (
    f"env -u COLUMNS -u LINES TERM=xterm-256color {sys.executable} -m vbotui.cli"
    " --demo --demo-jobs 30 --demo-latency-ms 20; echo VBOTUI-EXIT-$?; sleep 60"
)


def test_enter_sessions_enter_log_esc_esc() -> None:
    with terminal(DEMO, 120, 40) as term:
        term.wait_for(lambda t: "30 jobs" in t and "list jobs" in t, "the job list")
        # A job that has run: the filter keeps jobs with a last status of Success.
        term.keys("/")
        term.type("status:success")
        term.keys("Enter")
        term.wait_for(lambda t: "of 30 jobs" in t, "the filter")
        term.keys("Enter")
        text = term.wait_for(lambda t: "Sessions of " in t and "Reading sessions" not in t, "the sessions")
        assert "Success" in text
        term.keys("Enter")
        text = term.wait_for(lambda t: "Log of " in t and "Reading the log" not in t, "the log")
        term.keys("Escape")
        term.wait_for(lambda t: "Sessions of " in t and "Log of " not in t, "back to the sessions")
        term.keys("Escape")
        term.wait_for(lambda t: "of 30 jobs" in t and "Sessions of " not in t, "back to the job list")
        term.keys("q")
        term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "the app to end")
