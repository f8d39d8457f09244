"""The detail pane says why the job's newest session failed: its log's first error line, whole
(wrapped to the pane's width, the pane growing while it must), at 80x24 and 120x40."""

from __future__ import annotations

import pytest

from vbotui.sim import FIRST_JOB_ID, Simulator
from vbotui.ui.widgets.job_detail import JobDetail

from .conftest import AppFactory, main_loaded, wait_until


def painted(detail: JobDetail) -> list[str]:
    """The pane's rows as painted inside its height (without the blanks that fill them)."""
    return [detail.render_line(y).text.strip() for y in range(detail.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_first_error_line_of_a_failed_session_shows_whole(
    make_app: AppFactory, sim: Simulator, size: tuple[int, int]
) -> None:
    sim.jobs[FIRST_JOB_ID].last_status = "Failed"
    app = await make_app("v8")
    async with app.run_test(size=size) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        detail = main.query_one("#detail", JobDetail)
        [session] = [s for s in sim.state.sessions_of(sim.jobs[FIRST_JOB_ID])[:1]]
        error = next(item for item in sim.state.log_of(session, sim.clock()) if item.type == "Error")
        assert len(error.title) > detail.size.width or size[0] > 100  # at 80 columns, too long for a row
        await wait_until(pilot, lambda: error.title in " ".join(painted(detail)), "the reason, whole")
        rows = painted(detail)
        assert not any(row.endswith("…") for row in rows if "[Error]" in row or "ServerBusy" in row)
        start = next(index for index, row in enumerate(rows) if row.startswith("[Error]"))
        assert rows[start - 1].split()[2] == "Failed"  # right under the session it explains


async def test_a_stack_trace_for_a_reason_takes_a_few_rows_and_says_where_the_rest_is(
    make_app: AppFactory, sim: Simulator
) -> None:
    """A failure line of kilobytes (a .NET stack trace) must not push the job list and the status
    panel off an 80x24 screen: a few rows of it, then where the rest is."""
    app = await make_app("v8")
    async with app.run_test(size=(80, 24)) as pilot:
        main = await main_loaded(pilot)
        detail = main.query_one("#detail", JobDetail)
        await wait_until(pilot, lambda: detail._shown is not None and detail._shown[2], "the sessions")
        shown = detail._shown
        assert shown is not None
        job, org, sessions, _, _ = shown
        trace = "[Error] System.Exception: item size exceeded " + " at Veeam.Archiver.Proxy.Process()" * 200
        detail.show(job, org, sessions, "", trace)
        await pilot.pause()
        rows = painted(detail)
        assert any(row.startswith("[Error] System.Exception: item size exceeded") for row in rows)
        assert any("the rest in the session's log" in row for row in rows)
        assert detail.size.height <= 3 + 4 + detail.styles.gutter.height
        assert main.query_one("#status").region.bottom <= 24 and main.jobs.size.height >= 3
