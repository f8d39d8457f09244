"""The session log at the sizes operators use: a long `[Error]` line can be read to its end (Right
moves half a view; End keeps the column), End and G reach the last line and keep following while
lines arrive (a long line brings a horizontal scrollbar that takes a row), and a server that writes
log items without `id` and `usn` still shows a running session's log growing."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from vbotui.api.client import VboClient
from vbotui.operations import ServerOperations
from vbotui.sim import FIRST_JOB_ID, ManualClock, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.session_log import LogView, SessionLogScreen

from ..helpers.tls import self_signed, serve_https
from .conftest import AppFactory, main_loaded, wait_until


def shown(view: LogView) -> list[str]:
    """The rows the view paints inside its scrollbars, as text."""
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def ops_of(app: VboApp) -> ServerOperations:
    assert app.ops is not None
    return app.ops


def on(app: Any, kind: type) -> bool:
    return isinstance(app.screen, kind) and bool(getattr(app.screen, "loaded", False))


async def open_newest_log(app: Any, pilot: Any) -> SessionLogScreen:
    """Enter on the first job, Enter on its newest session: the log screen, read."""
    main = await main_loaded(pilot)
    main.jobs.move_to(FIRST_JOB_ID)
    await pilot.press("enter")
    await wait_until(pilot, lambda: on(app, JobSessionsScreen), "sessions")
    await pilot.press("enter")
    await wait_until(pilot, lambda: on(app, SessionLogScreen), "log")
    screen = app.screen
    assert isinstance(screen, SessionLogScreen)
    await pilot.pause()
    return screen


async def test_right_and_end_reveal_the_end_of_a_long_error_line_at_80x24(
    make_app: AppFactory, sim: Simulator
) -> None:
    sim.jobs[FIRST_JOB_ID].last_status = "Failed"  # its newest session failed
    app = await make_app("v8")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_newest_log(app, pilot)
        view = screen.log_view
        error = view.lines[-1].plain
        assert "[Error]" in error and error.endswith("ServerBusy")
        assert view.lines[-1].cell_len > view.scrollable_content_region.width  # cut at 80 columns
        row = len(view.lines) - 1 - int(view.scroll_y)
        assert shown(view)[row].rstrip().endswith("…")
        for _ in range(3):  # a few presses, not one per column
            await pilot.press("right")
        await pilot.pause()
        assert shown(view)[row].rstrip().endswith("ServerBusy")
        await pilot.press("end")  # the last line, and the column where the operator is reading
        await pilot.pause()
        assert shown(view)[len(view.lines) - 1 - int(view.scroll_y)].rstrip().endswith("ServerBusy")
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert view.scroll_x == 0 and shown(view)[row].startswith(error[:20])


async def test_end_and_G_reach_the_last_line_and_keep_following_a_growing_log(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    job = sim.jobs[FIRST_JOB_ID]
    job.name, job.objects = "J", 6
    sim.organizations[job.organization_id].name = "t.example"  # short lines until the error line
    for other in [j for j in sim.jobs.values() if j.is_enabled and j.id != job.id][:2]:
        sim.state.start(other, sim_clock())  # (the seed then gives the first job a log without warnings)
    session = sim.state.start(job, sim_clock())
    session.final_status = "Failed"  # it ends with its [Error] line, the widest
    app = await make_app("v8")
    async with app.run_test(size=(100, 10)) as pilot:
        main = await main_loaded(pilot)
        running = await ops_of(app).client.job_session(session.id)
        screen = SessionLogScreen(ops_of(app), main.jobs.jobs[FIRST_JOB_ID], running, poll_s=0.05)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.loaded, "log read")
        view = screen.log_view
        sim_clock.advance(1.5)  # most of the run: more lines than the view has rows
        # (Home scrolls once the layout shows the scrollbar it brings.)
        await wait_until(pilot, lambda: view.show_vertical_scrollbar, "the log outgrew the view")
        await pilot.press("home")
        await pilot.pause()
        assert not view.following
        await pilot.press("end")
        await pilot.pause()
        assert view.following and shown(view)[-1].startswith(view.lines[-1].plain[:30])
        assert not view.show_horizontal_scrollbar, "a line is already wider than the view"
        sim_clock.advance(1.0)  # the run ends: its last line, wider than the view, arrives
        await wait_until(pilot, lambda: "[Error]" in view.lines[-1].plain, "the last line read")
        await pilot.pause()
        last = view.lines[-1].plain
        assert view.show_horizontal_scrollbar
        assert view.following and view.scroll_y == view.max_scroll_y
        assert shown(view)[-1].startswith(last[:30])  # the last line itself, not the one before
        await pilot.press("home", "G")
        await pilot.pause()
        assert view.following and shown(view)[-1].startswith(last[:30])


async def test_log_items_without_id_and_usn_keep_flowing(
    make_app: AppFactory, sim: Simulator, sim_clock: ManualClock
) -> None:
    sim.state.log_item_ids = False
    job = sim.jobs[FIRST_JOB_ID]
    job.objects = 100
    app = await make_app("v8")
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        main.jobs.move_to(FIRST_JOB_ID)
        await pilot.press("s")
        await wait_until(pilot, lambda: job.running_session_id is not None, "started")
        session_id = job.running_session_id or ""
        running = await ops_of(app).client.job_session(session_id)
        screen = SessionLogScreen(ops_of(app), main.jobs.jobs[FIRST_JOB_ID], running, poll_s=0.05)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.loaded, "log read")
        served, _ = await ops_of(app).client.log_page(session_id, limit=50)
        assert served and not any(item.id or item.usn is not None for item in served)
        first = len(screen.log_view.lines)
        sim_clock.advance(1.0)
        await wait_until(pilot, lambda: len(screen.log_view.lines) > first, "the log grew")
        sim_clock.advance(1.5)
        sim.state.advance(sim_clock())  # (what the simulator does at each request) the run has ended
        expected = [item.message for item in sim.state.log_of(sim.job_sessions[session_id], sim_clock())]
        await wait_until(pilot, lambda: len(screen.log_view.lines) >= len(expected), "every line read")
        await pilot.pause()
        # Every line once, in order: position told them apart, nothing merged, nothing repeated.
        assert [line.plain.split("] ", 1)[1] for line in screen.log_view.lines] == expected


async def test_log_items_without_id_and_usn_keep_flowing_over_https_on_loopback(
    tmp_path: Path, sim: Simulator, sim_clock: ManualClock
) -> None:
    """The same, with the simulator behind real TLS on 127.0.0.1."""
    sim.state.log_item_ids = False
    job = sim.jobs[FIRST_JOB_ID]
    session = sim.state.start(job, sim_clock())
    cert = self_signed(tmp_path, "vbo")
    with serve_https(sim.app, cert) as port:
        verify = ssl.create_default_context(cafile=str(cert.cert))
        client = VboClient(f"https://127.0.0.1:{port}", "v8", verify=verify)
        await client.sign_in("admin", "secret")
        app = VboApp(client, "vbo", clock=sim_clock, monotonic=lambda: 0.0, refresh_s=3600.0)
        async with app.run_test(size=(120, 40)) as pilot:
            main = await main_loaded(pilot)
            running = await ops_of(app).client.job_session(session.id)
            screen = SessionLogScreen(ops_of(app), main.jobs.jobs[FIRST_JOB_ID], running, poll_s=0.05)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.loaded, "log read")
            first = len(screen.log_view.lines)
            sim_clock.advance(3.0)  # past the end of the run
            sim.state.advance(sim_clock())  # (what the simulator does at each request) the run has ended
            written = sim.state.log_of(sim.job_sessions[session.id], sim_clock())
            await wait_until(pilot, lambda: len(screen.log_view.lines) >= len(written), "every line read")
            await pilot.pause()
            assert len(screen.log_view.lines) > first
            assert [line.plain.split("] ", 1)[1] for line in screen.log_view.lines] == [
                item.message for item in written
            ]
        await client.aclose()
