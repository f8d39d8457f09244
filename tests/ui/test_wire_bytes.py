"""Bytes on the wire against a server whose jobs hold 3,000 past sessions each, counted at the
simulator served over HTTP on loopback: the detail pane and the sessions screen read what they show,
not the whole history; the rows are those that reading everything gives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens import main_detail
from vbotui.ui.screens.job_sessions import JobSessionsScreen

from ..helpers.wire import WireBytes, serve_http
from .conftest import SIM_PASSWORD, SIM_USER, loaded, wait_until

HISTORY = 3000
SIZE = (120, 40)


def session_lists(wire: WireBytes) -> int:
    """Bytes of job-session lists (`.../JobSessions`, not a session's log or objects)."""
    return sum(size for path, size in wire.sent.items() if path.lower().endswith("/jobsessions"))


@pytest.fixture
def long_sim(sim_clock: ManualClock) -> Simulator:
    return Simulator(
        SimConfig(jobs=40, seed=7, user=SIM_USER, password=SIM_PASSWORD, history=HISTORY, clock=sim_clock)
    )


@pytest.fixture
def wire(long_sim: Simulator) -> Iterator[tuple[WireBytes, str]]:
    counter = WireBytes(long_sim.app)
    with serve_http(counter) as url:
        yield counter, url


@pytest.fixture
async def http_app(
    wire: tuple[WireBytes, str], sim_clock: ManualClock
) -> AsyncIterator[Callable[[str], Awaitable[VboApp]]]:
    clients: list[VboClient] = []

    async def factory(version: str = "v8") -> VboApp:
        client = VboClient(wire[1], version)
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        clients.append(client)
        return VboApp(
            client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, refresh_s=3600.0, reread_later=False
        )

    yield factory
    for client in clients:
        await client.aclose()


async def rest_on_rows(pilot: Pilot[Any], rows: int) -> None:
    """The cursor rests on `rows` rows one after the other, each until its pane is painted."""
    app = pilot.app
    screen = await loaded(pilot)
    for _ in range(rows - 1):
        await app.workers.wait_for_complete()
        await pilot.press("j")
        job_id = screen.jobs.cursor_job_id

        def painted(job_id: str | None = job_id) -> bool:
            return screen._detail_id == job_id and screen._detail_sessions is not None

        await wait_until(pilot, painted, "the pane's sessions")
    await app.workers.wait_for_complete()


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
async def test_resting_on_five_rows_downloads_little_of_the_histories(
    http_app: Callable[[str], Awaitable[VboApp]],
    wire: tuple[WireBytes, str],
    long_sim: Simulator,
    version: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main_detail, "DETAIL_DEBOUNCE_S", 0.01)
    app = await http_app(version)
    counter = wire[0]
    async with app.run_test(size=SIZE) as pilot:
        await rest_on_rows(pilot, 5)
        screen = await loaded(pilot)
        shown = screen._detail_sessions or []
        job_id = screen._detail_id or ""
        read = session_lists(counter)
        assert read <= 100_000, f"{read:,} bytes of JobSessions for five rows (and their neighbours)"
        everything = await screen.ops.client.job_sessions(job_id, limit=len(shown))
        assert session_lists(counter) > 1_000_000 > read, "reading everything is what the pane avoids"
        assert [s.id for s in shown] == [s.id for s in everything]


async def test_the_sessions_screen_reads_a_screenful_then_pages_back_to_the_oldest(
    http_app: Callable[[str], Awaitable[VboApp]], wire: tuple[WireBytes, str]
) -> None:
    app = await http_app("v8")
    counter = wire[0]
    async with app.run_test(size=SIZE) as pilot:
        main = await loaded(pilot)
        await app.workers.wait_for_complete()
        job = main.jobs.jobs[main.jobs.cursor_job_id or ""]
        counter.reset()
        screen = JobSessionsScreen(main.ops, job)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.loaded, "the first screenful")
        first = session_lists(counter)
        rows = list(screen.sessions)
        assert len(rows) == screen.screenful() < HISTORY
        assert first <= 50_000, f"{first:,} bytes for the first screenful"
        everything = await main.ops.client.job_sessions(job.id, limit=HISTORY)
        assert rows == [s.id for s in everything[: len(rows)]]
        await pilot.press("pagedown", "pagedown")  # near the last row read: the next older page
        await wait_until(pilot, lambda: len(screen.sessions) > len(rows), "an older page")
        await pilot.press("G")  # to the oldest, a page at a time
        await wait_until(pilot, lambda: screen.back.at_oldest and not screen.reading_older, "the oldest")
        oldest = everything[-1].id
        under = screen.session_under_cursor
        await wait_until(pilot, lambda: (under() or everything[0]).id == oldest, "on the oldest")
        assert list(screen.sessions) == [s.id for s in everything]
