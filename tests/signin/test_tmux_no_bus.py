"""The real `vbotui` in tmux, with no D-Bus session: signs in with VBOTUI_PASSWORD over HTTPS (a CA
file), says the sign-in is kept in memory, and leaves no password or token in any file."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from vbotui.sim import SimConfig, Simulator

from ..auth.support import self_signed, serve_https

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(name: str, check: Callable[[str], bool], what: str, limit_s: float = 40.0) -> str:
    """Poll the pane until `check` holds (a generous limit, never a fixed sleep)."""
    deadline = time.monotonic() + limit_s
    while True:
        text = tmux("capture-pane", "-p", "-t", name)
        if check(text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; pane:\n{text}")
        time.sleep(0.1)


def test_no_bus_signs_in_shows_jobs_says_memory_only_and_writes_no_secret(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    cert = self_signed(tmp_path, "server")  # outside HOME: only HOME is searched for secrets
    password = f"pw-{uuid.uuid4().hex}"
    sim = Simulator(SimConfig(jobs=7, user="admin", password=password))
    name = f"vbotui-nobus-{uuid.uuid4().hex[:8]}"
    with serve_https(sim.app, cert) as port:
        # tmux starts the command from its server's environment: set every variable explicitly.
        variables = {
            "HOME": home,
            "XDG_CONFIG_HOME": home / ".config",
            "XDG_DATA_HOME": home / ".local/share",
            "XDG_STATE_HOME": home / ".local/state",
            "XDG_CACHE_HOME": home / ".cache",
            "XDG_RUNTIME_DIR": home / "run",
            "TERM": "xterm-256color",
            "VBOTUI_PASSWORD": password,
        }
        command = " ".join(
            [
                "env -u DBUS_SESSION_BUS_ADDRESS -u PYTHON_KEYRING_BACKEND -u VBOTUI_CONFIG",
                "-u COLUMNS -u LINES",  # the tmux server's environment may pin a size of 80x24
                *(f"{key}={shlex.quote(str(value))}" for key, value in variables.items()),
                shlex.quote(sys.executable), "-m vbotui.cli",
                f"--server https://127.0.0.1:{port} --user admin --ca-file {shlex.quote(str(cert.cert))}",
                "; echo VBOTUI-EXIT-$?; sleep 60",
            ]
        )
        # Size the window first, then start the app in it: a resize racing the app's start is lost.
        tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40", "sleep 60")
        try:
            tmux("set-option", "-t", name, "window-size", "manual")
            tmux("resize-window", "-t", name, "-x", "160", "-y", "40")
            tmux("respawn-pane", "-k", "-t", name, command)
            text = wait_for(name, lambda t: "7 jobs" in t and "list jobs" in t, "the job list")
            text = wait_for(name, lambda t: "kept in memory" in t, "the memory-only notice")
            assert "keyring" in text and "INSECURE" not in text
            tmux("send-keys", "-t", name, "q")  # one key per send-keys: a burst reads as a paste
            wait_for(name, lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)

    # Every token the simulator issued or saw (it keeps them in memory; read here for the check).
    tokens = set(sim.tokens._by_access) | set(sim.tokens._by_refresh)
    tokens |= {r.headers.get("authorization", "").removeprefix("Bearer ") for r in sim.requests}
    tokens.discard("")
    assert tokens, "the run signed in, so tokens were issued"
    written = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "config.toml" for path in written)  # the server was saved as a profile
    for path in written:
        content = path.read_bytes()
        assert password.encode() not in content, f"{path} holds the password"
        for token in tokens:
            assert token.encode() not in content, f"{path} holds a token"
