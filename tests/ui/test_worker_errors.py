"""A worker that raises, on any screen, ends in a line in the status panel (the app's one handler),
and the screen stops saying it is reading. Textual tells only the node that started a worker."""

from __future__ import annotations

from typing import Any

import pytest

from vbotui.api.models import RestoreSession
from vbotui.ui.screens import explore, job_sessions, pulse, restore_sessions, session_log

from .conftest import AppFactory, loaded, panel_text, wait_until

SIZE = (120, 40)
PLANTED = "planted in the worker"


async def boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(PLANTED)


def error_lines(app: Any) -> list[str]:
    return [e.render().plain for e in app.activity.entries if e.action == "error"]


def still_reading(screen: Any) -> list[str]:
    shown = [str(widget.render()) for widget in screen.query("Static")]
    working = ("reading", "stopping")
    return [t for t in shown if any(w in t.lower() for w in working) and t.rstrip().endswith("...")]


async def open_job_sessions(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(job_sessions, "read_newest_sessions", boom)
    job = main.jobs.jobs[main.jobs.cursor_job_id]
    screen = job_sessions.JobSessionsScreen(main.ops, job)
    await pilot.app.push_screen(screen)
    return screen


async def open_session_log(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(session_log, "read_log", boom)
    monkeypatch.setattr(session_log, "read_session", boom)
    job = main.jobs.jobs[main.jobs.cursor_job_id]
    [session, *_] = await main.ops.job_sessions(job.id, limit=1)
    screen = session_log.SessionLogScreen(main.ops, job, session)
    await pilot.app.push_screen(screen)
    return screen


async def open_pulse(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(pulse, "read_pulse", boom)
    screen = pulse.PulseScreen(main.ops, list(main.jobs.jobs.values()), main.jobs.org_names)
    await pilot.app.push_screen(screen)
    return screen


async def open_restore_sessions(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main.ops, "list_restore_sessions", boom)
    screen = restore_sessions.RestoreSessionsScreen(main.ops)
    await pilot.app.push_screen(screen)
    return screen


async def stop_a_restore_session(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    screen = restore_sessions.RestoreSessionsScreen(main.ops)
    await pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: not still_reading(screen), "the list read")
    monkeypatch.setattr(main.ops, "stop_restore_session", boom)
    screen.stop(RestoreSession(id="3f2c1a9e-8d7b-4c6a-9e5f-1a2b3c4d5e6f", name="a session"))
    return screen


async def open_explore(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main.ops, "organization", boom)
    job = next(j for j in main.jobs.jobs.values() if j.organization_id)
    screen = explore.ExploreDialog(main.ops, job)
    await pilot.app.push_screen(screen)
    return screen


async def refresh_main(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main.ops, "refresh", boom)
    main.refresh_jobs()
    return main


async def detail_of_main(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main.ops, "job_sessions", boom)
    main._sessions_kept = type(main._sessions_kept)()  # nothing kept: the pane must read
    main.load_sessions(main.jobs.cursor_job_id)
    return main


async def read_ahead_of_main(pilot: Any, main: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(main.ops, "job_sessions", boom)
    main._sessions_kept = type(main._sessions_kept)()
    main.read_ahead(main.jobs.cursor_job_id)
    return main


@pytest.mark.parametrize(
    "open_screen",
    [
        open_job_sessions,
        open_session_log,
        open_pulse,
        open_restore_sessions,
        stop_a_restore_session,
        open_explore,
        refresh_main,
        detail_of_main,
        read_ahead_of_main,
    ],
)
async def test_a_worker_that_raises_on_any_screen_leaves_a_line(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, open_screen: Any
) -> None:
    app = await make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await loaded(pilot)
        screen = await open_screen(pilot, main, monkeypatch)
        await wait_until(pilot, lambda: any(PLANTED in line for line in error_lines(app)), "the error line")
        assert f"RuntimeError: {PLANTED}" in panel_text(pilot)
        await pilot.pause()
        assert still_reading(screen) == []
