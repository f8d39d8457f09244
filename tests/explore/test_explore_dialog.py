"""The explore dialog against the simulator: what it sends, what it shows, what it refuses to send."""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioButton, Static

from vbotui.api.models import ExploreOptions, Job
from vbotui.operations import ServerOperations
from vbotui.ui.screens.explore import ExploreDialog

from .conftest import Harness, SimWorld

BERLIN = ZoneInfo("Europe/Berlin")


def open_dialog(world: SimWorld, job: Job) -> Harness:
    return Harness(lambda: ExploreDialog(world.ops, job, clock=world.clock, local_tz=BERLIN), ops=world.ops)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_time(pilot: Pilot[Any], text: str) -> None:
    """Replace the point in time by keyboard: home, ctrl+k (delete to the end), then the characters."""
    pilot.app.screen.query_one("#explore-time", Input).focus()
    await pilot.press("home", "ctrl+k", *[("space" if ch == " " else ch) for ch in text])


def shown(pilot: Pilot[Any], widget_id: str) -> str:
    return str(pilot.app.screen.query_one(widget_id, Static).render())


def explores(world: SimWorld) -> list[Any]:
    return [r for r in world.posts() if "explore" in r.path.lower() or "/action" in r.path.lower()]


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("latest", "2024-05-06T09:30:00.000000Z"),
        ("now", "2024-05-06T09:30:00.000000Z"),
        ("-2h", "2024-05-06T07:30:00.000000Z"),
        ("-3d", "2024-05-03T09:30:00.000000Z"),
        ("-1d12h", "2024-05-04T21:30:00.000000Z"),
        ("2024-05-01 10:00", "2024-05-01T08:00:00.000000Z"),  # local (Berlin, UTC+2)
        ("2024-05-01T10:00:00", "2024-05-01T08:00:00.000000Z"),  # naive ISO is local too
        ("2024-05-01T10:00:00.1234567+02:00", "2024-05-01T08:00:00.123456Z"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000000Z"),
    ],
)
async def test_each_date_form_is_sent_in_utc_v8(make_world: Any, typed: str, sent: str) -> None:
    world = await make_world("v8")
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_time(pilot, typed)
        assert "UTC " + sent[:10] + " " + sent[11:19] in shown(pilot, "#explore-utc")
        await pilot.press("enter")
        await settle(pilot)
    [request] = explores(world)
    assert request.path == f"/v8/Jobs/{job.id}/explore"
    assert request.json == {"dateTime": sent, "type": "Vex", "showDeleted": False, "showAllVersions": False}


async def test_v3_body_is_the_seed_action_with_every_choice(make_world: Any) -> None:
    world = await make_world("v3")
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_time(pilot, "-2h")
        # Tab to the type, arrows choose SharePoint, tab to each flag, space ticks it, enter sends.
        await pilot.press("tab", "right", "right", "tab", "space", "tab", "space", "enter")
        await settle(pilot)
    [request] = explores(world)
    assert request.path == f"/v3/Jobs/{job.id}/Action"
    assert request.json == {
        "explore": {
            "datetime": "2024-05-06T07:30:00.000000Z",
            "type": "vesp",
            "showDeleted": True,
            "showAllVersions": True,
        }
    }


@pytest.mark.parametrize(
    ("version", "rights", "sent_type"),
    [
        ("v3", 0, "vex"),
        ("v4", 1, "veod"),
        ("v5", 3, "vet"),
        ("v6", 1, "Veod"),
        ("v7", 2, "Vesp"),
        ("v8", 3, "Vet"),
    ],
)
async def test_each_type_on_each_dialect(make_world: Any, version: str, rights: int, sent_type: str) -> None:
    world = await make_world(version)
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("tab", *["right"] * rights, "enter")
        await settle(pilot)
    [request] = explores(world)
    options = request.json["explore"] if int(version[1:]) <= 5 else request.json
    assert options["type"] == sent_type


@pytest.mark.parametrize("version", ["v3", "v4"])
async def test_teams_is_not_offered_before_v5(make_world: Any, version: str) -> None:
    world = await make_world(version)
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        labels = [str(button.label) for button in app.screen.query(RadioButton)]
        assert labels == ["Exchange", "OneDrive", "SharePoint"]
        # Going past SharePoint wraps to Exchange: there is no fourth choice to send.
        await pilot.press("tab", "right", "right", "right", "enter")
        await settle(pilot)
    [request] = explores(world)
    assert request.json["explore"]["type"] == "vex"


async def test_teams_is_offered_from_v5(make_world: Any) -> None:
    world = await make_world("v5")
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        labels = [str(button.label) for button in app.screen.query(RadioButton)]
        assert labels == ["Exchange", "OneDrive", "SharePoint", "Teams"]


async def test_success_is_remembered_logged_and_shown(make_world: Any) -> None:
    world = await make_world("v8")
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        [session_id] = list(world.sim.restore_sessions)
        started = app.started_restore_sessions  # type: ignore[attr-defined]
        assert list(started) == [session_id]
        assert started[session_id].is_working
        outcome = shown(pilot, "#explore-outcome")
        assert session_id in outcome and "Vex" in outcome and "Working" in outcome
        [line] = app.lines()
        assert "explore" in line and "201" in line and session_id in line
        # Focus went to Close, so a second enter closes instead of starting another session.
        assert app.screen.focused is app.screen.query_one("#explore-cancel", Button)
        await pilot.press("enter")
        await pilot.pause()
    assert len(world.sim.restore_sessions) == 1
    [result] = app.results
    assert isinstance(result, ExploreOptions) and result.type == "vex"


async def test_escape_cancels_without_a_request(make_world: Any) -> None:
    world = await make_world("v8")
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert explores(world) == []


async def test_first_and_last_backup_times_are_shown(make_world: Any) -> None:
    world = await make_world("v7")  # extendedView is off by default on v7: the client must ask
    job = await world.job_of()
    org = world.sim.organizations[job.organization_id.lower()]  # type: ignore[union-attr]
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        text = shown(pilot, "#explore-org")
        assert org.first_backup.strftime("%Y-%m-%d %H:%M:%S") in text
        assert org.last_backup.strftime("%Y-%m-%d %H:%M:%S") in text
        assert "latest restore point" in shown(pilot, "#explore-consequence")


async def test_before_the_first_backup_warns_no_data(make_world: Any) -> None:
    world = await make_world("v8")
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_time(pilot, "2001-01-01 00:00")
        consequence = shown(pilot, "#explore-consequence")
        assert "Before the first backup" in consequence and "no data" in consequence
        await type_time(pilot, "2024-05-06T09:00:00Z")  # after the last one (seeded 1-20 h before now)
        consequence = shown(pilot, "#explore-consequence")
        assert "After the last backup" in consequence and "latest restore point" in consequence


async def test_between_backups_says_as_of_that_time(make_world: Any) -> None:
    world = await make_world("v8")
    job = await world.job_of()
    org = world.sim.organizations[job.organization_id.lower()]  # type: ignore[union-attr]
    middle = org.first_backup + (org.last_backup - org.first_backup) / 2
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_time(pilot, middle.strftime("%Y-%m-%dT%H:%M:%SZ"))
        consequence = shown(pilot, "#explore-consequence")
        assert "as backed up at that time" in consequence


async def test_organization_never_backed_up_warns_no_data(make_world: Any) -> None:
    world = await make_world("v8")
    job = await world.job_of(backed_up=False)
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "no backup yet" in shown(pilot, "#explore-consequence")


@pytest.mark.parametrize("typed", ["yesterday", "2024-13-01", "-99999999d", ""])
async def test_bad_date_is_an_inline_error_and_no_request(make_world: Any, typed: str) -> None:
    world = await make_world("v8")
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        before = len(world.sim.requests)
        await type_time(pilot, typed)
        assert app.screen.query_one("#explore-utc").has_class("-error")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#explore-outcome").has_class("-error")
        assert "Not sent" in shown(pilot, "#explore-outcome")
        assert isinstance(app.screen, ExploreDialog)
        assert len(world.sim.requests) == before
    assert explores(world) == [] and app.lines() == []


async def test_server_refusal_is_shown_verbatim_and_the_dialog_stays(make_world: Any) -> None:
    refusal = "Restore session cannot be created. [b]not markup[/b] \x1b[2J"
    world = await make_world("v3", explore_refusal=refusal)
    app = open_dialog(world, await world.job_of())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreDialog)
        outcome = shown(pilot, "#explore-outcome")
        assert "Restore session cannot be created. [b]not markup[/b] ^[[2J" in outcome
        assert "\x1b" not in outcome
        [line] = app.lines()
        assert "REFUSED" in line and "Restore session cannot be created." in line
        assert not getattr(app, "started_restore_sessions", {})
        # The operator can adjust and send again: the button is enabled again.
        assert not app.screen.query_one("#explore-send", Button).disabled
    assert len(explores(world)) == 1


async def test_job_name_is_shown_literally(make_world: Any) -> None:
    world = await make_world("v8")
    job = await world.job_of()
    odd = Job(id=job.id, name="[red]Mail[/red] \x1b]0;pwned\x07", organization_id=job.organization_id)
    app = open_dialog(world, odd)
    async with app.run_test() as pilot:
        await settle(pilot)
        title = shown(pilot, "#explore-title")
        assert "[red]Mail[/red] ^[]0;pwned^G" in title


class GatedClient:
    """The real client, except that explore waits until the test opens the gate."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.gate = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def explore(self, job_id: str, options: ExploreOptions) -> Any:
        await self.gate.wait()
        return await self.client.explore(job_id, options)


async def test_closing_mid_request_still_records_the_session(make_world: Any) -> None:
    world = await make_world("v8")
    gated = GatedClient(world.client)
    job = await world.job_of()
    ops = ServerOperations(gated, world.ops.activity)  # type: ignore[arg-type]
    app = Harness(lambda: ExploreDialog(ops, job, clock=world.clock, local_tz=BERLIN), ops=ops)
    async with app.run_test() as pilot:
        await settle_screen(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # a second Enter while in flight sends nothing more
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExploreDialog)
        gated.gate.set()
        await settle(pilot)
        [session_id] = list(world.sim.restore_sessions)
        assert list(app.started_restore_sessions) == [session_id]  # type: ignore[attr-defined]
        [line] = app.lines()
        assert session_id in line and "FAIL" not in line and "REFUSED" not in line
    assert len(explores(world)) == 1


async def settle_screen(pilot: Pilot[Any]) -> None:
    """Wait for the organization to load (the gated explore must not be waited for)."""
    screen = pilot.app.screen
    for _ in range(200):
        if isinstance(screen, ExploreDialog) and (screen.organization or screen.organization_error):
            break
        await pilot.pause()
    await pilot.pause()


async def test_choices_are_shown_by_a_character_not_only_by_colour(make_world: Any) -> None:
    # 16-colour and NO_COLOR terminals lose the colour Textual uses to tell on from off.
    from textual.widgets import Checkbox

    world = await make_world("v8")
    job = await world.job_of()
    app = open_dialog(world, job)
    async with app.run_test() as pilot:
        await settle(pilot)
        flags = list(app.screen.query(Checkbox))
        buttons = list(app.screen.query(RadioButton))
        assert flags and all("X" not in str(flag.render()) for flag in flags)  # off by default
        assert ["\u25cf" in str(button.render()) for button in buttons] == [
            button.value for button in buttons
        ]  # the dot only on the chosen type
        flags[0].value = True
        await pilot.pause()
        assert "X" in str(flags[0].render()) and "X" not in str(flags[1].render())
