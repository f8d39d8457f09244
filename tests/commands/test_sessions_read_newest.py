"""`vbotui sessions JOB --limit N` reads the job's newest sessions only, not its whole history
(a year of 4-hourly runs is thousands of sessions; the table shows N)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Server, make_server
from .inprocess import InProcess

HISTORY = 3000


@pytest.fixture
def long_history(tmp_path: Path) -> Iterator[Server]:
    yield from make_server(tmp_path, jobs=4, history=HISTORY)


def test_sessions_of_a_long_history_are_the_newest_and_read_in_small_pages(
    long_history: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = next(iter(long_history.sim.jobs.values()))
    done = InProcess(long_history, monkeypatch).run("sessions", job.id, "--limit", "7", "--output", "json")
    assert done.code == 0, done.stderr
    listed = json.loads(done.stdout)
    every = sorted(
        (s for s in long_history.sim.job_sessions.values() if s.job_id == job.id),
        key=lambda s: s.creation_time,
        reverse=True,
    )
    assert len(every) >= HISTORY
    assert [record["id"] for record in listed] == [s.id for s in every[:7]]
    reads = [r for r in long_history.sim.requests if r.method == "GET" and "JobSessions" in r.path]
    # A screenful's pages, not the history's: every read asks for a small page.
    assert reads and all(int(r.query.get("limit", "10000")) <= 200 for r in reads), [r.query for r in reads]
