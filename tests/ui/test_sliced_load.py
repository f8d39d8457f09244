"""The job list loaded in slices (the event loop runs between them) and, the first time, page by
page: what is shown stays whole and right at every step, and the cursor, the marks, the sort and
the filter set meanwhile are kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from vbotui.api.models import Job
from vbotui.filtering import JobFilter, parse_filter
from vbotui.operations import server as server_ops
from vbotui.sim import Simulator
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.main_header import header_text
from vbotui.ui.widgets.job_index import SORT_KEYS
from vbotui.ui.widgets.job_table import JobTable

from .conftest import AppFactory, loaded, wait_until


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(JobTable, "SLICE_JOBS", 3)  # 40 jobs: 14 slices


def change_tenth(sim: Simulator, status: str = "Warning") -> list[str]:
    """A tenth of the jobs get another last status on the server; their ids."""
    changed = list(sim.jobs.values())[::10]
    for job in changed:
        job.last_status = status if job.last_status != status else "Success"
        job.etag += 1
    return [job.id for job in changed]


def status(table: JobTable, job_id: str) -> str:
    return table.get_cell(job_id, "status").plain


def in_order(table: JobTable) -> bool:
    key = SORT_KEYS[table.sort_column]
    rows = [table._index[job_id] for job_id in table.visible_ids()]
    return [key(row) for row in rows] == sorted((key(row) for row in rows), reverse=table.sort_reverse)


def run(steps: Iterator[None], count: int | None = None) -> None:
    for done, _ in enumerate(steps, 1):
        if count is not None and done >= count:
            return


async def test_a_sliced_poll_shows_the_old_list_until_done_and_keeps_cursor_and_marks(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        table.move_cursor(row=7)
        marked = table.visible_ids()[2:4]
        for job_id in marked:
            table.toggle_mark(job_id)
        changed = change_tenth(sim)
        before = {job_id: status(table, job_id) for job_id in changed}
        fresh = await screen.ops.client.list_jobs()
        steps = table._load_steps(fresh, screen.ops.org_names, True)
        run(steps, 4)  # 12 of the 40 jobs diffed
        assert {job_id: status(table, job_id) for job_id in changed} == before  # nothing applied yet
        # Meanwhile the user moves down and marks another job.
        await pilot.press("j")
        cursor_job = table.cursor_job_id
        assert cursor_job == table.visible_ids()[8]
        table.toggle_mark(table.visible_ids()[5])
        marks = set(table.marks)
        run(steps)
        assert {job_id: status(table, job_id) for job_id in changed} != before
        assert all(status(table, job.id) == (job.last_status or "-") for job in fresh)
        assert table.cursor_job_id == cursor_job
        assert table.marks == marks and len(marks) == 3
        assert table.row_count == len(sim.jobs) and in_order(table)


async def test_a_sort_and_a_filter_set_while_a_load_is_sliced_apply_to_the_new_list(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        changed = change_tenth(sim, "Failed")
        fresh = await screen.ops.client.list_jobs()
        steps = table._load_steps(fresh, screen.ops.org_names, True)
        run(steps, 2)
        table.set_sort("status", False)
        table.set_filter(JobFilter(parse_filter("status:failed").terms))
        run(steps)
        failed = {job.id for job in fresh if job.last_status == "Failed"}
        assert set(changed) & failed  # the poll made some of them fail
        assert set(table.visible_ids()) == failed  # the filter ran over the new statuses
        table.set_filter(JobFilter())
        assert in_order(table) and table.row_count == len(sim.jobs)


async def test_of_two_overlapping_loads_the_later_one_wins_whichever_ends_first(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table, orgs = screen.jobs, screen.ops.org_names
        older = await screen.ops.client.list_jobs()
        gone = list(sim.jobs)[-1]
        del sim.jobs[gone]  # the later list has a job less and other statuses
        change_tenth(sim, "Failed")
        newer = await screen.ops.client.list_jobs()
        for first_done in ("older", "newer"):
            table.load(older, orgs)
            steps_older = table._load_steps(older, orgs, True)
            steps_newer = table._load_steps(newer, orgs, True)
            run(steps_older, 3)
            run(steps_newer, 3)
            if first_done == "older":
                run(steps_older)  # applied: the newer one, later, replaces it
                assert table.row_count == len(older)
                run(steps_newer)
            else:
                run(steps_newer)
                run(steps_older)  # ends last but began first: dropped
            assert gone not in table.jobs and table.row_count == len(newer), first_done
            assert all(status(table, job.id) == (job.last_status or "-") for job in newer), first_done
            assert in_order(table)


async def test_a_second_poll_during_a_sliced_load_replaces_it(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        cursor_job = table.visible_ids()[6]
        table.move_to(cursor_job)
        original = JobTable.load_async
        calls: list[int] = []

        async def load_async(self: JobTable, jobs: Any, *args: Any, **kwargs: Any) -> None:
            calls.append(len(calls))
            if len(calls) == 1:  # the first poll's load: the server changes, a second poll starts
                change_tenth(sim, "Failed")
                screen.refresh_jobs()
            await original(self, jobs, *args, **kwargs)

        monkeypatch.setattr(JobTable, "load_async", load_async)
        change_tenth(sim)
        await pilot.press("ctrl+r")
        await wait_until(
            pilot,
            lambda: all(status(table, job.id) == (job.last_status or "-") for job in sim.jobs.values()),
            "the second poll's list",
        )
        assert len(calls) == 2  # the first poll's load was cancelled, not applied after the second
        assert table.cursor_job_id == cursor_job and in_order(table)


async def test_the_first_load_shows_its_first_page_then_the_whole_list(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_ops, "FIRST_PAGE", 3)
    original = JobTable.load_async
    seen: list[tuple[bool, int, int, str]] = []  # after each load: complete, rows, cursor, header
    tops: list[str | None] = []

    async def load_async(self: JobTable, jobs: list[Job], *args: Any, **kwargs: Any) -> None:
        await original(self, jobs, *args, **kwargs)
        screen = self.screen
        assert isinstance(screen, MainScreen)
        said = header_text(screen.ops, self, accent=None, insecure=False, plain_http=False, polling=True)
        seen.append((self.complete, self.row_count, self.cursor_row, said.plain))
        tops.append(self.visible_ids()[0])

    monkeypatch.setattr(JobTable, "load_async", load_async)
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        # The cursor stays on the first row, though another job sorts first in the whole list.
        assert [entry[:3] for entry in seen] == [(False, 3, 0), (True, 40, 0)]
        assert tops[0] != tops[1] and screen.jobs.cursor_job_id == tops[1]
        assert "3 so far" in seen[0][3] and "3 jobs" not in seen[0][3]  # not a count of the list
        assert "40 jobs" in seen[1][3] and "so far" not in seen[1][3]
        assert screen.jobs.row_count == len(sim.jobs) and in_order(screen.jobs)
        jobs_reads = [r for r in sim.requests if r.method == "GET" and r.path == "/v8/Jobs"]
        assert len(jobs_reads) == 2  # the first page, then the rest


async def test_a_cursor_moved_during_the_first_load_stays_on_its_job(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_ops, "FIRST_PAGE", 3)
    original = JobTable.load_async
    chosen: list[str] = []

    async def load_async(self: JobTable, jobs: list[Job], *args: Any, **kwargs: Any) -> None:
        await original(self, jobs, *args, **kwargs)
        if not self.complete:  # the first page is shown: the user goes down two rows
            self.move_cursor(row=2)
            chosen.append(self.cursor_job_id or "")

    monkeypatch.setattr(JobTable, "load_async", load_async)
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert len(chosen) == 1 and screen.jobs.complete
        assert screen.jobs.cursor_job_id == chosen[0]
        assert screen.jobs.row_count == len(sim.jobs)


async def test_a_cancelled_sliced_load_changes_nothing(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        shown = table.visible_ids()
        statuses = {job_id: status(table, job_id) for job_id in shown}
        change_tenth(sim, "Failed")
        steps = table._load_steps(await screen.ops.client.list_jobs(), screen.ops.org_names, True)
        run(steps, 5)
        steps.close()  # what cancelling `load_async` between two slices does to it
        assert table.visible_ids() == shown
        assert {job_id: status(table, job_id) for job_id in shown} == statuses
        table.load(list(table.jobs.values()))  # and the next load is applied
        assert table.visible_ids() == shown


async def test_a_poll_of_the_same_jobs_updates_in_place_and_follows_a_new_server_order(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table, orgs = screen.jobs, screen.ops.org_names
        held = table.jobs
        change_tenth(sim, "Failed")
        await table.load_async(await screen.ops.client.list_jobs(), orgs)
        assert table.jobs is held  # the changed jobs put in, not a new dict of every job
        assert all(status(table, job.id) == (job.last_status or "-") for job in sim.jobs.values())
        items = list(sim.jobs.items())
        sim.jobs.clear()
        sim.jobs.update(reversed(items))  # the same jobs, listed the other way round
        await table.load_async(await screen.ops.client.list_jobs(), orgs)
        assert list(table.jobs) == list(sim.jobs) and list(table._index) == list(sim.jobs)
        assert in_order(table) and table.row_count == len(sim.jobs)
