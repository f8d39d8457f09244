"""Snapshots of the explore dialog and the restore sessions screen: fixed clock, zone and data.

A stub client (not the simulator) keeps the data fixed even when the simulator's seed data changes.
Update with `pytest tests/explore/test_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from textual.pilot import Pilot

from vbotui.api.errors import ServerError
from vbotui.api.models import ActionResult, ExploreOptions, Job, Organization, RestoreSession
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
SESSIONS = [
    RestoreSession(
        id=f"9f786f0f-0000-4000-8000-00000000000{n}",
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
        self.refusal = refusal

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
    return Harness(lambda: ExploreDialog(client, JOB, clock=lambda: NOW, local_tz=CEST))  # type: ignore[arg-type]


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


def test_restore_sessions_80x24(snap_compare: Any) -> None:
    app = Harness(
        lambda: RestoreSessionsScreen(StubClient(), refresh_seconds=3600, local_tz=CEST)  # type: ignore[arg-type]
    )
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
