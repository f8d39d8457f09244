"""Sign-in without a prompt and certificates without a terminal, as scripts meet them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SEED_JOB, Server, make_server


def test_a_password_file_with_loose_permissions_is_refused_and_nothing_is_sent(
    server: Server, tmp_path: Path
):
    secret = tmp_path / "password"
    secret.write_text("secret\n")
    secret.chmod(0o644)
    done = server.run("jobs", "--password-file", str(secret), password=None)
    assert done.returncode == 2 and "mode 0644" in done.stderr and "0600" in done.stderr
    assert server.sim.requests == []
    secret.chmod(0o600)
    done = server.run("jobs", "--password-file", str(secret), password=None)
    assert done.returncode == 0, done.stderr


def test_the_password_from_stdin(server: Server):
    done = server.run("jobs", "--password-stdin", password=None, stdin="secret\n")
    assert done.returncode == 0, done.stderr


def test_no_password_and_no_terminal_is_exit_3_without_a_prompt(server: Server):
    done = server.run("jobs", password=None)
    assert done.returncode == 3 and "no password" in done.stderr
    assert not [r for r in server.sim.requests if r.path.endswith("/token")]


@pytest.fixture
def unpinned(tmp_path: Path) -> Iterator[Server]:
    for server in make_server(tmp_path):
        server.known_servers.forget("127.0.0.1", server.port)
        yield server


def test_an_unknown_certificate_is_refused_with_its_fingerprint_and_pinned_by_fingerprint(unpinned: Server):
    done = unpinned.run("jobs")
    assert done.returncode == 3
    assert unpinned.cert.sha256 in done.stderr and "--fingerprint SHA256:" in done.stderr
    assert unpinned.sim.requests == []  # nothing reached the API
    wrong = unpinned.run("jobs", "--fingerprint", "SHA256:" + "00" * 32)
    assert wrong.returncode == 3 and unpinned.sim.requests == []
    right = unpinned.run("jobs", "--fingerprint", f"SHA256:{unpinned.cert.sha256}", "--output", "json")
    assert right.returncode == 0, right.stderr
    assert json.loads(right.stdout)
    known = unpinned.known_servers.get("127.0.0.1", unpinned.port)
    assert known is not None and known.sha256 == unpinned.cert.sha256
    assert unpinned.run("jobs").returncode == 0  # pinned: the next run needs no fingerprint


def test_a_changed_certificate_is_refused_with_both_fingerprints(server: Server):
    other = "AB:" * 31 + "AB"
    server.pin(other)
    done = server.run("enable", SEED_JOB)
    assert done.returncode == 3 and "CHANGED" in done.stderr
    assert other in done.stderr and server.cert.sha256 in done.stderr
    assert server.sim.requests == []
    fingerprint = server.run("enable", SEED_JOB, "--fingerprint", f"SHA256:{server.cert.sha256}")
    assert fingerprint.returncode == 3 and server.sim.requests == []  # --fingerprint never replaces a pin


@pytest.mark.keyring
@pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus: use scripts/with-keyring.sh"
)
def test_the_saved_sign_in_in_the_real_secret_service_signs_the_next_run_in_without_a_password(
    server: Server,
):
    server.keyring = "real"
    first = server.run("jobs")
    assert first.returncode == 0, first.stderr
    second = server.run("jobs", password=None)
    assert second.returncode == 0, second.stderr
    grants = [r.form["grant_type"] for r in server.sim.requests if r.form and "grant_type" in r.form]
    assert grants == ["password", "refresh_token"]
    server.run("logout", "--server", server.url, select=False)
