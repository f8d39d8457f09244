"""Whole runs in a subprocess with HOME and the XDG dirs in a temp folder: no bus, and secrets on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("flow_script.py")
ROOT = Path(__file__).resolve().parents[2]


def run_flow(home: Path, *args: str, drop_bus: bool = False, backend: str | None = None) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHON_KEYRING"))}
    if drop_bus:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if backend:
        env["PYTHON_KEYRING_BACKEND"] = backend
    # The keyring daemon's own runtime dir is left alone: it is how the client finds the bus socket.
    if "XDG_RUNTIME_DIR" in os.environ:
        env["XDG_RUNTIME_DIR"] = os.environ["XDG_RUNTIME_DIR"]
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, cwd=home, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "backend", [None, "keyring.backends.SecretService.Keyring"], ids=["auto", "secretservice-pinned"]
)
def test_without_a_bus_the_memory_store_is_used_and_nothing_is_written(tmp_path, backend):
    home = tmp_path / "home"
    home.mkdir()
    result, _ = run_flow(home, "nobus-profile", drop_bus=True, backend=backend)
    assert result["persistent"] is False and result["store"].startswith("memory")
    assert "memory for this run only" in result["notice"]
    assert "gnome-keyring-daemon --unlock" in result["notice"]
    assert result["resumed"] == "refresh_token"  # in memory, within the run
    assert files_under(home) == []  # no plaintext fallback, no keyring_pass.cfg, nothing at all


def test_no_file_and_no_log_line_holds_the_password_or_a_token(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    profile = f"disk-check-{os.getpid()}"
    result, log = run_flow(home, "--write-files", profile)
    secrets = result["secrets"]
    assert len(secrets) >= 5  # the password, and access + refresh tokens of 3 grants
    written = files_under(home)
    assert {p.name for p in written} >= {"config.toml", "known_servers.json"}
    assert "DEBUG" in log and "HTTP Request" in log  # the logs were really captured
    for path in written:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{path} holds a secret"
    for secret in secrets:
        assert secret not in log
    assert result["logout"] == [True, True]
