"""Issue 13, for operators at 80x24 and in 16 colours: each finding has a test that fails without its fix."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from vbotui.sim import Simulator
from vbotui.ui.widgets.footer import KeyFooter
from vbotui.ui.widgets.job_table import JobTable, natural_key

from .conftest import AppFactory, loaded, wait_until


def header_line(table: JobTable) -> str:
    return table.render_line(0).text


def shown_footer_keys(pilot: Pilot[Any]) -> list[str]:
    """The footer keys wholly on screen, as `key description`."""
    return pilot.app.screen.query_one(KeyFooter).shown


# ----- (1) 80x24: the footer shows ? Help and q Quit; every date column can be seen -----
async def test_footer_at_80_columns_shows_help_and_quit(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        shown = shown_footer_keys(pilot)
        assert "? Help" in shown and "q Quit" in shown, shown
        assert shown[:2] == ["? Help", "q Quit"]


async def test_left_and_right_show_the_other_date_columns_at_80(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        assert list(table.columns)[-1] == "last_run"
        await pilot.press("right")
        assert list(table.columns)[-1] == "next_run"
        assert "Next run" in header_line(table)
        await pilot.press("right")
        assert list(table.columns)[-1] == "last_backup"
        assert "Last backup" in header_line(table)
        await pilot.press("right")
        assert list(table.columns)[-1] == "last_run"
        await pilot.press("left")
        assert list(table.columns)[-1] == "last_backup"
        # The sort follows what is shown.
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        assert table.sort_column == "last_backup"


async def test_every_column_shown_at_120(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("right")
        assert {"last_run", "next_run", "last_backup"} <= set(screen.jobs.columns)


# ----- (4) sorting: an indicator on every column, human names, natural order of numbers -----
def test_numbers_in_names_sort_as_numbers() -> None:
    names = ["mailboxes 10", "mailboxes 2", "mailboxes 1", "Mailboxes", "mailboxes 2a"]
    assert sorted((n.lower() for n in names), key=natural_key) == [
        "mailboxes",
        "mailboxes 1",
        "mailboxes 2",
        "mailboxes 2a",
        "mailboxes 10",
    ]


async def test_sort_indicator_on_every_column_and_human_names(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        seen = []
        for _ in range(len(table.columns) - 1):  # every sortable column shown
            line = header_line(table)
            label = {"name": "Name", "org": "Organization", "status": "Last status"}.get(
                table.sort_column, ""
            )
            assert "\u25b2" in line, (table.sort_column, line)
            column = table.columns[table.sort_column]
            if label:
                assert label in line
            assert column.width >= 3
            seen.append(table.sort_column)
            await pilot.press("greater_than_sign")
        assert {"name", "org", "status", "enabled", "last_run"} <= set(seen)
        await pilot.press("less_than_sign")
        assert "\u25bc" in header_line(table)
        while table.sort_column != "last_run":
            await pilot.press("greater_than_sign")
        header = str(screen.query_one("#header").render())
        assert "sort last run" in header and "last_run" not in header


async def test_natural_sort_in_the_list(make_app: AppFactory, sim: Simulator) -> None:
    jobs = list(sim.jobs.values())[:3]
    for job, name in zip(jobs, ("aaa mailboxes 10", "aaa mailboxes 2", "aaa mailboxes 1"), strict=True):
        job.name = name
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        names = [screen.jobs.jobs[job_id].name for job_id in screen.jobs.visible_ids()[:3]]
        assert names == ["aaa mailboxes 1", "aaa mailboxes 2", "aaa mailboxes 10"]


# ----- (2) 16 colours: a warning must not look worse than a failure -----
def status_cell_style(table: JobTable, status: str) -> Any:
    job = next(job for job in table.jobs.values() if (job.last_status or "").lower() == status)
    row = table.visible_ids().index(job.id)
    table.move_cursor(row=0 if row else 1)  # not under the cursor
    table.scroll_to(y=row, animate=False, force=True)
    strip = table._row_strip(job, False, table.size.width)
    return next(seg.style for seg in strip if seg.text.strip() == job.last_status)


async def test_sixteen_colours_use_the_terminals_red_and_yellow(
    make_app: AppFactory, monkeypatch: Any
) -> None:
    from vbotui.ui.app import sixteen_colours

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = await make_app(ansi=True)
    assert sixteen_colours(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert app.theme == "ansi-dark"
        failed, warning = (status_cell_style(screen.jobs, s) for s in ("failed", "warning"))
        assert failed.color.number == 9 and failed.bold  # bright red
        assert warning.color.number == 3 and not warning.bold  # yellow


async def test_truecolour_statuses_come_from_the_theme(make_app: AppFactory) -> None:
    app = await make_app(ansi=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert app.theme != "ansi-dark"
        failed, warning = (status_cell_style(screen.jobs, s) for s in ("failed", "warning"))
        assert failed.bold and not warning.bold
        assert failed.color != warning.color and failed.color.triplet is not None


# ----- (5, 6) row N of M; the filter: no match said, an unknown key reported, exact org, highlights -----
def filter_status(screen: Any) -> str:
    """The filter line's right end, without the time zone part."""
    said = str(screen.query_one("#filter-status").render())
    assert said.endswith(" · times in UTC"), said  # tests run in UTC (the autouse fixture)
    return said.removesuffix(" · times in UTC")


async def test_row_n_of_m_follows_the_cursor(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        total = screen.jobs.row_count
        assert filter_status(screen) == f"row 1 of {total}"
        await pilot.press("j", "j")
        assert filter_status(screen) == f"row 3 of {total}"
        await pilot.press("end")
        assert filter_status(screen) == f"row {total} of {total}"
        await pilot.press("home")
        assert filter_status(screen) == f"row 1 of {total}"


async def test_an_empty_result_says_so(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"zzzz-nothing", "enter")
        await wait_until(pilot, lambda: screen.jobs.row_count == 0, "the filter")
        assert "no job matches zzzz-nothing" in filter_status(screen)
        assert "no job matches the filter" in screen.jobs.render_line(1).text


async def test_an_unknown_key_is_reported_and_filters_nothing(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        total = len(screen.jobs.jobs)
        await pilot.press("slash", *"foo:bar", "enter")
        await pilot.pause()
        assert "unknown key foo:" in filter_status(screen)
        assert screen.query_one("#filter-status").has_class("-error")
        assert screen.jobs.row_count == total


async def test_exact_org_does_not_match_a_longer_one(make_app: AppFactory, sim: Simulator) -> None:
    contoso = next(org for org in sim.organizations.values() if org.name.startswith("contoso"))
    contoso.name = "adatum-emea.onmicrosoft.com"
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        orgs = {screen.jobs.org_name(job) for job in screen.jobs.jobs.values()}
        assert {"adatum.onmicrosoft.com", "adatum-emea.onmicrosoft.com"} <= orgs, orgs
        await pilot.press("slash", *"org:adatum", "enter")
        await pilot.pause()
        shown = {screen.jobs.org_name(screen.jobs.jobs[i]) for i in screen.jobs.visible_ids()}
        assert shown == {"adatum.onmicrosoft.com", "adatum-emea.onmicrosoft.com"}  # a substring
        await pilot.press("escape")
        await pilot.press("slash", *"org:=adatum", "enter")
        await pilot.pause()
        shown = {screen.jobs.org_name(screen.jobs.jobs[i]) for i in screen.jobs.visible_ids()}
        assert shown == {"adatum.onmicrosoft.com"}


async def test_matches_are_highlighted(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"teams", "enter")
        await pilot.pause()
        table = screen.jobs
        job = table.jobs[table.visible_ids()[1]]
        strip = table._row_strip(job, False, table.size.width)
        match = table.get_component_rich_style("job-table--match", partial=True)
        marked = [seg.text for seg in strip if seg.style is not None and seg.style.underline]
        assert marked and all(text.lower() == "teams" for text in marked), marked
        assert match.underline


# ----- (3) times: the list says which zone its times are in, as restore sessions does -----
async def test_the_list_labels_its_time_zone(make_app: AppFactory, monkeypatch: Any) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        app = await make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await loaded(pilot)
            said = str(screen.query_one("#filter-status").render())
            assert said.endswith("times in CEST"), said  # the sim clock: May 2024
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


# ----- (7) the palette: several words find a job; none of Textual's generic commands -----
def palette_prompts(app: Any) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_finds_a_job_by_several_words(make_app: AppFactory, sim: Simulator) -> None:
    from textual.command import CommandPalette

    target = next(job for job in sim.jobs.values() if job.name.lower().endswith("teams"))
    target.name = "Fabrikam - Teams"
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "palette")
        await pilot.press(*"fab tea")
        await wait_until(pilot, lambda: any("Fabrikam - Teams" in p for p in palette_prompts(app)), "hits")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.jobs.cursor_job_id == target.id, "jump")


async def test_palette_offers_no_generic_textual_commands(make_app: AppFactory) -> None:
    from textual.command import CommandPalette

    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "palette")
        await wait_until(pilot, lambda: len(palette_prompts(app)) > 5, "the commands")
        prompts = palette_prompts(app)
        for generic in ("Keys", "Maximize", "Screenshot", "Theme"):
            assert not any(p.startswith(generic) for p in prompts), prompts
        assert sum(p.startswith("Quit") for p in prompts) == 1, prompts


# ----- (9) truncation: ellipsis, the whole job id at 120 columns, organizations kept apart -----
def test_organizations_sharing_a_prefix_stay_apart() -> None:
    from vbotui.ui.widgets.job_index import fit_middle

    one, two = (fit_middle(name, 14) for name in ("blueyonderairlines", "blueyonderairlines-emea"))
    assert one != two and one.endswith("…rlines") and two.endswith("s-emea")
    assert len(one) == len(two) == 14
    assert fit_middle("contoso", 14) == "contoso".ljust(14)


async def test_the_detail_pane_shows_the_whole_job_id_at_120(make_app: AppFactory, sim: Simulator) -> None:
    from vbotui.ui.widgets.job_detail import JobDetail

    for job in sim.jobs.values():
        job.name = "Blue Yonder Airlines - Exchange Online - All mailboxes of EMEA"
    for org in sim.organizations.values():
        org.name = "blueyonderairlines-emea.onmicrosoft.com"
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        job_id = screen.jobs.cursor_job_id or ""
        detail = screen.query_one(JobDetail)
        shown = detail.render_lines(detail.region.reset_offset)[1].text
        assert job_id in shown, shown


# ----- (12) issue 12 in the TUI: export what the filter shows, copy the id -----
async def test_export_writes_the_shown_jobs_with_the_commands_fields(
    make_app: AppFactory, tmp_path: Any
) -> None:
    import csv
    import json

    from vbotui.commands.records import JOB_FIELDS
    from vbotui.ui.export import ExportDialog

    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"status:failed", "enter")
        await pilot.pause()
        shown = screen.jobs.visible_ids()
        assert 0 < len(shown) < len(screen.jobs.jobs)
        for name, kind in (("jobs.json", "json"), ("jobs.csv", "csv")):
            target = tmp_path / name
            await pilot.press("w")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
            box = app.screen.query_one("#export-path")
            box.value = str(tmp_path / name)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await wait_until(pilot, target.exists, "the file")
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
            if kind == "json":
                document = json.loads((tmp_path / name).read_text())
                assert [job["id"] for job in document] == shown
                assert list(document[0]) == list(JOB_FIELDS)
                assert all(job["lastStatus"] == "Failed" for job in document)
                assert document[0]["lastRun"].endswith("Z")
            else:
                rows = list(csv.reader((tmp_path / name).open()))
                assert rows[0] == list(JOB_FIELDS) and [row[0] for row in rows[1:]] == shown
        # Never over an existing file.
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        app.screen.query_one("#export-path").value = str(tmp_path / "jobs.csv")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportDialog)


async def test_c_copies_the_id_under_the_cursor(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j", "c")
        await pilot.pause()
        assert app.clipboard == screen.jobs.cursor_job_id
