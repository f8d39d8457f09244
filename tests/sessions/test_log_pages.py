"""The log of a long running session is read by pages: its end first, then only the lines written
since, and earlier pages when the operator scrolls to the top; never the whole log at once. Counted
at the simulator (the LogItems requests, their offset and limit), on API v6, v7 and v8."""

from __future__ import annotations

from typing import Any

import pytest

from vbotui.operations.log_reading import PAGE
from vbotui.sim import FIRST_JOB_ID, ManualClock, Simulator
from vbotui.ui.screens.session_log import SessionLogScreen

from .conftest import AppFactory, main_loaded, wait_until
from .test_log_reach import ops_of

LONG = 300_000
VERSIONS = ("v6", "v7", "v8")
OLDER = ("v3", "v5")  # no orderAsc; v3 without totalCount, v5 with it


def log_reads(sim: Simulator) -> list[tuple[int, int]]:
    """(offset, limit) of every LogItems request so far, in order."""
    return [
        (int(r.query.get("offset", "0")), int(r.query.get("limit", "0")))
        for r in sim.requests
        if r.method == "GET" and r.path.lower().endswith("/logitems")
    ]


def written(sim: Simulator, session_id: str, clock: ManualClock, start: int) -> list[str]:
    """The lines the simulator's log holds now from offset `start`, as the screen shows them."""
    log = sim.state.log_of(sim.job_sessions[session_id], clock())
    return [f"[{item.type}] {item.message}" for item in log[start:]]


def length(sim: Simulator, session_id: str, clock: ManualClock) -> int:
    return len(sim.state.log_of(sim.job_sessions[session_id], clock()))


async def open_running_log(
    app: Any, pilot: Any, sim: Simulator, clock: ManualClock, poll_s: float
) -> tuple[SessionLogScreen, str]:
    main = await main_loaded(pilot)
    sim.config.run_seconds = 3600.0  # it keeps running while the test looks
    session = sim.state.start(sim.jobs[FIRST_JOB_ID], clock())
    running = await ops_of(app).client.job_session(session.id)
    screen = SessionLogScreen(ops_of(app), main.jobs.jobs[FIRST_JOB_ID], running, poll_s=poll_s)
    await app.push_screen(screen)
    await wait_until(pilot, lambda: screen.loaded, "log read")
    await pilot.pause()
    return screen, session.id


def texts(screen: SessionLogScreen) -> list[str]:
    return list(screen.log_view.lines.texts)


@pytest.mark.parametrize("version", VERSIONS + OLDER)
async def test_opening_a_300000_line_running_log_reads_its_end_only(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock, version: str
) -> None:
    sim.config.log_lines = LONG
    app = await make_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        sim.requests.clear()
        screen, session_id = await open_running_log(app, pilot, sim, sim_clock, poll_s=3600.0)
        reads = log_reads(sim)
        asked = sum(limit for _, limit in reads)
        assert asked <= 3 * PAGE + 50, reads  # a few pages (and one-line probes), not 300,000 lines
        total = length(sim, session_id, sim_clock)
        assert total > LONG
        assert texts(screen) == written(sim, session_id, sim_clock, total - len(texts(screen)))  # the end
        assert screen.log_view.following
        assert screen.log_view.render_line(screen.log_view.scrollable_content_region.height - 1).text
        assert "held" in screen.status_text().plain


@pytest.mark.parametrize("version", VERSIONS)
async def test_following_a_growing_log_asks_only_for_the_new_lines(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock, version: str
) -> None:
    sim.config.log_lines, sim.config.log_rate = 20_000, 200.0
    app = await make_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        sim.requests.clear()
        screen, session_id = await open_running_log(app, pilot, sim, sim_clock, poll_s=0.05)
        opened = len(log_reads(sim))
        start = screen.reader.first
        for _ in range(3):
            sim_clock.advance(1.0)  # 200 lines more
            caught_up = lambda: screen.reader.end == length(sim, session_id, sim_clock)  # noqa: E731
            await wait_until(pilot, caught_up, "the new lines read")
        following = log_reads(sim)[opened:]
        offsets = [offset for offset, _ in following]
        assert offsets and offsets == sorted(offsets)  # always from where the last read ended
        assert min(offsets) >= start > 0  # nothing read again from the log's start
        assert sum(limit for _, limit in following) <= len(following) * PAGE
        assert texts(screen) == written(sim, session_id, sim_clock, start)


@pytest.mark.parametrize("version", VERSIONS)
async def test_home_at_the_top_reads_the_page_before(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock, version: str
) -> None:
    sim.config.log_lines = LONG
    app = await make_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, session_id = await open_running_log(app, pilot, sim, sim_clock, poll_s=3600.0)
        view = screen.log_view
        first = screen.reader.first
        held = len(view.lines)
        await pilot.press("/", *"warning", "enter")
        await pilot.pause()
        status = screen.status_text().plain
        assert "in the lines held" in status
        before = len(view.matches)
        sim.requests.clear()
        await pilot.press("home")
        await wait_until(pilot, lambda: screen.reader.first < first, "the page before read")
        await pilot.pause()
        assert log_reads(sim) == [(first - PAGE, PAGE)]
        assert len(view.lines) == held + PAGE
        assert texts(screen) == written(sim, session_id, sim_clock, first - PAGE)
        assert int(view.scroll_y) == PAGE  # the line that was at the top stays in view
        assert len(view.matches) > before  # search reaches the lines just read
        await pilot.press("home")  # at the top again: one more page
        await wait_until(pilot, lambda: screen.reader.first == first - 2 * PAGE, "another page")


async def test_the_simulator_serves_a_page_of_a_long_log_from_either_end(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    """`--log-lines`/`--log-rate`: the pages agree with each other whichever end they are read from."""
    sim.config.log_lines, sim.config.log_rate = LONG, 200.0
    sim.config.run_seconds = 3600.0
    session = sim.state.start(sim.jobs[FIRST_JOB_ID], sim_clock())
    sim_clock.advance(10.0)  # 2,000 growing lines among the planned ones
    v7, v8 = await make_app("v7"), await make_app("v8")
    total = length(sim, session.id, sim_clock)
    assert total >= 1 + LONG + 2000
    _, page = await ops_of(v7).client.log_page(session.id, limit=1)
    assert page.total == total
    tail, _ = await ops_of(v8).client.log_page(session.id, limit=3, offset=total - 3)
    newest, _ = await ops_of(v8).client.log_page(session.id, limit=3, newest_first=True)
    assert [item.usn for item in tail] == [total - 2, total - 1, total]
    assert newest == tail[::-1]
