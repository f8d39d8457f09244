"""The README's keyring recipe, run verbatim in a real terminal as an operator on a headless host does:
it asks for a keyring password (in whatever `sh` is: dash on Debian), hides it, and the vbotui it
starts keeps the sign-in in that password-protected keyring, so the next run with the same password
needs no VB365 password. The status panel's hint gives the same line."""

from __future__ import annotations

import shlex
import shutil
import sys
import uuid
from pathlib import Path

import pytest

from vbotui.auth.store import HEADLESS_KEYRING_HINT, KEYRING_SESSION_COMMAND
from vbotui.sim import SimConfig, Simulator

from ..helpers.requests import grants
from ..helpers.tls import self_signed, serve_https
from ..helpers.tmux import Terminal, terminal

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_recipe() -> str:
    text = README.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("dbus-run-session")]
    assert len(lines) == 1, f"expected the one keyring recipe line in the README, found {lines}"
    return lines[0]


def test_the_readme_recipe_and_the_status_panel_hint_are_the_same_command():
    assert readme_recipe() == KEYRING_SESSION_COMMAND
    assert HEADLESS_KEYRING_HINT.endswith(": " + KEYRING_SESSION_COMMAND)


@pytest.mark.tmux
@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("tmux", "dbus-run-session", "gnome-keyring-daemon")),
    reason="needs tmux, dbus-run-session and gnome-keyring-daemon",
)
def test_the_readme_recipe_asks_a_hidden_keyring_password_and_the_sign_in_is_kept_in_that_keyring(
    tmp_path: Path,
) -> None:
    recipe = readme_recipe()
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    cert = self_signed(tmp_path, "server")
    password = f"pw-{uuid.uuid4().hex}"
    keyring_password = f"kr-{uuid.uuid4().hex[:12]}"
    sim = Simulator(SimConfig(jobs=7, user="admin", password=password))
    with serve_https(sim.app, cert) as port:

        def run_recipe(**extra: str) -> str:
            # tmux starts the command from its server's environment: set every variable explicitly,
            # and leave out any D-Bus session or keyring backend the test run itself has.
            variables = {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_STATE_HOME": str(home / ".local/state"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_RUNTIME_DIR": str(home / "run"),
                "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",  # vbotui is the venv's
                "TERM": "xterm-256color",
                "VBOTUI_SERVER": f"https://127.0.0.1:{port}",
                "VBOTUI_USER": "admin",
                "VBOTUI_CA_FILE": str(cert.cert),
                **extra,
            }
            return " ".join(
                [
                    "env -u DBUS_SESSION_BUS_ADDRESS -u PYTHON_KEYRING_BACKEND -u VBOTUI_CONFIG",
                    "-u VBOTUI_PASSWORD -u COLUMNS -u LINES",
                    *(f"{key}={shlex.quote(value)}" for key, value in variables.items()),
                    recipe,  # verbatim: the `sh` in it is the system's (dash on Debian)
                    "; echo RECIPE-EXIT-$?; sleep 60",
                ]
            )

        def type_keyring_password(term: Terminal) -> None:
            term.wait_for(lambda t: "Keyring password:" in t, "the recipe's keyring password prompt")
            term.type(keyring_password)
            term.keys("Enter")

        # First run: a new keyring is made with the typed password; vbotui signs in with the password
        # from the environment and keeps the refresh token in that keyring.
        with terminal(run_recipe(VBOTUI_PASSWORD=password), 160, 40) as term:
            type_keyring_password(term)
            text = term.wait_for(lambda t: "7 jobs" in t and "list jobs" in t, "the job list")
            assert keyring_password not in text, "the keyring password was echoed"
            assert "Illegal option" not in text and "kept in memory" not in text
            term.keys("q")
            term.wait_for(lambda t: "RECIPE-EXIT-0" in t, "vbotui to quit")
        keyring_file = home / ".local/share/keyrings/login.keyring"
        assert keyring_file.is_file(), "the README says the recipe makes this keyring"
        assert keyring_password.encode() not in keyring_file.read_bytes()
        assert grants(sim) == ["password"]

        # Second run, no VB365 password anywhere: only the token kept in the keyring (unlocked with the
        # same typed password) can sign in.
        with terminal(run_recipe(), 160, 40) as term:
            type_keyring_password(term)
            term.wait_for(lambda t: "7 jobs" in t and "list jobs" in t, "the job list, from the kept sign-in")
            term.keys("q")
            term.wait_for(lambda t: "RECIPE-EXIT-0" in t, "vbotui to quit")
        assert grants(sim) == ["password", "refresh_token"]
