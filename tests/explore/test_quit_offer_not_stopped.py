"""The quit offer when a restore session is not stopped (its answer lost, or refused): the dialog
stays up and says which session and why, and that vbotui stays open; then keep-and-quit or stay."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Static

from vbotui.ui.screens.quit_sessions import StopSessionsOnQuit, offer_to_stop_sessions

from ..helpers.waits import wait_until
from .test_restore_sessions import _record, quit_app, settle, start_sessions, stops


def dialog_text(app: Any) -> str:
    return str(app.screen.query_one("#quit-body", Static).render())


@pytest.mark.parametrize(
    ("fault", "why"),
    [
        ("drop-after@POST:/v8/RestoreSessions/*/stop", "outcome unknown"),
        ("500@POST:/v8/RestoreSessions/*/stop", "An unexpected error occurred on the server."),
    ],
    ids=["answer lost", "refused"],
)
@pytest.mark.parametrize(("key", "quits"), [("k", True), ("escape", False), ("n", False)])
async def test_a_session_not_stopped_is_named_in_the_dialog_with_why_and_the_app_stays_unless_kept(
    make_world: Any, fault: str, why: str, key: str, quits: bool
) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 2)
    app = await quit_app(world, ids)
    world.sim.add_fault(fault.replace("*", ids[1]))  # the second one's stop goes wrong
    outcome: list[bool] = []
    async with app.run_test() as pilot:
        app.run_worker(_record(offer_to_stop_sessions(app, world.ops), outcome))
        await wait_until(pilot, lambda: isinstance(app.screen, StopSessionsOnQuit), "the offer")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: "not stopped" in dialog_text(app), "the dialog to say what was not stopped"
        )
        text = dialog_text(app)
        assert "1 restore session was not stopped, so vbotui stays open" in text
        assert ids[1] in text and why in text
        assert ids[0] not in text  # that one was stopped
        assert "y stop them" not in text and not app.screen.query_one("#quit-stop", Button).display
        assert outcome == []  # still asking
        await pilot.press("y")  # stop is not sent twice
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, StopSessionsOnQuit)
    assert outcome == [quits]
    sent = [r.path.lower() for r in stops(world)]
    assert sent == [f"/v8/restoresessions/{i}/stop".lower() for i in ids], sent  # one each, never resent


async def test_all_stopped_quits_without_a_second_question(make_world: Any) -> None:
    world = await make_world("v8")
    ids = await start_sessions(world, 2)
    app = await quit_app(world, ids)
    outcome: list[bool] = []
    async with app.run_test() as pilot:
        app.run_worker(_record(offer_to_stop_sessions(app, world.ops), outcome))
        await wait_until(pilot, lambda: isinstance(app.screen, StopSessionsOnQuit), "the offer")
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, StopSessionsOnQuit)
    assert outcome == [True]
