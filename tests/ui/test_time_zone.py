"""Issue 13: one time zone everywhere, labelled: local by default, UTC with --utc / VBOTUI_UTC=1 /
utc = true, and the palette's "Times in UTC / Times in local time" toggles it for the run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.command import CommandPalette
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from vbotui.api.models import ExploreOptions, Job
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen
from vbotui.ui.widgets.job_detail import JobDetail

from .conftest import AppFactory, loaded, wait_until
from .test_operator_ux import palette_prompts

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's zone is Berlin (CEST in the simulator's May), so local and UTC differ."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def zone_said(screen: MainScreen) -> str:
    return str(screen.query_one("#filter-status", Static).render())


def a_run(screen: MainScreen) -> Job:
    return next(job for job in screen.jobs.jobs.values() if job.last_run is not None)


def list_time(screen: MainScreen, job: Job) -> str:
    return screen.jobs.get_cell(job.id, "last_run").plain


def detail_text(screen: MainScreen) -> str:
    return screen.query_one("#detail", JobDetail).render().plain


def in_zone(value: datetime | None, zone: Any) -> str:
    assert value is not None
    return value.astimezone(zone).strftime("%m-%d %H:%M")


async def show_restore_sessions(pilot: Any, screen: MainScreen) -> RestoreSessionsScreen:
    job = a_run(screen)
    ops = pilot.app.ops
    options = ExploreOptions(point_in_time=ops.clock() - timedelta(hours=1), type="vex")
    assert (await ops.client.explore(job.id, options)).restore_session is not None
    await pilot.press("R")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RestoreSessionsScreen), "restore sessions")
    sessions = pilot.app.screen
    assert isinstance(sessions, RestoreSessionsScreen)
    await wait_until(pilot, lambda: sessions.query_one(DataTable).row_count == 1, "the session")
    return sessions


def restore_title(sessions: RestoreSessionsScreen) -> str:
    return str(sessions.query_one("#sessions-title", Static).render())


def restore_created(sessions: RestoreSessionsScreen) -> str:
    table = sessions.query_one(DataTable)
    column = [str(c.key.value) for c in table.ordered_columns].index("created")
    return str(table.get_cell_at(Coordinate(0, column)))


async def cursor_on(pilot: Any, screen: MainScreen, job: Job) -> None:
    screen.jobs.move_to(job.id)
    await wait_until(pilot, lambda: job.name[:10] in detail_text(screen), "the detail pane")


@pytest.mark.usefixtures("berlin")
async def test_local_time_by_default_labelled(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        job = a_run(screen)
        await cursor_on(pilot, screen, job)
        assert zone_said(screen).endswith("times in CEST")
        assert list_time(screen, job) == in_zone(job.last_run, BERLIN)
        assert f"{job.last_run.astimezone(BERLIN):%Y-%m-%d %H:%M} CEST" in detail_text(screen)  # type: ignore[union-attr]


@pytest.mark.usefixtures("berlin")
async def test_utc_shows_utc_times_labelled_in_the_list_detail_and_restore_sessions(
    make_app: AppFactory,
) -> None:
    app = await make_app(utc=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        job = a_run(screen)
        await cursor_on(pilot, screen, job)
        assert zone_said(screen).endswith("times in UTC"), zone_said(screen)
        assert list_time(screen, job) == in_zone(job.last_run, timezone.utc)
        assert f"{job.last_run.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" in detail_text(screen)  # type: ignore[union-attr]
        sessions = await show_restore_sessions(pilot, screen)
        assert "times in UTC" in restore_title(sessions)
        created = app.ops.clock() if app.ops is not None else None
        assert restore_created(sessions).startswith(in_zone(created, timezone.utc)[:5])


@pytest.mark.usefixtures("berlin")
async def test_the_palette_toggles_utc_and_local_on_every_screen(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        job = a_run(screen)
        await cursor_on(pilot, screen, job)
        sessions = await show_restore_sessions(pilot, screen)
        assert "times in CEST" in restore_title(sessions)
        local_created = restore_created(sessions)

        async def toggle(title: str) -> None:
            await pilot.press("ctrl+p")  # on every screen (":" is the main screen's)
            await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "palette")
            await pilot.press(*title)
            await wait_until(pilot, lambda: any(p.startswith(title) for p in palette_prompts(app)), title)
            await pilot.press("enter")
            await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), "palette closed")

        await toggle("Times in UTC")
        assert app.utc
        assert "times in UTC" in restore_title(sessions)
        assert restore_created(sessions) != local_created
        await pilot.press("escape")  # back to the list: it was repainted too
        await wait_until(pilot, lambda: app.screen is screen, "the list")
        assert zone_said(screen).endswith("times in UTC")
        assert list_time(screen, job) == in_zone(job.last_run, timezone.utc)
        assert " UTC (" in detail_text(screen)
        await toggle("Times in local time")
        assert not app.utc
        assert zone_said(screen).endswith("times in CEST")
        assert list_time(screen, job) == in_zone(job.last_run, BERLIN)
        assert " CEST (" in detail_text(screen)
