"""The virtual job list on its own (a bare App, synthetic jobs): only the rows on screen are
painted, a poll is diffed by job id (cursor and marks stay, only changed rows on screen are
repainted), and filter and sort give the answers of the filter grammar and the column order.
Counts only: nothing here is timed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from textual.app import App, ComposeResult

from vbotui.api.models import Job
from vbotui.filtering import index_fields, parse_filter
from vbotui.ui.widgets.job_table import JobTable

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
STATUSES = ("Success", "Warning", "Failed", "Running", None)
ORGS = {"o1": "adatum.onmicrosoft.com", "o2": "contoso.com", "o3": "Fabrikam.OnMicrosoft.com"}
SIZE = (120, 30)


def make_jobs(n: int, seed: int = 1) -> list[Job]:
    rnd = random.Random(seed)
    jobs = []
    for i in range(n):
        when = NOW - timedelta(minutes=rnd.randrange(0, 60 * 24 * 30))
        jobs.append(
            Job(
                id=f"job-{i:05d}",
                name=f"{rnd.choice(['Mail', 'Teams', 'OneDrive', 'Sites'])} {rnd.randrange(10**6):06d}",
                organization_id=rnd.choice(list(ORGS)),
                is_enabled=rnd.choice((True, False, None)),
                last_status=rnd.choice(STATUSES),
                last_run=when if rnd.random() > 0.1 else None,
                next_run=when + timedelta(days=1),
                last_backup=when,
            )
        )
    return jobs


class TableApp(App[None]):
    clock = staticmethod(lambda: NOW)

    def compose(self) -> ComposeResult:
        yield JobTable(id="jobs")


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The job ids whose line was built, in order."""
    seen: list[str] = []
    original = JobTable._row_strip

    def row_strip(self: JobTable, job: Job, cursor: bool, width: int) -> Any:
        seen.append(job.id)
        return original(self, job, cursor, width)

    monkeypatch.setattr(JobTable, "_row_strip", row_strip)
    yield seen


async def test_only_the_rows_on_screen_are_painted(painted: list[str]) -> None:
    jobs = make_jobs(5000)
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.load(jobs, ORGS)
        await pilot.pause()
        on_screen = table.size.height - 1
        assert table.row_count == 5000
        assert 0 < len(set(painted)) <= on_screen
        assert set(painted) == set(table.visible_ids()[:on_screen])
        # One step down repaints two lines (the old and the new cursor row), not the screen.
        painted.clear()
        await pilot.press("j")
        await pilot.pause()
        assert table.cursor_row == 1
        assert sorted(painted) == sorted(table.visible_ids()[:2])
        # G goes to the end: one screenful, the last rows.
        painted.clear()
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == 4999
        assert set(painted) <= set(table.visible_ids()[-on_screen:])
        assert table.visible_ids()[-1] in painted


async def test_keys_move_the_cursor(painted: list[str]) -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.load(make_jobs(300), ORGS)
        table.focus()
        await pilot.pause()
        page = table.size.height - 1
        await pilot.press("j", "j", "down", "k")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + page
        await pilot.press("pageup", "pageup")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 299
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("G", "g")
        assert table.cursor_row == 0


async def test_a_poll_is_diffed_cursor_and_marks_stay(painted: list[str]) -> None:
    jobs = make_jobs(3000)
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.load(jobs, ORGS)
        await pilot.pause()
        target = table.visible_ids()[10]
        table.move_to(target)
        marked = table.visible_ids()[5:8] + table.visible_ids()[-3:]
        for job_id in marked:
            table.toggle_mark(job_id)
        await pilot.pause()
        order = table.visible_ids()
        # 10% of the jobs change status (not the sort column), one far below the screen vanishes.
        gone = order[-1]
        fresh = [
            replace(job, last_status="Warning" if job.last_status != "Warning" else "Success")
            if i % 10 == 0
            else job
            for i, job in enumerate(jobs)
            if job.id != gone
        ]
        painted.clear()
        table.load(fresh, ORGS)
        await pilot.pause()
        assert table.cursor_job_id == target
        assert table.marks == set(marked) - {gone}
        assert table.visible_ids() == [job_id for job_id in order if job_id != gone]
        # A list with a job gone is a new index; every row on screen was repainted once.
        assert len(painted) <= table.size.height - 1

        # Same ids, 10% changed: only the changed rows on screen are repainted.
        shown = table.visible_ids()
        changed = {job.id for i, job in enumerate(fresh) if i % 10 == 1} | {shown[3], shown[12]}
        again = [replace(job, last_status="Queued") if job.id in changed else job for job in fresh]
        painted.clear()
        table.load(again, ORGS)
        await pilot.pause()
        on_screen = set(table.visible_ids()[: table.size.height - 1])
        assert set(painted) == changed & on_screen
        assert table.cursor_job_id == target
        assert table.get_cell(shown[3], "status").plain == "Queued"

        # Nothing changed: nothing is repainted.
        painted.clear()
        table.load([replace(job) for job in again], ORGS)
        await pilot.pause()
        assert painted == []


async def test_a_change_in_the_sort_column_moves_the_row(painted: list[str]) -> None:
    jobs = make_jobs(200)
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.load(jobs, ORGS)
        table.set_sort("name", False)
        await pilot.pause()
        first = table.visible_ids()[0]
        table.move_to(first)
        renamed = [replace(job, name="zzz last") if job.id == first else job for job in jobs]
        table.load(renamed, ORGS)
        await pilot.pause()
        assert table.visible_ids()[-1] == first
        assert table.cursor_job_id == first  # the cursor follows its job
        assert table.cursor_row == 199


@pytest.mark.parametrize(
    "text",
    [
        "",
        "teams",
        "status:failed",
        "!status:success",
        "org:contoso",
        "enabled:no",
        "enabled:yes",
        "!enabled:yes",
        "enabled:maybe",
        "!enabled:maybe",
        "adatum mail",
        "name:backup !teams",
        "zzz",
        "fabrikam.onmicrosoft",
        "status:",
        "org:=adatum",
        "!org:=adatum",
        "!org:=contoso.com",
        "!status:=failed",
        "orgid:=O2",
        "!orgid:=o2",
    ],
)
async def test_filter_and_sort_give_the_grammars_answers(text: str) -> None:
    jobs = make_jobs(1000, seed=7)
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(JobTable)
        table.load(jobs, ORGS)
        job_filter = parse_filter(text)
        table.set_filter(job_filter)
        for column in ("name", "org", "status", "enabled", "last_run", "next_run", "last_backup"):
            for reverse in (False, True):
                table.set_sort(column, reverse)
                expected = [
                    job
                    for job in jobs
                    if job_filter.matches(
                        job.name,
                        ORGS[job.organization_id or ""],
                        job.last_status,
                        job.is_enabled,
                        job.organization_id,
                    )
                ]
                shown = table.visible_ids()
                assert sorted(shown) == sorted(job.id for job in expected), (text, column)
                keys = [sort_key(table.jobs[job_id], column) for job_id in shown]
                assert keys == sorted(keys, reverse=reverse), (text, column, reverse)
        await pilot.pause()


def sort_key(job: Job, column: str) -> Any:
    if column == "name":
        return job.name.lower()
    if column == "org":
        return ORGS[job.organization_id or ""].lower().removesuffix(".onmicrosoft.com")
    if column == "status":
        return (job.last_status or "").lower()
    if column == "enabled":
        return {None: 0, False: 1, True: 2}[job.is_enabled]
    value = getattr(job, column)
    return (value is not None, value or NOW)


def test_select_agrees_with_matches() -> None:
    rnd = random.Random(3)
    words = ["mail", "teams", "con", "ADATUM", "fail", "succ", "x", "o"]
    rows = [
        index_fields(
            f"{rnd.choice(words)} {rnd.choice(words)}",
            rnd.choice(list(ORGS.values())),
            rnd.choice(STATUSES),
            rnd.choice((True, False, None)),
            rnd.choice(list(ORGS)),
        )
        for _ in range(500)
    ]
    for _ in range(200):
        terms = []
        for _ in range(rnd.randrange(1, 4)):
            field = rnd.choice(["", "name:", "org:", "status:", "enabled:", "org:=", "orgid:="])
            if field == "enabled:":
                value = rnd.choice(["yes", "no", "maybe"])
            elif field == "org:=":
                value = rnd.choice(["adatum", "contoso.com", "fabrikam", "con"])
            elif field == "orgid:=":
                value = rnd.choice([*ORGS, "O3", "o"])
            else:
                value = rnd.choice(words)
            terms.append(("!" if rnd.random() < 0.3 else "") + field + value)
        job_filter = parse_filter(" ".join(terms))
        selected = job_filter.select(rows)
        assert selected == [row for row in rows if job_filter.matches(row[1], row[2], row[3], row[4], row[5])]


async def test_server_text_is_painted_literally() -> None:
    job = Job(
        id="j1",
        name="[bold]x[/] \x1b[2J\x1b]0;pwned\x07",
        organization_id="o1",
        last_status="[red]Failed\x1b[0m",
    )
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(JobTable)
        table.load([job], {"o1": "evil\x1b[31m.onmicrosoft.com"})
        await pilot.pause()
        line = table.render_line(1).text
        assert "[bold]x[/] ^[[2J^[]0;pwned^G" in line
        assert "evil^[[31m" in line
        assert "[red]Faile…" in line  # cut to the column, with an ellipsis
        assert "\x1b" not in "".join(strip.text for strip in app.screen._compositor.render_strips())
