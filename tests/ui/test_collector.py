"""The cyclic collector is paused while a poll reads and loads the jobs, and as it was after."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from vbotui.sim import Simulator
from vbotui.ui import collector
from vbotui.ui.widgets.job_table import JobTable

from .conftest import AppFactory, loaded, wait_until


def test_pauses_nest_and_leave_the_collector_as_it_was() -> None:
    assert gc.isenabled()
    with collector.collector_paused():
        with collector.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.collector_paused():
            pass
        assert not gc.isenabled()  # disabled before: not enabled by the pause
    finally:
        gc.enable()


async def test_a_poll_loads_with_the_collector_paused(
    make_app: AppFactory, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[bool] = []
    monkeypatch.setattr(collector, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))  # not the test process
    original = JobTable.load_async
    enabled: list[bool] = []

    async def load_async(self: JobTable, *args: Any, **kwargs: Any) -> None:
        enabled.append(gc.isenabled())
        await original(self, *args, **kwargs)

    monkeypatch.setattr(JobTable, "load_async", load_async)
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert frozen == [True] and gc.isenabled()  # frozen after the first list, once
        for job in list(sim.jobs.values())[::10]:
            job.last_status = "Failed"
            job.etag += 1
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(enabled) == 2, "the poll's load")
        polls = [worker for worker in app.workers if worker.group == "refresh"]
        await wait_until(pilot, lambda: all(worker.is_finished for worker in polls), "the poll's end")
        assert enabled == [False, False] and gc.isenabled() and frozen == [True]
