"""Counts say one thing in the singular: "1 restore session", "1 line", "1 job"."""

from __future__ import annotations

from vbotui.sim import Simulator
from vbotui.sim.state import ExploreRequest
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen
from vbotui.words import counted

from .conftest import AppFactory, loaded, wait_until


def test_counted_is_singular_only_for_one() -> None:
    assert [counted(n, "line") for n in (0, 1, 2)] == ["0 lines", "1 line", "2 lines"]
    assert counted(1, "restore session") == "1 restore session"
    assert counted(3, "entry", "entries") == "3 entries"


async def test_one_restore_session_is_said_in_the_singular(make_app: AppFactory, sim: Simulator) -> None:
    job = next(j for j in sim.jobs.values() if sim.organizations[j.organization_id].last_backup)
    point = sim.organizations[job.organization_id].last_backup
    assert point is not None
    sim.state.explore(job, sim.now(), ExploreRequest(point, "vex", False, False, "admin", "jump-host"))
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        main = await loaded(pilot)
        screen = RestoreSessionsScreen(main.ops)
        await app.push_screen(screen)
        status = screen.query_one("#sessions-status")
        await wait_until(pilot, lambda: "refreshed" in str(status.render()), "the list read")
        assert str(status.render()).startswith("1 restore session; refreshed")
