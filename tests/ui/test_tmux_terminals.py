"""Issue 13 end to end in tmux: 16 colours (TERM=xterm, TERM=screen), NO_COLOR, a resize to 60x20 and back."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pyte
import pytest

from ..helpers.tmux import Terminal, needs_tmux, terminal

pytestmark = needs_tmux


def demo(env: str) -> str:
    return (
        f"env -u COLUMNS -u LINES -u COLORTERM {env} {sys.executable} -m vbotui.cli"
        " --demo --demo-jobs 60 --demo-latency-ms 5; echo VBOTUI-EXIT-$?; sleep 60"
    )


def colours(term: Terminal) -> dict[str, set[str]]:
    """The colour each status word on the pane is drawn in, as a terminal emulator reads tmux's
    capture (tmux writes only what changes from one cell to the next, so the escape just before
    a word need not name its colour)."""
    capture = term.tmux("capture-pane", "-e", "-p", "-t", term.name)
    screen = pyte.Screen(200, len(capture.splitlines()) + 1)
    pyte.Stream(screen).feed(capture.replace("\n", "\r\n"))
    seen: dict[str, set[str]] = {"Failed": set(), "Warning": set()}
    for y, line in enumerate(screen.display):
        for match in re.finditer(r"\b(Failed|Warning)\b", line):
            seen[match.group(1)].add(screen.buffer[y][match.start()].fg)
    return seen


@pytest.mark.parametrize("term_name", ["xterm", "screen"])
def test_sixteen_colours_failed_is_red_warning_is_yellow(term_name: str) -> None:
    with terminal(demo(f"TERM={term_name}"), 120, 40) as term:
        term.wait_for(lambda t: "60 jobs" in t and "Failed" in t and "Warning" in t, "the job list")
        seen = colours(term)
        # Red (31, or bright red 91) for a failure, yellow (33: pyte's "brown") for a warning.
        assert seen["Failed"] and seen["Failed"] <= {"red", "brightred"}, seen
        assert seen["Warning"] and seen["Warning"] <= {"brown", "brightbrown"}, seen
        term.keys("q")
        term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")


def test_no_colour_and_a_resize_to_60x20_and_back() -> None:
    with terminal(demo("TERM=xterm NO_COLOR=1"), 80, 24) as term:
        text = term.wait_for(lambda t: "60 jobs" in t and "? Help" in t, "the job list")
        assert "q Quit" in text
        term.tmux("resize-window", "-t", term.name, "-x", "60", "-y", "20")
        text = term.wait_for(lambda t: len(t.splitlines()[0].rstrip()) <= 60 and "? Help" in t, "60x20")
        assert all(len(line) <= 60 for line in text.splitlines())
        term.tmux("resize-window", "-t", term.name, "-x", "80", "-y", "24")
        text = term.wait_for(lambda t: "q Quit" in t and "60 jobs" in t, "back at 80x24")
        term.keys("q")
        term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")


def test_demo_says_it_ignores_a_broken_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[profiles.bad]\nurl = \n")
    with terminal(demo(f"TERM=xterm-256color VBOTUI_CONFIG={config}"), 120, 40) as term:
        text = term.wait_for(lambda t: "60 jobs" in t and "--demo ignores" in t, "the config line")
        assert "config" in text
        term.keys("q")
        term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")


def test_c_copies_the_job_id_through_tmux_with_set_clipboard_on() -> None:
    with terminal(demo("TERM=xterm-256color"), 120, 40) as term:
        term.tmux("set-option", "-s", "set-clipboard", "on")
        term.wait_for(lambda t: "60 jobs" in t and "list jobs" in t, "the job list")
        term.keys("c")
        text = term.wait_for(lambda t: "sent to the" in t, "the copy line")
        copied = re.search(r"job id ([0-9a-f-]{36}) sent to the", text)
        assert copied is not None, text
        # tmux keeps what OSC 52 set as its newest paste buffer.
        for _ in range(100):
            buffers = term.tmux("list-buffers", "-F", "#{buffer_name}")
            if buffers.strip():
                break
            time.sleep(0.05)
        assert term.tmux("show-buffer").strip() == copied.group(1)
        term.keys("q")
        term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")
