"""Jobs from a server looser than its documents (`vbotui-sim --data quirks`): null where a value is
promised (isEnabled, lastRun, an organization's name) and enum values no document lists (lastStatus
"Idle", a session's jobType "Backup2"). The job list, the filter and the detail pane show each value
as text; nothing raises."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.widgets.job_detail import JobDetail

from .conftest import SIM_PASSWORD, SIM_USER, loaded, panel_text, wait_until


@pytest.fixture
def sim(sim_clock: ManualClock) -> Simulator:
    return Simulator(SimConfig(jobs=40, seed=7, run_seconds=2.0, clock=sim_clock, data=("quirks",)))


@pytest.fixture
async def quirky_app(sim: Simulator, sim_clock: ManualClock) -> AsyncIterator[Callable[[str], Any]]:
    clients: list[VboClient] = []

    async def factory(version: str) -> VboApp:
        client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=sim.app))
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        clients.append(client)
        return VboApp(client, "sim.test", clock=sim_clock, monotonic=lambda: 0.0, refresh_s=3600.0)

    yield factory
    for client in clients:
        await client.aclose()


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_quirky_jobs_show_their_values_as_text(quirky_app, sim: Simulator, version: str) -> None:
    null_enabled = [job.id for job in sim.jobs.values() if "isEnabled" in job.wire]
    idle = [job.id for job in sim.jobs.values() if job.last_status == "Idle"]
    never_ran_idle = [job_id for job_id in idle if sim.jobs[job_id].last_run is None]
    nameless_org = next(org for org in sim.organizations.values() if org.wire.get("name", "") is None)
    backup2 = next(job.id for job in sim.jobs.values() if job.job_type == "Backup2")
    assert null_enabled and idle and never_ran_idle  # the mode made each quirk
    app = await quirky_app(version)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.jobs
        assert set(table.jobs) == set(sim.jobs)
        for job_id in null_enabled:
            assert table.get_cell(job_id, "enabled").plain == "?"
        for job_id in idle:
            assert table.get_cell(job_id, "status").plain == "Idle"
        for job_id in never_ran_idle:
            assert table.get_cell(job_id, "last_run").plain == "-"
        # v6+ name an organization by officeName too; v3 has only the (null) name: shown empty.
        shown = "" if version == "v3" else nameless_org.office_name
        of_nameless = [job.id for job in sim.jobs.values() if job.organization_id == nameless_org.id]
        assert {table.get_cell(job_id, "org").plain for job_id in of_nameless} == {shown}

        # The filter reads the unlisted status like any other.
        await pilot.press("slash", *"status:=idle", "enter")
        await wait_until(pilot, lambda: set(table.visible_ids()) == set(idle), "the Idle jobs")

        # The detail pane of each kind, the sessions of a job whose sessions are "Backup2" included.
        await pilot.press("escape")
        for job_id in (null_enabled[0], never_ran_idle[0], backup2):
            screen.go_to_job(job_id)

            def on_the_job(wanted: str = job_id) -> bool:
                return screen._detail_id == wanted

            await wait_until(pilot, on_the_job, "the pane on the job")
            await wait_until(pilot, lambda: screen._detail_sessions is not None, "its sessions")
            pane = screen.query_one(JobDetail).render().plain
            assert sim.jobs[job_id].name in pane and sim.jobs[job_id].id in pane
        assert "failed" not in panel_text(pilot).lower()
