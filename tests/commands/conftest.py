"""The one-shot commands as a script runs them: `python -m vbotui.cli COMMAND ...` in a subprocess,
against the simulator over real HTTPS (serve_https, a self-signed certificate pinned in a temporary
XDG data dir, or given with --fingerprint), with its own config, state and keyring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from vbotui.sim import SimConfig, Simulator
from vbotui.tls import KnownServers

from ..helpers.tls import CertFiles, self_signed, serve_https

SEED_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"  # the first job: the original API page's id


@dataclass
class Server:
    sim: Simulator
    port: int
    cert: CertFiles
    home: Path
    keyring: str = "null"  # "null": no keyring at all; "real": the Secret Service of with-keyring.sh
    env_extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def known_servers(self) -> KnownServers:
        return KnownServers(self.home / "data" / "vbotui" / "known_servers.json")

    def pin(self, sha256: str | None = None) -> None:
        self.known_servers.pin("127.0.0.1", self.port, sha256 or self.cert.sha256, replace=True)

    def env(self, password: str | None = "secret", **extra: str) -> dict[str, str]:
        dropped = ("VBOTUI_PASSWORD", "VBOTUI_SERVER", "VBOTUI_USER", "NO_COLOR")
        env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("VBOTUI_")}
        if self.keyring == "null":
            env.pop("DBUS_SESSION_BUS_ADDRESS", None)
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_DATA_HOME=str(self.home / "data"),
            XDG_STATE_HOME=str(self.home / "state"),
            VBOTUI_CONFIG=str(self.home / "config.toml"),
            COLUMNS="200",
            TZ="UTC",
        )
        if password is not None:
            env["VBOTUI_PASSWORD"] = password
        env.update(self.env_extra)
        env.update(extra)
        return env

    def run(
        self,
        *args: str,
        password: str | None = "secret",
        select: bool = True,
        stdin: str | None = None,
        **env: str,
    ) -> subprocess.CompletedProcess[str]:
        """`vbotui ARGS --server URL --user admin` (the selection after the command)."""
        selection = ["--server", self.url, "--user", "admin"] if select else []
        return subprocess.run(
            [sys.executable, "-m", "vbotui.cli", *args, *selection],
            env=self.env(password, **env),
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=120,
        )

    def json(self, *args: str, **kwargs: Any) -> Any:
        done = self.run(*args, "--output", "json", **kwargs)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def actions(self) -> list[tuple[str, object]]:
        """(path, body) of every POST but sign-in, in order."""
        return [
            (r.path, r.json)
            for r in self.sim.requests
            if r.method == "POST" and not r.path.endswith("/token")
        ]

    @property
    def audit(self) -> list[dict[str, Any]]:
        path = self.home / "state" / "vbotui" / "audit.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


def make_server(tmp_path: Path, **config: Any) -> Iterator[Server]:
    sim = Simulator(SimConfig(jobs=config.pop("jobs", 8), **config))
    cert = self_signed(tmp_path, "sim")
    home = tmp_path / "home"
    home.mkdir()
    with serve_https(sim.app, cert) as port:
        server = Server(sim, port, cert, home)
        server.pin()
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from make_server(tmp_path)
