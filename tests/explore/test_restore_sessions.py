"""The restore sessions screen and the offer to stop sessions on quit, against the simulator."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from vbotui.api.models import ExploreOptions
from vbotui.ui.screens.quit_sessions import StopSessionsOnQuit, offer_to_stop_sessions, request_quit
from vbotui.ui.screens.restore_sessions import ConfirmStopSession, RestoreSessionsScreen

from .conftest import SIM_NOW, Harness, SimWorld


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def start_sessions(world: SimWorld, count: int, kind: str = "vex") -> list[str]:
    job = await world.job_of()
    ids = []
    for n in range(count):
        world.clock.advance(60)  # distinct creation times, oldest first
        options = ExploreOptions(point_in_time=SIM_NOW - timedelta(hours=n), type=kind)
        result = await world.client.explore(job.id, options)
        assert result.restore_session is not None
        ids.append(result.restore_session.id)
    return ids


def sessions_app(world: SimWorld) -> Harness:
    # A refresh period long enough that only ctrl+r and stops refresh during a test; the simulator's
    # clock (its year is shown without the year); times in UTC.
    return Harness(
        lambda: RestoreSessionsScreen(
            world.ops, refresh_seconds=3600, local_tz=timezone.utc, clock=world.clock
        ),
        ops=world.ops,
    )


def table_rows(pilot: Pilot[Any]) -> list[dict[str, str]]:
    """Each row as {column key: text}, in the table's order."""
    table = pilot.app.screen.query_one(DataTable)
    keys = [str(column.key.value) for column in table.ordered_columns]
    return [
        dict(zip(keys, (str(cell) for cell in table.get_row_at(row)), strict=True))
        for row in range(table.row_count)
    ]


def detail_line(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#sessions-detail", Static).render())


def outcome_line(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#sessions-outcome", Static).render())


def stops(world: SimWorld) -> list[Any]:
    return [r for r in world.posts() if "restoresessions" in r.path.lower()]


async def test_lists_every_session_with_its_columns(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 3)
    app = sessions_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = table_rows(pilot)
        detail = detail_line(pilot)
    assert [row["id"] for row in rows] == [i[:8] for i in ids]  # oldest first, ids shortened
    sim_session = world.sim.restore_sessions[ids[0]]
    organization = sim_session.organization.removesuffix(".onmicrosoft.com")
    assert rows[0] | {"id": "", "created": ""} == {
        "id": "",
        "type": "Vex",
        "state": "Working",
        "result": "Success",
        "organization": organization,
        "created": "",
        "ended": "",  # not ended
    }
    created = world.sim.restore_sessions[ids[0]].creation_time
    assert rows[0]["created"] == f"{created:%m-%d %H:%M}"  # in the clock's year: without it
    # The full id and organization of the session under the cursor (the first) below the table.
    assert ids[0] in detail and sim_session.organization in detail


async def test_80_columns_keep_the_most_useful_columns_and_the_detail_line_the_rest(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 2)
    world.sim.state.stop_restore_session(world.sim.restore_sessions[ids[1]], world.clock())
    app = sessions_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c.key.value) for c in table.ordered_columns] == [
            "id",
            "type",
            "state",
            "organization",
            "created",
        ]
        assert not table.show_horizontal_scrollbar
        await pilot.press("down")
        await pilot.pause()
        detail = detail_line(pilot)
        assert ids[1] in detail and "result Success" in detail and "ended -" not in detail
        # Wider: every column, the cursor still on the same session.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert [str(c.key.value) for c in table.ordered_columns][-2:] == ["created", "ended"]
        assert table.cursor_row == 1 and table_rows(pilot)[1]["id"] == ids[1][:8]
        assert table_rows(pilot)[1]["ended"] != ""


async def test_ctrl_r_refreshes_in_place_and_keeps_the_cursor(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 3)
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down")  # the cursor on the second session
        table = app.screen.query_one(DataTable)
        # Meanwhile, on the server: the second one stops and a fourth appears.
        world.sim.state.stop_restore_session(world.sim.restore_sessions[ids[1]], world.clock())
        [newest] = await start_sessions(world, 1, kind="veod")
        await pilot.press("ctrl+r")
        await settle(pilot)
        rows = table_rows(pilot)
        assert [row["id"] for row in rows] == [i[:8] for i in (*ids, newest)]
        assert rows[1]["state"] == "Stopped"
        assert rows[3]["type"] == "Veod"
        assert table.cursor_row == 1 and rows[table.cursor_row]["id"] == ids[1][:8]
        assert ids[1] in detail_line(pilot) and "ended -" not in detail_line(pilot)


async def test_an_end_time_arriving_on_refresh_widens_its_column(make_world: Any) -> None:
    world = await make_world("v8")
    [session_id] = await start_sessions(world, 1)
    app = sessions_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table_rows(pilot)[0]["ended"] == ""
        world.clock.advance(600)
        world.sim.state.stop_restore_session(world.sim.restore_sessions[session_id], world.clock())
        await pilot.press("ctrl+r")
        await settle(pilot)
        ended = table_rows(pilot)[0]["ended"]
        assert ended == f"{world.clock():%m-%d %H:%M}"
        column = next(c for c in table.ordered_columns if c.key.value == "ended")
        assert column.content_width >= len(ended)  # shown whole, not cut to the header's width


@pytest.mark.parametrize(
    ("version", "path_end", "body"),
    [("v3", "/Action", {"stop": None}), ("v5", "/Action", {"stop": None}), ("v8", "/Stop", None)],
)
async def test_x_stops_after_yes(make_world: Any, version: str, path_end: str, body: Any) -> None:
    world = await make_world(version)
    ids = await start_sessions(world, 2)
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopSession)
        await pilot.press("y")
        await settle(pilot)
        assert table_rows(pilot)[1]["state"] == "Stopped"
        assert "Stopped" in outcome_line(pilot)
    [request] = stops(world)
    assert request.path == f"/{version}/RestoreSessions/{ids[1]}{path_end}"
    assert request.json == body
    assert world.sim.restore_sessions[ids[1]].state == "Stopped"
    assert world.sim.restore_sessions[ids[0]].state == "Working"
    [line] = app.lines()
    assert "stop sess" in line and "FAIL" not in line


@pytest.mark.parametrize("answer", ["n", "escape", "enter"])  # enter: the focused default is "No"
async def test_x_does_nothing_unless_confirmed(make_world: Any, answer: str) -> None:
    world = await make_world("v8")
    await start_sessions(world, 1)
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopSession)
        await pilot.press(answer)
        await settle(pilot)
        assert isinstance(app.screen, RestoreSessionsScreen)
    assert stops(world) == []


async def test_stopping_a_stopped_session_sends_nothing(make_world: Any) -> None:
    world = await make_world("v8")
    [session_id] = await start_sessions(world, 1)
    world.sim.state.stop_restore_session(world.sim.restore_sessions[session_id], world.clock())
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, RestoreSessionsScreen)
        assert "not working" in outcome_line(pilot)
    assert stops(world) == []


async def test_a_refused_stop_is_shown_and_logged(make_world: Any) -> None:
    world = await make_world("v8")
    [session_id] = await start_sessions(world, 1)
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        # Stopped behind our back: the screen still shows Working, the server answers a conflict.
        world.sim.state.stop_restore_session(world.sim.restore_sessions[session_id], world.clock())
        await pilot.press("x", "y")
        await settle(pilot)
        assert "already stopped" in outcome_line(pilot)
        [line] = app.lines()
        assert "REFUSED 400" in line and "already stopped" in line


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_escape_and_q_go_back(make_world: Any, key: str) -> None:
    world = await make_world("v8")
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, RestoreSessionsScreen)
    assert app.results == [None]


async def test_server_text_is_literal(make_world: Any) -> None:
    world = await make_world("v8")
    [session_id] = await start_sessions(world, 1)
    world.sim.restore_sessions[session_id].organization = "[b]evil[/b]\x1b[2J"
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert table_rows(pilot)[0]["organization"] == "[b]evil[/b]^[[2J"
        assert "[b]evil[/b]^[[2J" in detail_line(pilot)


# --- the offer on quit


async def quit_app(world: SimWorld, started: list[str]) -> Harness:
    app = Harness(ops=world.ops)
    listed = {s.id: s for s in await world.client.list_restore_sessions()}
    world.ops.started_restore_sessions.update({i: listed[i] for i in started})
    return app


async def test_quit_without_working_sessions_asks_nothing(make_world: Any) -> None:
    world = await make_world("v8")
    app = Harness(ops=world.ops)
    async with app.run_test() as pilot:
        request_quit(app, world.ops)
        await settle(pilot)
        assert not isinstance(app.screen, StopSessionsOnQuit)
    assert app.return_code == 0
    assert world.posts() == []


async def test_offer_yes_stops_each_started_session_then_quits(make_world: Any) -> None:
    world = await make_world("v3")
    ids = await start_sessions(world, 3)
    mine = ids[:2]  # the third was started elsewhere: not ours to stop
    app = await quit_app(world, mine)
    outcome: list[bool] = []
    async with app.run_test() as pilot:
        app.run_worker(_record(offer_to_stop_sessions(app, world.ops), outcome))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, StopSessionsOnQuit)
        text = str(app.screen.query_one(Static).render())
        assert all(i in text for i in mine) and ids[2] not in text
        await pilot.press("y")
        await settle(pilot)
    assert outcome == [True]
    assert [r.path for r in stops(world)] == [f"/v3/RestoreSessions/{i}/Action" for i in mine]
    assert all(r.json == {"stop": None} for r in stops(world))
    assert [world.sim.restore_sessions[i].state for i in ids] == ["Stopped", "Stopped", "Working"]
    assert len(app.lines()) == 2 and all("stop sess" in line and "FAIL" not in line for line in app.lines())


@pytest.mark.parametrize(
    ("key", "quits"), [("k", True), ("q", True), ("n", False), ("enter", False), ("escape", False)]
)
async def test_offer_k_keeps_and_quits_n_enter_and_escape_stay(
    make_world: Any, key: str, quits: bool
) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 1)
    app = await quit_app(world, ids)
    outcome: list[bool] = []
    async with app.run_test() as pilot:
        app.run_worker(_record(offer_to_stop_sessions(app, world.ops), outcome))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, StopSessionsOnQuit)
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, StopSessionsOnQuit)
    assert outcome == [quits]
    assert stops(world) == []
    assert world.sim.restore_sessions[ids[0]].state == "Working"


async def test_offer_skips_sessions_that_stopped_meanwhile(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 1)
    app = await quit_app(world, ids)
    world.sim.state.stop_restore_session(world.sim.restore_sessions[ids[0]], world.clock())
    outcome: list[bool] = []
    async with app.run_test() as pilot:
        app.run_worker(_record(offer_to_stop_sessions(app, world.ops), outcome))
        await settle(pilot)
        assert not isinstance(app.screen, StopSessionsOnQuit)
    assert outcome == [True] and stops(world) == []


async def test_request_quit_exits_after_yes(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 1)
    app = await quit_app(world, ids)
    async with app.run_test() as pilot:
        request_quit(app, world.ops)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, StopSessionsOnQuit)
        await pilot.press("y")
        await settle(pilot)
    assert world.sim.restore_sessions[ids[0]].state == "Stopped"
    assert app.return_code == 0


async def _record(awaitable: Any, into: list[Any]) -> None:
    into.append(await awaitable)


async def test_read_only_mode_refuses_to_stop_and_says_why(make_world: Any) -> None:
    world = await make_world("v8")
    await start_sessions(world, 1)
    app = sessions_app(world)
    world.ops.read_only = True
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, RestoreSessionsScreen)
        assert "Read-only" in outcome_line(pilot)
    assert stops(world) == []


async def test_explore_and_stop_are_audited(make_world: Any, tmp_path: Any) -> None:
    import json

    from vbotui.operations.audit import AuditLog
    from vbotui.ui.screens.explore import ExploreDialog

    world = await make_world("v8")
    job = await world.job_of()
    app = Harness(lambda: ExploreDialog(world.ops, job, clock=world.clock), ops=world.ops)
    world.ops.audit = AuditLog("sim", "admin", path=tmp_path / "audit.jsonl", clock=lambda: SIM_NOW)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        [session] = app.started_restore_sessions.values()  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(RestoreSessionsScreen(world.ops, refresh_seconds=3600))
        await settle(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    actions = [(r["action"], r["job_id"]) for r in records]
    assert actions == [("explore", job.id), ("stop restore session", "")]
    assert (records[0]["outcome"], records[0]["status"]) == ("done", 201)
    assert records[0]["message"] == f"session {session.id}"
    assert records[0]["detail"].startswith("vex at 2024-05-06T09:30:00")
    assert (records[1]["outcome"], records[1]["status"], records[1]["detail"]) == (
        "done",
        204,
        f"session {session.id}",
    )


@pytest.mark.parametrize("fault", ["deep", "html", "malformed"])
async def test_an_unreadable_restore_sessions_list_is_said_and_the_app_goes_on(
    make_world: Any, fault: str
) -> None:
    world = await make_world("v3")
    await start_sessions(world, 1)
    world.sim.add_fault(f"{fault}@GET:/v3/RestoreSessions")
    app = sessions_app(world)
    async with app.run_test() as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#sessions-status", Static).render())
        assert "Could not read restore sessions" in status and "could not be read" in status
        assert isinstance(app.screen, RestoreSessionsScreen) and app.is_running
        await pilot.press("ctrl+r")  # and the next try is a try, not a crash
        await settle(pilot)
        assert isinstance(app.screen, RestoreSessionsScreen)
