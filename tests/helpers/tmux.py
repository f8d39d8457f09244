"""Driving a real terminal: a tmux server of its own per test (a private `-L` socket), so that tests
never see the user's sessions, each other's, or a server's environment left from another run."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from .waits import wait_for

needs_tmux = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Terminal:
    """One tmux window of a fixed size on a private tmux server, running one command."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket = socket
        self.name = name

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def text(self) -> str:
        """What the pane shows now."""
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        """Send tmux key names (`Enter`, `q`, `/`): one send-keys, so several keys arrive as a burst."""
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        """Send `text` literally, in one burst (as keys arrive over a slow SSH link)."""
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def wait_for(self, check: Callable[[str], bool], what: str, limit_s: float = 40.0) -> str:
        """Poll the pane until `check(text)` holds; the pane is in the failure message."""
        return wait_for(self.text, check, what, limit_s)


@contextmanager
def terminal(command: str, width: int = 120, height: int = 40) -> Iterator[Terminal]:
    """Run the shell `command` in a `width`x`height` tmux window on a private server; the server is
    killed afterwards. tmux starts the command from its server's environment: pass every variable the
    command needs inside `command` (`env -u COLUMNS -u LINES VAR=... prog`)."""
    term = Terminal(f"vbotui-test-{uuid.uuid4().hex[:12]}", "t")
    # Size the window first, then start the command in it: a resize racing the app's start is lost.
    term.tmux(
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        term.name,
        "-x",
        str(width),
        "-y",
        str(height),
        "sleep 600",
    )
    try:
        term.tmux("set-option", "-t", term.name, "window-size", "manual")
        term.tmux("resize-window", "-t", term.name, "-x", str(width), "-y", str(height))
        term.tmux("respawn-pane", "-k", "-t", term.name, command)
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)
