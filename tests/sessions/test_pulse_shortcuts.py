"""The pulse's shortcuts into the job list filter by the organization's id: a name with spaces,
quotes or escapes (OSC 0/2/52, DCS, C1, bidi) never goes into the filter box, whose value Textual
writes to the terminal; and the negated exact organization filter in the list."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from vbotui.api.models import Job
from vbotui.operations.sessions import OrganizationPulse
from vbotui.sim import Simulator
from vbotui.textclean import clean
from vbotui.ui.screens.pulse import PulseScreen, figure_filter, organization_filter

from .conftest import AppFactory, main_loaded, wait_until

HOSTILE_NAMES = {
    "plain words": "Adatum Corp",
    # OSC 0, OSC 2, OSC 52 (the clipboard), DCS, C1 CSI, a bidi override
    "escapes": "Adatum\x1b]0;pwned\x07\x1b]2;t\x1b\\\x1b]52;c;cm0gLXJmIH4K\x07"
    "\x1bPq#0\x1b\\\x9b31m Corp\u202e",
    "quotes": 'Adatum "Corp"',
}


@pytest.mark.parametrize("name", list(HOSTILE_NAMES.values()), ids=list(HOSTILE_NAMES))
async def test_enter_on_a_figure_filters_by_the_organizations_id(
    make_app: AppFactory, sim: Simulator, name: str
) -> None:
    org_id = sim.add_organization(name)
    failed = {sim.add_job(f"Corp job {n}", org_id, last_status="Failed") for n in range(3)}
    sim.add_job("Corp job ok", org_id, last_status="Success")
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse")
        screen = app.screen
        assert isinstance(screen, PulseScreen)
        row = next(at for at, org in enumerate(screen.orgs) if org.name == name)
        screen.query_one(DataTable).move_cursor(row=row, column=1)  # its "Failed" figure
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is main, "back in the job list")
        box = main.query_one("#filter", Input)
        assert box.value == f"orgid:={org_id} status:=failed", repr(box.value)
        assert clean(box.value) == box.value
        await wait_until(pilot, lambda: set(main.jobs.visible_ids()) == failed, "exactly its failed jobs")


async def test_enter_on_an_organizations_name_shows_all_its_jobs(
    make_app: AppFactory, sim: Simulator
) -> None:
    org_id = sim.add_organization("Adatum Corp")
    jobs = {sim.add_job(f"Corp job {n}", org_id) for n in range(4)}
    app = await make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await main_loaded(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse")
        screen = app.screen
        assert isinstance(screen, PulseScreen)
        row = next(at for at, org in enumerate(screen.orgs) if org.name == "Adatum Corp")
        screen.query_one(DataTable).move_cursor(row=row, column=0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is main, "back in the job list")
        await wait_until(pilot, lambda: set(main.jobs.visible_ids()) == jobs, "exactly its jobs")


async def test_a_negated_exact_organization_in_the_list_shows_every_other_one(
    make_app: AppFactory, sim: Simulator
) -> None:
    emea = sim.add_organization("contoso-emea.onmicrosoft.com")
    sim.add_job("Contoso EMEA - Mail", emea)
    contoso = {org.id for org in sim.organizations.values() if org.name == "contoso.onmicrosoft.com"}
    assert contoso
    others = {job.id for job in sim.jobs.values() if job.organization_id not in contoso}
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        main = await main_loaded(pilot)
        await pilot.press("slash", *"!org:=contoso", "enter")
        await wait_until(pilot, lambda: set(main.jobs.visible_ids()) == others, "every job but contoso's")
        assert len(others) < len(sim.jobs)


@pytest.mark.parametrize("given", ["o1\x1b]0;x\x07", "o 1", 'o"1', "", "o\u202e1"])
def test_an_id_that_is_not_plain_gives_no_shortcut(given: str) -> None:
    org = OrganizationPulse("Adatum Corp", [Job(id="j1", name="Mail", organization_id=given)])
    assert organization_filter(org) == "" and figure_filter(org, "failed") == ""


def test_a_plain_id_gives_the_shortcut() -> None:
    org = OrganizationPulse("Adatum Corp", [Job(id="j1", name="Mail", organization_id="9aF-0+/=")])
    assert organization_filter(org) == "orgid:=9aF-0+/="
    assert figure_filter(org, "failed") == "orgid:=9aF-0+/= status:=failed"
    assert figure_filter(org, "disabled") == "orgid:=9aF-0+/= enabled:no"
