"""A server that trickles its answer (a byte every 50 ms: each network read is quick, the whole
answer would take minutes) cannot hang a one-shot command: the profile's request_deadline ends it,
a read with exit 3, an action with 4 (it may have been done)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from vbotui.config import load_config

from .conftest import SEED_JOB, Server, make_server


@pytest.fixture
def trickling(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """The simulator trickling the answers of `request.param` (a fault's target)."""
    for server in make_server(tmp_path, faults=(f"trickle@{request.param}",), trickle_seconds=0.05):
        name = f"127.0.0.1:{server.port}"
        (server.home / "config.toml").write_text(
            f'[profiles."{name}"]\nurl = "{server.url}"\nrequest_deadline = 1\n'
        )
        yield server


@pytest.mark.parametrize("trickling", ["GET:/v8/Jobs"], indirect=True)
def test_a_trickled_read_ends_at_the_profiles_deadline(trickling: Server) -> None:
    done = trickling.run("jobs")
    assert done.returncode == 3, done.stderr
    assert "timed out: no answer in 1 s" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("trickling", ["POST:/v8/Jobs/*/start"], indirect=True)
def test_a_trickled_action_is_an_unknown_outcome(trickling: Server) -> None:
    done = trickling.run("start", SEED_JOB, "--yes")
    assert done.returncode == 4, done.stderr
    [record] = [r for r in trickling.audit if r["action"] == "start"]
    assert record["outcome"] == "unknown" and "no answer in 1 s" in record["message"]


def test_the_deadlines_are_read_from_the_profile_and_bounded(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.a]\nurl = "vbo01"\nrequest_deadline = 5\ndownload_stall = 30\nrestore_deadline = 600\n'
        '[profiles.b]\nurl = "vbo02"\n'
        '[profiles.c]\nurl = "vbo03"\nrequest_deadline = 0\n'
        '[profiles.d]\nurl = "vbo04"\nrestore_deadline = "long"\n'
    )
    config = load_config(path)
    limits = config.profiles["a"].limits
    assert (limits.request_s, limits.download_stall_s, limits.restore_s) == (5, 30, 600)
    defaults = config.profiles["b"].limits
    assert (defaults.request_s, defaults.download_stall_s, defaults.restore_s) == (60, 600, 14400)
    assert sorted(error.key or "" for error in config.errors) == ["request_deadline", "restore_deadline"]
    assert "request_deadline must be a number of seconds from 1 to 3600, not 0" in str(config.errors[0])


def test_a_repeated_page_is_said_once_on_stderr(tmp_path: Path) -> None:
    for server in make_server(tmp_path, faults=("repeat-pages@GET:/v8/Jobs",)):
        done = server.run("jobs", "--output", "json")
        assert done.returncode == 0, done.stderr
        said = [line for line in done.stderr.splitlines() if "the same page again" in line]
        assert said == [
            "vbotui: warning: /v8/Jobs: the server sent the same page again (offset 0); "
            "stopped reading after 8 items (the list may be incomplete)"
        ]
        assert len(json.loads(done.stdout)) == 8
