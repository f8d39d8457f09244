"""The real `vbotui` in tmux, with no D-Bus session: signs in with VBOTUI_PASSWORD over HTTPS (a CA
file), says the sign-in is kept in memory, and leaves no password or token in any file."""

from __future__ import annotations

import shlex
import sys
import uuid
from pathlib import Path

from vbotui.sim import SimConfig, Simulator

from ..helpers.tls import self_signed, serve_https
from ..helpers.tmux import needs_tmux, terminal

pytestmark = needs_tmux


def test_no_bus_signs_in_shows_jobs_says_memory_only_and_writes_no_secret(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    cert = self_signed(tmp_path, "server")  # outside HOME: only HOME is searched for secrets
    password = f"pw-{uuid.uuid4().hex}"
    sim = Simulator(SimConfig(jobs=7, user="admin", password=password))
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
                shlex.quote(sys.executable),
                "-m vbotui.cli",
                f"--server https://127.0.0.1:{port} --user admin --ca-file {shlex.quote(str(cert.cert))}",
                "; echo VBOTUI-EXIT-$?; sleep 60",
            ]
        )
        with terminal(command, 160, 40) as term:
            text = term.wait_for(lambda t: "7 jobs" in t and "list jobs" in t, "the job list")
            text = term.wait_for(lambda t: "kept in memory" in t, "the memory-only notice")
            assert "keyring" in text and "INSECURE" not in text
            term.keys("q")  # one key per send-keys: a burst reads as a paste
            term.wait_for(lambda t: "VBOTUI-EXIT-0" in t, "vbotui to quit")

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
