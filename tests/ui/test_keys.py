"""Pilot tests of every key path, against the simulator through a real VboClient."""

from __future__ import annotations

import pytest
from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from vbotui.sim import Simulator
from vbotui.ui.screens.confirm import ConfirmScreen
from vbotui.ui.screens.help import HelpScreen

from .conftest import AppFactory, loaded, panel_text, wait_until

SIZE = (120, 40)


def posts(sim: Simulator, verb: str) -> list[str]:
    return [r.path for r in sim.requests if r.method == "POST" and r.path.lower().endswith("/" + verb)]


def enabled_idle_job(sim: Simulator) -> str:
    return next(
        j.id
        for j in sorted(sim.jobs.values(), key=lambda j: j.name.lower())
        if j.is_enabled and j.running_session_id is None
    )


async def test_jobs_appear_sorted_by_name_with_header(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        assert table.row_count == len(sim.jobs)
        names = [table.jobs[i].name.lower() for i in table.visible_ids()]
        assert names == sorted(names)
        assert "40 jobs" in str(screen.query_one("#header").render())
        assert "list jobs" in panel_text(pilot)


async def test_navigation_keys(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = (await loaded(pilot)).jobs
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert table.cursor_row > 5


async def test_start_one_job_reports_and_rereads_row(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = enabled_idle_job(sim)
        screen.go_to_job(job_id)
        await pilot.press("s")  # one job: no question
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Running", "row re-read")
        assert len(posts(sim, "start")) == 1
        assert sim.jobs[job_id].running_session_id is not None
        line = [ln for ln in panel_text(pilot).splitlines() if " start " in ln][-1]
        assert "20" in line and "session" in line
        assert screen.jobs.get_cell(job_id, "status").plain == "Running"


async def test_start_disabled_job_shows_the_servers_message(make_app: AppFactory, sim: Simulator) -> None:
    job = next(j for j in sim.jobs.values() if j.is_enabled)
    job.is_enabled = False
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        screen.go_to_job(job.id)
        await pilot.press("s")
        await wait_until(pilot, lambda: "REFUSED" in panel_text(pilot), "refused line")
        assert "Job is disabled. Enable the job before starting it." in panel_text(pilot)
        assert not app._notifications  # the panel's line, never a toast over it


@pytest.mark.parametrize(("key", "verb"), [("x", "stop"), ("d", "disable")])
async def test_stop_and_disable_of_one_job_ask_first_and_no_sends_nothing(
    make_app: AppFactory, sim: Simulator, key: str, verb: str
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        screen.go_to_job(enabled_idle_job(sim))
        await pilot.press(key)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is not None and app.focused.id == "no"  # the default is No
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press(key, "escape")
        await pilot.press(key, "enter")  # enter on the focused "No"
        await pilot.pause()
        assert posts(sim, verb) == []
        assert "not sent: cancelled" in panel_text(pilot)


async def test_stop_confirmed_with_y(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        job_id = enabled_idle_job(sim)
        screen.go_to_job(job_id)
        await pilot.press("s")
        await wait_until(pilot, lambda: sim.jobs[job_id].running_session_id is not None, "started")
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.jobs.jobs[job_id].last_status == "Stopped", "stopped")
        assert len(posts(sim, "stop")) == 1


async def test_disable_on_marked_jobs_asks_and_runs_on_all(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("space", "j", "j", "space", "j", "space")
        marked = set(screen.jobs.marks)
        assert len(marked) == 3
        assert screen.jobs.get_cell(next(iter(marked)), "mark").plain == "*"
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.job_names == [
            j.name for j in sorted((screen.jobs.jobs[i] for i in marked), key=lambda j: j.name.lower())
        ]
        await pilot.press("y")
        await wait_until(pilot, lambda: "3/3 succeeded" in panel_text(pilot), "bulk summary")
        assert all(not sim.jobs[i].is_enabled for i in marked)
        reread = lambda: all(screen.jobs.jobs[i].is_enabled is False for i in marked)  # noqa: E731
        await wait_until(pilot, reread, "re-read")
        assert not screen.jobs.marks  # marks are spent on a confirmed bulk action


async def test_enable_one_job_does_not_ask(make_app: AppFactory, sim: Simulator) -> None:
    job = next(j for j in sim.jobs.values() if j.is_enabled)
    job.is_enabled = False
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        screen.go_to_job(job.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: screen.jobs.jobs[job.id].is_enabled is True, "enabled")
        assert sim.jobs[job.id].is_enabled


async def test_bulk_start_with_filter_and_star(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"enabled:yes", "enter")
        await wait_until(pilot, lambda: not screen.jobs.job_filter.is_empty, "filter")
        shown = screen.jobs.visible_ids()
        assert 0 < len(shown) < len(sim.jobs)
        await pilot.press("asterisk")
        assert screen.jobs.marks == set(shown)
        await pilot.press("asterisk")
        assert not screen.jobs.marks
        await pilot.press("asterisk", "s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "succeeded" in panel_text(pilot), "bulk summary")
        assert len(posts(sim, "start")) == len([i for i in shown if i])  # one request per job


async def test_same_action_on_same_job_is_never_in_flight_twice(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        job = screen.jobs.jobs[enabled_idle_job(sim)]
        screen.ops.jobs.in_flight.add(("start", job.id))  # as if a start were still waiting
        screen.go_to_job(job.id)
        await pilot.press("s")
        await pilot.pause()
        assert posts(sim, "start") == []
        assert not app._notifications
        assert "not sent: start already in progress" in panel_text(pilot)


async def test_read_only_refuses_every_action_and_says_why(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app(read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await loaded(pilot)
        assert "READ-ONLY" in str(screen.query_one("#header").render())
        await pilot.press("space", "s", "x", "e", "d", "o")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert not [r for r in sim.requests if r.method == "POST" and "token" not in r.path.lower()]
        assert panel_text(pilot).count("not sent: read-only") == 5
        assert not app._notifications


async def test_filter_narrows_and_escape_clears(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"status:failed", "enter")
        await wait_until(pilot, lambda: not screen.jobs.job_filter.is_empty, "filter")
        failed = {j.id for j in sim.jobs.values() if (j.last_status or "").lower() == "failed"}
        assert set(screen.jobs.visible_ids()) == failed
        await pilot.press("escape")
        assert screen.jobs.job_filter.is_empty
        assert screen.jobs.row_count == len(sim.jobs)


async def test_keys_in_one_burst_after_slash_all_reach_the_filter(make_app: AppFactory) -> None:
    # Over SSH several keys can arrive in one read. Deliver "/" and the words at once, as the
    # terminal driver does, without waiting for the app between them: none may be lost, and
    # letters that are action keys ("s", "e", "d") must not run actions.
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        for char in "/teams s/x":
            key = {"/": "slash", " ": "space"}.get(char, char)
            app.post_message(events.Key(key, char))
        box = screen.query_one("#filter", Input)
        await wait_until(pilot, lambda: box.value == "teams s/x", "filter text")
        assert not [e for e in app.activity.entries if e.action in ("start", "stop")]


async def test_refresh_in_place_keeps_cursor_and_marks(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        await pilot.press("j", "j", "j", "j", "j", "space", "k")  # space moved down: back
        cursor_job = table.cursor_job_id
        assert cursor_job is not None
        other = next(j for j in sim.jobs.values() if j.id != cursor_job)
        other.name = "AAA renamed on the server"  # sorts first: rows move under the cursor
        gone = next(j for j in sim.jobs.values() if j.id not in (cursor_job, other.id))
        del sim.jobs[gone.id]
        await pilot.press("ctrl+r")
        renamed = lambda: other.id in table.jobs and table.jobs[other.id].name.startswith("AAA")  # noqa: E731
        await wait_until(pilot, renamed, "refresh")
        assert table.cursor_job_id == cursor_job
        assert table.marks == {cursor_job}
        assert table.get_cell(other.id, "name").plain == "AAA renamed on the server"
        assert table.visible_ids()[0] == other.id
        assert gone.id not in table.rows
        assert table.row_count == len(sim.jobs)


async def test_poll_waits_while_a_dialog_is_open(make_app: AppFactory, sim: Simulator) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        before = len(sim.requests)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        screen._poll()
        await pilot.pause()
        assert len(sim.requests) == before
        await pilot.press("escape")
        screen._poll()
        await wait_until(pilot, lambda: len(sim.requests) > before, "poll after the dialog closed")


async def test_server_text_is_shown_literally(make_app: AppFactory, sim: Simulator) -> None:
    job = next(iter(sim.jobs.values()))
    job.name = "0 [bold]x[/] \x1b[2J\x1b]0;pwned\x07"
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        shown = "0 [bold]x[/] ^[[2J^[]0;pwned^G"
        assert screen.jobs.get_cell(job.id, "name").plain == shown
        screen.go_to_job(job.id)
        await pilot.pause()
        lines = [screen.jobs.render_line(y).text for y in range(screen.jobs.size.height)]
        assert any("0 [bold]x[/] ^[[2J" in line for line in lines)
        rendered = "".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "\x1b" not in rendered
        assert "[bold]x[/]" in str(screen.query_one("#detail").render())


async def test_help_lists_keys_and_closes(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_jumps_to_a_job_by_name(make_app: AppFactory, sim: Simulator) -> None:
    target = sorted(sim.jobs.values(), key=lambda j: j.name.lower())[-1]
    target.name = "Zzz unique palette target"
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "palette")
        await pilot.press(*"palette target")

        def first_found() -> str:
            found = app.screen.query_one(CommandList)
            return str(found.get_option_at_index(0).prompt) if found.option_count else ""

        await wait_until(pilot, lambda: target.name in first_found(), "the job found")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.jobs.cursor_job_id == target.id, "jump")


async def test_explore_opens_the_dialog_for_the_cursor_job(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await pilot.pause()
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ExploreDialog", "explore dialog")


async def test_quit_key(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: app._exit is True, "exit")
