"""An explore whose answer was lost is looked for in the server's list of restore sessions: found
when the server's clock is minutes behind ours (or ahead), and sessions opened well before ours are
not taken for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vbotui.api.models import ExploreOptions
from vbotui.operations import UNKNOWN
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.sim.state import ExploreRequest

from ..conftest import SIM_PASSWORD, SIM_USER
from .conftest import MakeWorld

SERVER_OFFSET = {"behind": timedelta(minutes=-2), "ahead": timedelta(minutes=2)}


@pytest.fixture(params=sorted(SERVER_OFFSET))
def sim(request: pytest.FixtureRequest, sim_clock: ManualClock) -> Simulator:
    """The simulator on a clock 2 minutes behind (or ahead of) the app's."""
    offset = SERVER_OFFSET[request.param]
    return Simulator(
        SimConfig(
            jobs=40,
            seed=7,
            user=SIM_USER,
            password=SIM_PASSWORD,
            run_seconds=2.0,
            clock=lambda: sim_clock() + offset,
        )
    )


async def test_a_lost_explore_is_found_on_a_server_whose_clock_differs(
    make_world: MakeWorld, sim: Simulator, sim_clock: ManualClock
) -> None:
    world = await make_world()
    jobs = await world.ops.refresh(with_orgs=True, first=True)
    assert jobs is not None
    job = next(j for j in jobs if j.organization_id and sim.organizations[j.organization_id].first_backup)
    # Another operator's session of the same organization, opened 10 minutes before ours.
    earlier = sim.state.explore(
        sim.state.job(job.id),
        sim.clock() - timedelta(minutes=10),
        ExploreRequest(
            sim.clock() - timedelta(hours=1), "vex", False, False, "CORP\\someone-else", "10.0.0.9"
        ),
    )
    sim.add_fault("drop-afterx1@POST:/v8/Jobs/*/explore")
    result = await world.ops.explore(job, ExploreOptions(point_in_time=sim_clock() - timedelta(hours=1)))
    assert result.outcome.kind == UNKNOWN
    [ours] = [session for session in sim.restore_sessions if session != earlier.id]
    assert list(world.ops.started_restore_sessions) == [ours]
    assert f"the server now shows: {ours}" in "\n".join(world.lines())
