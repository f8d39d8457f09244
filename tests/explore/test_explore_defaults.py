"""The explore dialog's default type is what the job backs up (v6/v7: the job's `selectedItems`;
v8: GET /Jobs/{id}/SelectedItems; EntireOrganization: everything, Exchange first; before v6 and
when the job does not say: Exchange), and its "correct the point in time" line goes once the time
is correct."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from vbotui.api.client import VboClient
from vbotui.api.models import Job
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.sim.selected import SimSelectedItem

from ..helpers.tls import self_signed, serve_https
from .conftest import SIM_NOW, SimWorld
from .test_explore_dialog import explores, open_dialog, settle, shown, type_time


async def job_named(world: SimWorld, words: str, backup_type: str = "SelectedItems") -> Job:
    """The first job whose name ends with `words`, with that backup type (as the list gives it)."""
    sim_job = next(job for job in world.sim.jobs.values() if job.name.endswith(words))
    sim_job.backup_type = backup_type
    [job] = [job for job in await world.client.list_jobs() if job.id == sim_job.id]
    return job


def sent_type(world: SimWorld, version: str) -> str:
    [request] = explores(world)
    options = request.json["explore"] if int(version[1:]) <= 5 else request.json
    return str(options["type"]).lower()


def world_clock(sim: Simulator) -> ManualClock:
    clock = sim.clock
    assert isinstance(clock, ManualClock)
    return clock


def chosen(app: Any) -> str:
    return str(app.screen.chosen_type())


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("OneDrive for Business", "veod"),
        ("SharePoint sites", "vesp"),
        ("Teams", "vet"),
        ("Exchange Online - All mailboxes", "vex"),
    ],
)
async def test_the_default_type_is_what_the_job_backs_up(
    make_world: Any, version: str, words: str, expected: str
) -> None:
    world = await make_world(version)
    job = await job_named(world, words)
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert chosen(app) == expected
        await pilot.press("enter")  # sent as shown
        await settle(pilot)
    assert sent_type(world, version) == expected
    gets = [r.path for r in world.sim.requests if r.method == "GET" and job.id in r.path]
    if version == "v8":
        assert f"/v8/Jobs/{job.id}/SelectedItems" in gets
    else:  # v6/v7: the job itself says
        assert f"/{version}/Jobs/{job.id}" in gets and not any("SelectedItems" in path for path in gets)


@pytest.mark.parametrize("version", ["v6", "v8"])
async def test_a_whole_organization_job_defaults_to_exchange_and_reads_nothing_more(
    make_world: Any, version: str
) -> None:
    world = await make_world(version)
    job = await job_named(world, "OneDrive for Business", "EntireOrganization")
    before = len(world.sim.requests)
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert chosen(app) == "vex"
    assert not any(job.id in r.path for r in world.sim.requests[before:])


async def test_selected_users_onedrive_only_on_v8(make_world: Any) -> None:
    world = await make_world("v8")
    job = await job_named(world, "Exchange Online - All mailboxes")
    world.sim.state.selected_items[job.id] = [
        SimSelectedItem("u1", "User", {"mailbox": False, "oneDrive": True, "archiveMailbox": False}),
        SimSelectedItem("u2", "OneDriveFolders"),
    ]
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert chosen(app) == "veod"


async def test_before_v6_the_default_stays_exchange_and_nothing_is_read(make_world: Any) -> None:
    world = await make_world("v5")
    job = await job_named(world, "OneDrive for Business")
    before = len(world.sim.requests)
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert chosen(app) == "vex"
    assert not any(job.id in r.path for r in world.sim.requests[before:])


class HeldSelectedItems(httpx.AsyncBaseTransport):
    """The simulator, whose answers to GET .../SelectedItems wait until the test releases them."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = httpx.ASGITransport(app=sim.app)
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/SelectedItems"):
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_a_type_chosen_by_hand_stays_when_the_default_arrives_later(make_world: Any) -> None:
    sim = (await make_world("v8")).sim
    line = HeldSelectedItems(sim)
    client = VboClient("https://vbo.sim:4443", "v8", transport=line)
    await client.sign_in("admin", "secret")
    world = SimWorld(sim, world_clock(sim), client)
    job = await job_named(world, "OneDrive for Business")
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await pilot.press("tab", "right", "right")  # SharePoint, before the job's items arrive
        assert chosen(app) == "vesp"
        line.release.set()
        await settle(pilot)
        assert chosen(app) == "vesp"
        assert any(r.path.endswith("/SelectedItems") for r in sim.requests)
    await client.aclose()


async def test_a_corrected_point_in_time_clears_the_not_sent_line(make_world: Any) -> None:
    world = await make_world("v8")
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_time(pilot, "yesterday")
        await pilot.press("enter")
        await settle(pilot)
        assert "correct the point in time" in shown(pilot, "#explore-outcome")
        await type_time(pilot, "-2h")
        await pilot.pause()
        outcome = app.screen.query_one("#explore-outcome")
        assert shown(pilot, "#explore-outcome") == ""
        assert outcome.has_class("-empty") and not outcome.has_class("-error")
        await type_time(pilot, "-2x")  # wrong again: the line under the field says so, not this one
        await pilot.pause()
        assert shown(pilot, "#explore-outcome") == ""
    assert explores(world) == []


@pytest.mark.parametrize("version", ["v7", "v8"])
async def test_the_default_type_over_https_on_loopback(tmp_path: Path, version: str) -> None:
    """The same reads over real TLS: the v7 job's selectedItems, the v8 collection's page."""
    clock = ManualClock(SIM_NOW)
    sim = Simulator(SimConfig(jobs=12, seed=3, clock=clock))
    cert = self_signed(tmp_path, "vbo")
    with serve_https(sim.app, cert) as port:
        verify = ssl.create_default_context(cafile=str(cert.cert))
        client = VboClient(f"https://127.0.0.1:{port}", version, verify=verify)
        await client.sign_in("admin", "secret")
        world = SimWorld(sim, clock, client)
        job = await job_named(world, "SharePoint sites")
        app = open_dialog(world, job)
        async with app.run_test() as pilot:
            await settle(pilot)
            assert chosen(app) == "vesp"
        await client.aclose()
