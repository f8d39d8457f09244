"""The detail pane's sessions are kept per job and read ahead for the rows beside the cursor, so a
step of the cursor paints the pane once (issue 10, goal 7); a changed or running job is read again."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from vbotui.api.models import Job, JobSession
from vbotui.sim import Simulator
from vbotui.ui.screens import main_detail as main_module
from vbotui.ui.sessions_cache import SessionsCache

from .conftest import AppFactory, loaded
from .test_detail_pane import session_reads

SIZE = (120, 40)


async def test_a_step_finds_the_next_job_s_sessions_read_ahead(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "DETAIL_DEBOUNCE_S", 3600.0)  # nothing is read on a move
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await app.workers.wait_for_complete()  # the read-ahead of the rows beside the cursor
        first, second = screen.jobs.visible_ids()[:2]
        assert session_reads(sim, second) == 1, "read ahead while the cursor rests"
        await pilot.press("j")
        assert screen._detail_id == second
        sessions = screen._detail_sessions
        assert sessions is not None, "shown at once, not 'loading...'"
        assert [s.id for s in sessions] == [s.id for s in await screen.ops.job_sessions(second, limit=5)]
        await pilot.press("k")  # and back: kept, not read again
        assert screen._detail_id == first and screen._detail_sessions is not None
        assert session_reads(sim, first) == 1


async def test_a_job_changed_by_a_poll_is_read_again(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await app.workers.wait_for_complete()
        first, second = screen.jobs.visible_ids()[:2]
        assert session_reads(sim, second) == 1
        await pilot.press("ctrl+r")  # nothing changed: nothing read again
        await app.workers.wait_for_complete()
        assert session_reads(sim, second) == 1 and session_reads(sim, first) == 1
        sim.jobs[second].last_status = "Failed" if sim.jobs[second].last_status != "Failed" else "Success"
        await pilot.press("ctrl+r")  # it changed: what was kept is of the job as it was
        await app.workers.wait_for_complete()
        assert session_reads(sim, second) == 2 and session_reads(sim, first) == 1
        await pilot.press("j")
        assert screen._detail_id == second and screen._detail_sessions is not None


def job(status: str = "Success", **fields: object) -> Job:
    return Job(id=str(fields.get("id", "j1")), name="n", last_status=status)


def test_the_cache_holds_a_job_only_while_it_is_unchanged_and_not_running() -> None:
    cache = SessionsCache(keep=2)
    sessions = [JobSession(id="s1", creation_time=datetime(2026, 1, 1, tzinfo=timezone.utc))]
    cache.put(job(), sessions)
    assert cache.get(job()) == sessions
    assert cache.get(job("Failed")) is None  # the job changed: a new session may be there
    cache.put(job("Running"), sessions)
    assert cache.get(job("Running")) is None  # a running job's session changes as it runs
    cache.put(job(id="a"), sessions)
    cache.put(job(id="b"), sessions)
    cache.put(job(id="c"), sessions)
    assert job(id="a") not in cache and job(id="b") in cache and job(id="c") in cache  # the newest two
