"""Snapshots of the explore dialog and the restore sessions screen: fixed clock, zone and data.

A stub client (not the simulator) keeps the data fixed even when the simulator's seed data changes.
Update with `pytest tests/explore/test_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from vbotui.api.dialects import capabilities_for
from vbotui.api.errors import ServerError
from vbotui.api.models import ActionResult, ExploreOptions, Job, Organization, RestoreSession
from vbotui.operations import ActivityLog, ServerOperations
from vbotui.ui.screens.explore import ExploreDialog
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen

from .conftest import Harness

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
CEST = timezone(timedelta(hours=2), "CEST")
JOB = Job(id="3396ba22-21b1-4666-a631-0edfc12a59cd", name="Mailboxes - East", organization_id="org-1")
ORG = Organization(
    id="org-1",
    name="eastsupport.onmicrosoft.com",
    is_backed_up=True,
    first_backup_time=datetime(2023, 11, 2, 22, 7, 39, tzinfo=timezone.utc),
    last_backup_time=datetime(2024, 5, 6, 2, 12, 5, tzinfo=timezone.utc),
)
# Random (v4) ids, as the server's: their first 8 characters tell them apart in the table.
SESSION_IDS = (
    "9f786f0f-3b1e-4c2a-9d4e-6a7b8c9d0e1f",
    "c41d2e7a-58f0-4b93-a1c6-0d2e3f4a5b6c",
    "2a9b7c6d-e5f4-4a3b-8c2d-1e0f9a8b7c6d",
)
SESSIONS = [
    RestoreSession(
        id=SESSION_IDS[n],
        type=kind,
        state=state,
        result="Success",
        organization="eastsupport.onmicrosoft.com",
        creation_time=NOW - timedelta(hours=3 - n),
        end_time=NOW - timedelta(minutes=10) if state == "Stopped" else None,
    )
    for n, (kind, state) in enumerate([("Vex", "Stopped"), ("Veod", "Working"), ("Vet", "Working")])
]


class StubClient:
    """The few VboClient calls these screens make, answering fixed data."""

    def __init__(self, version: str = "v8", refusal: str | None = None) -> None:
        self.version = version
        self.capabilities = capabilities_for(version)
        self.refusal = refusal
        self.is_signed_in = True

    async def get_organization(self, org_id: str) -> Organization:
        return ORG

    async def explore(self, job_id: str, options: ExploreOptions) -> ActionResult:
        if self.refusal:
            raise ServerError(self.refusal, status=500, method="POST", path=f"/v8/Jobs/{job_id}/explore")
        session = RestoreSession(id="5e1f0c9a-7d2b-4c61-9b7e-2f0d3a4b5c6d", type="Vex", state="Working")
        return ActionResult(201, 0.12, restore_session=session)

    async def list_restore_sessions(self) -> list[RestoreSession]:
        return SESSIONS


def dialog_app(client: StubClient) -> Harness:
    ops = stub_ops(client)
    return Harness(lambda: ExploreDialog(ops, JOB, clock=lambda: NOW, local_tz=CEST), ops=ops)


def stub_ops(client: StubClient) -> ServerOperations:
    return ServerOperations(client, ActivityLog(clock=lambda: NOW))  # type: ignore[arg-type]


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def typing(text: str, *then: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("home", "ctrl+k", *[("space" if ch == " " else ch) for ch in text], *then)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_dialog_latest(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(dialog_app(StubClient()), terminal_size=size, run_before=settle)


async def test_dialog_fits_80x24_with_its_buttons_under_the_checkboxes() -> None:
    """No blank row for the outcome while there is none; the buttons and the hint on screen."""
    app = dialog_app(StubClient())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        flag = screen.query_one("#explore-deleted").region
        buttons = screen.query_one("#explore-buttons").region
        assert buttons.y == flag.bottom  # right under the checkboxes
        assert screen.region.contains_region(screen.query_one("#explore-hint").region)
        await pilot.press("enter")
        await settle(pilot)
        outcome = screen.query_one("#explore-outcome").region
        assert outcome.height >= 1 and outcome.bottom <= screen.query_one("#explore-buttons").region.y


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_dialog_before_first_backup(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(dialog_app(StubClient()), terminal_size=size, run_before=typing("2023-10-01 08:00"))


def test_dialog_bad_date_80x24(snap_compare: Any) -> None:
    app = dialog_app(StubClient())
    assert snap_compare(app, terminal_size=(80, 24), run_before=typing("2024-13-01", "enter"))


def test_dialog_teams_absent_on_v3_80x24(snap_compare: Any) -> None:
    assert snap_compare(dialog_app(StubClient("v3")), terminal_size=(80, 24), run_before=settle)


def test_dialog_started_80x24(snap_compare: Any) -> None:
    assert snap_compare(dialog_app(StubClient()), terminal_size=(80, 24), run_before=typing("-2h", "enter"))


def test_dialog_refused_80x24(snap_compare: Any) -> None:
    client = StubClient(refusal="Restore session cannot be created.")
    assert snap_compare(dialog_app(client), terminal_size=(80, 24), run_before=typing("latest", "enter"))


def sessions_app() -> Harness:
    ops = stub_ops(StubClient())
    return Harness(
        lambda: RestoreSessionsScreen(
            ops,
            refresh_seconds=3600,
            local_tz=CEST,
            clock=lambda: NOW,
        ),
        ops=ops,
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_restore_sessions(snap_compare: Any, size: tuple[int, int]) -> None:
    """80x24: id (8 characters), type, state, organization, created; 120x40: result and ended too."""
    assert snap_compare(sessions_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_restore_sessions_fit_the_width(size: tuple[int, int]) -> None:
    """Every column within the screen, no horizontal scrollbar, the full id on the detail line."""
    app = sessions_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        keys = [str(column.key.value) for column in table.ordered_columns]
        wanted = ["id", "type", "state", "organization", "created"]
        assert keys == (wanted if size[0] < 100 else ["id", "type", "state", "result", *wanted[3:], "ended"])
        assert not table.show_horizontal_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.region.right <= size[0]
        assert SESSIONS[0].id in str(app.screen.query_one("#sessions-detail", Static).render())
