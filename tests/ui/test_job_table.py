"""The job table's layout and its cost: indexed once at start, `*` paints only the rows on screen,
room for names at 120 columns, short dates in the current year, organizations without
.onmicrosoft.com, and the detail pane's separators. Counts and widths only: nothing here is timed."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from vbotui.sim import Simulator
from vbotui.ui.widgets import job_index
from vbotui.ui.widgets.job_detail import JobDetail
from vbotui.ui.widgets.job_index import (
    DATE_KEYS,
    YearWindow,
    format_when,
    full_date_columns,
    short_org,
)
from vbotui.ui.widgets.job_table import JobTable

from .conftest import AppFactory, loaded, wait_until

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)  # the sim_clock fixture's start


def widths(table: JobTable) -> dict[str, int]:
    return {key: column.width for key, column in table.columns.items()}


def cell(table: JobTable, job_id: str, column: str) -> str:
    return table.get_cell(job_id, column).plain


# ----- pure helpers -----
def test_short_org_drops_only_the_onmicrosoft_suffix() -> None:
    assert short_org("adatum.onmicrosoft.com") == "adatum"
    assert short_org("Contoso.OnMicrosoft.com") == "Contoso"
    assert short_org("contoso.com") == "contoso.com"
    assert short_org(".onmicrosoft.com") == ".onmicrosoft.com"  # nothing would be left
    assert short_org("") == ""


def test_dates_short_in_the_current_year_full_otherwise() -> None:
    window = YearWindow.of(NOW)
    assert format_when(datetime(2024, 5, 6, 7, 56, tzinfo=timezone.utc), window) == "05-06 07:56"
    assert format_when(datetime(2023, 12, 31, 23, 0, tzinfo=timezone.utc), window) == "2023-12-31 23:00"
    assert format_when(datetime(2025, 1, 1, 0, 0, tzinfo=timezone.utc), window) == "2025-01-01 00:00"
    assert format_when(datetime(2024, 5, 6, 7, 56, tzinfo=timezone.utc)) == "2024-05-06 07:56"  # detail pane
    assert format_when(None, window) == "-"


def test_the_year_is_the_local_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()  # the autouse fixture sets TZ back to UTC afterwards
    window = YearWindow.of(datetime(2024, 1, 1, 3, 0, tzinfo=timezone.utc))  # 2023-12-31 22:00 there
    assert window.year == 2023
    assert format_when(datetime(2024, 1, 1, 3, 0, tzinfo=timezone.utc), window) == "12-31 22:00"
    assert format_when(datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc), window) == "2024-01-01 01:00"


# ----- in the app -----
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_table_is_filled_once_at_start(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The first list answer may come before the table's first resize: one fill, not two."""
    added: list[str] = []
    original = job_index.index_row

    def index_row(job: Any, org: str) -> Any:
        added.append(job.id)
        return original(job, org)

    monkeypatch.setattr(job_index, "index_row", index_row)  # what the load's diff calls
    app = await make_app()
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        # The later of the two events: the table has its size (the first resize is behind us).
        await wait_until(
            pilot, lambda: screen.jobs.size.height > 0 and screen.jobs.row_count == len(sim.jobs), "the table"
        )
        assert len(added) == len(sim.jobs), "every job indexed once"
        assert sorted(added) == sorted(sim.jobs)


async def test_mark_all_paints_only_the_rows_on_screen(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.pause()
        painted: list[str] = []
        original = JobTable._row_strip

        def row_strip(self: JobTable, job: Any, cursor: bool, width: int) -> Any:
            painted.append(job.id)
            return original(self, job, cursor, width)

        monkeypatch.setattr(JobTable, "_row_strip", row_strip)

        await pilot.press("asterisk")
        await pilot.pause()
        rows_on_screen = screen.jobs.size.height - 1  # the header line
        assert rows_on_screen < len(sim.jobs)
        assert 0 < len(painted) <= rows_on_screen  # the marks of the rows on screen, once
        assert len(screen.jobs.marks) == len(sim.jobs)
        assert all(cell(screen.jobs, job_id, "mark") == "*" for job_id in sim.jobs)
        painted.clear()
        await pilot.press("asterisk")
        await pilot.pause()
        assert len(painted) <= rows_on_screen
        assert not screen.jobs.marks
        assert all(cell(screen.jobs, job_id, "mark") == " " for job_id in sim.jobs)


async def test_columns_at_120_give_the_name_the_room(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        width = widths(table)
        assert list(width) == ["mark", "name", "org", "enabled", "status", *DATE_KEYS]
        assert width["name"] >= 36  # was 23
        assert width["name"] > 2 * width["org"]
        assert width["org"] >= len("northwindtraders")  # the longest shortened organization fits
        assert width["enabled"] == 3
        assert all(width[key] == 11 for key in DATE_KEYS)  # every date is in 2024: MM-DD HH:MM
        # Everything fits in 120 columns: cells, 2 of padding each, 2 of scrollbar.
        assert sum(width.values()) + 2 * len(width) + 2 <= 120
        fits = [job.name for job in sim.jobs.values() if len(job.name) <= width["name"]]
        assert len(fits) >= 0.75 * len(sim.jobs)  # at 23 columns: well under half


async def test_columns_at_80_keep_the_useful_ones(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        width = widths(screen.jobs)
        assert list(width) == ["mark", "name", "org", "enabled", "status", "last_run"]
        assert width["name"] >= 26  # was 21
        assert width["org"] >= len("Organization")
        assert sum(width.values()) + 2 * len(width) + 2 <= 80


async def test_org_shown_short_but_matched_and_detailed_in_full(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        orgs = {cell(table, job_id, "org") for job_id in table.visible_ids()}
        assert orgs and not any(org.endswith(".onmicrosoft.com") for org in orgs)
        assert "adatum" in orgs
        job_id = table.cursor_job_id
        assert job_id is not None
        full = table.org_name(table.jobs[job_id])
        assert full.endswith(".onmicrosoft.com")
        assert f" org {full}\n" in screen.query_one(JobDetail).render().plain
        # The filter still matches the full name.
        await pilot.press("slash", *"org:adatum.onmicrosoft.com", "enter")
        await wait_until(pilot, lambda: 0 < table.row_count < len(sim.jobs), "filtered rows")
        assert {cell(table, j, "org") for j in table.visible_ids()} == {"adatum"}


async def test_a_date_from_another_year_widens_its_column_and_sorts_in_order(
    make_app: AppFactory, sim: Simulator
) -> None:
    old = sorted(sim.jobs.values(), key=lambda job: job.name.lower())[5]
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        assert widths(table)["last_backup"] == 11
        old.last_backup = datetime(2023, 12, 30, 22, 15, tzinfo=timezone.utc)
        old.last_run = datetime(2023, 12, 31, 23, 45, tzinfo=timezone.utc)
        old.etag += 1
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: widths(table)["last_run"] == 16, "wider last run column")
        assert widths(table)["last_backup"] == 16
        assert widths(table)["next_run"] == 11
        assert cell(table, old.id, "last_run") == "2023-12-31 23:45"
        assert cell(table, old.id, "last_backup") == "2023-12-30 22:15"
        assert widths(table)["name"] >= 30
        # Sorted by last run, the 2023 run comes before every 2024 one (after the never-run '-').
        table.set_sort("last_run", False)
        runs = [table.jobs[j].last_run for j in table.visible_ids()]
        dated = [run for run in runs if run is not None]
        assert runs[: len(runs) - len(dated)] == [None] * (len(runs) - len(dated))
        assert dated == sorted(dated) and dated[0] == old.last_run
        # Back inside the year: the columns narrow again.
        old.last_backup = old.last_run = NOW - timedelta(hours=1)
        old.etag += 1
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: widths(table)["last_run"] == 11, "narrow last run column")


def test_full_date_columns() -> None:
    window = YearWindow.of(NOW)
    this_year = datetime(2024, 3, 1, tzinfo=timezone.utc)
    jobs = [
        SimpleNamespace(last_run=this_year, next_run=None, last_backup=this_year),
        SimpleNamespace(
            last_run=this_year, next_run=datetime(2025, 1, 1, 2, tzinfo=timezone.utc), last_backup=None
        ),
    ]
    assert full_date_columns(jobs[:1], window) == frozenset()  # type: ignore[arg-type]
    assert full_date_columns(jobs, window) == {"next_run"}  # type: ignore[arg-type]
    naive = [SimpleNamespace(last_run=datetime(2023, 6, 1), next_run=None, last_backup=None)]
    assert full_date_columns(jobs[:1] + naive, window) == {"last_run"}  # type: ignore[arg-type]


async def test_detail_pane_separates_its_parts(make_app: AppFactory) -> None:
    for size in ((120, 40), (80, 24)):
        app = await make_app()
        async with app.run_test(size=size) as pilot:
            screen = await loaded(pilot)
            job = screen.jobs.jobs[screen.jobs.cursor_job_id or ""]
            detail = screen.query_one(JobDetail)
            text = detail.render()
            lines = text.plain.splitlines()
            org = screen.jobs.org_name(job)
            assert lines[0] == f"{job.name}  id {job.id}  org {org}"
            assert lines[1].startswith("last run ") and "  next " in lines[1]
            # What is shown (cropped to the pane) still has the spaces.
            strips = detail.render_lines(detail.region.reset_offset)
            assert strips[1].text.startswith(f" {job.name}  id ")  # [0]: the border
            # No styled run starts with the separator (SVG renderers drop such leading spaces,
            # which made screenshots read "mailboxesorg adatum...comid 2331...").
            for strip in strips[1:3]:
                runs = [seg.text for seg in strip if seg.text.strip()]
                assert all(not run[0].isspace() for run in runs[1:]), runs
