"""`vbotui log --follow` against a server whose log items carry neither `id` nor `usn`: every line
is printed once, in order, until the session ends (told apart by position, as the TUI does)."""

from __future__ import annotations

from pathlib import Path

from .conftest import SEED_JOB, make_server


def test_log_follow_prints_each_line_once_without_ids(tmp_path: Path) -> None:
    for server in make_server(tmp_path, run_seconds=5):
        server.sim.state.log_item_ids = False
        assert server.run("start", SEED_JOB).returncode == 0
        running = server.json("sessions", SEED_JOB, "--limit", "1")[0]
        assert running["status"] == "Running"
        done = server.run("log", running["id"], "--follow")
        assert done.returncode == 0, done.stderr
        printed = [line for line in done.stdout.splitlines()[1:] if line.strip()]
        session = server.sim.job_sessions[running["id"]]
        written = server.sim.state.log_of(session, server.sim.clock())
        assert len(printed) == len(written)  # nothing lost after the first read, nothing twice
        for line, item in zip(printed, written, strict=True):
            assert item.message in line
