"""What a job backs up, as the restore-session types that can explore it (the explore dialog's
default type): an EntireOrganization job backs up everything; else its selected items say, where
the API gives them (v6+); else nothing is known.

    types = await read_backed_up_types(ops, job)   # frozenset({"veod"}) for a OneDrive job
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from vbotui.api.models import EXPLORE_TYPES, Job, SelectedItem

if TYPE_CHECKING:
    from .server import ServerOperations

# An item's processing options (RESTJobItemComposed's booleans, v6-v8 documents) and the explorer
# of the data each one backs up: Exchange (vex), OneDrive (veod), SharePoint (vesp), Teams (vet).
OPTION_TYPES = {
    "mailbox": "vex",
    "archiveMailbox": "vex",
    "memberMailbox": "vex",
    "memberArchiveMailbox": "vex",
    "oneDrive": "veod",
    "memberOnedrive": "veod",
    "sites": "vesp",
    "personalSite": "vesp",
    "memberSite": "vesp",
    "groupSite": "vesp",
    "teams": "vet",
    "teamsChats": "vet",
}
# Items whose type alone says what they hold.
ITEM_TYPES = {"Site": "vesp", "PersonalSites": "vesp", "OneDriveFolders": "veod", "Team": "vet"}


def backed_up_types(backup_type: str | None, items: Sequence[SelectedItem] | None) -> frozenset[str] | None:
    """The explore types of the data a job backs up; None when the job does not say."""
    if (backup_type or "").lower() == "entireorganization":
        return frozenset(EXPLORE_TYPES)
    if items is None:
        return None
    found = {OPTION_TYPES[option] for item in items for option in item.options if option in OPTION_TYPES}
    found.update(ITEM_TYPES[item.type] for item in items if item.type in ITEM_TYPES)
    return frozenset(found) or None


async def read_backed_up_types(ops: ServerOperations, job: Job) -> frozenset[str] | None:
    """Read what `job` backs up (nothing is read for an EntireOrganization job or before v6); a
    failed read writes its line and gives None."""
    whole = backed_up_types(job.backup_type, None)
    capabilities = ops.client.capabilities
    if whole is not None or (capabilities is not None and not capabilities.selected_items):
        return whole
    read = partial(ops.client.job_selected_items, job.id)
    result = await ops.perform("selected items", job.name, read, read=True, line="on_problem")
    return backed_up_types(job.backup_type, result.value) if result.done else None


def default_explore_type(offered: Sequence[str], backed_up: frozenset[str] | None) -> str:
    """The first offered type the job backs up; else the first offered (Exchange)."""
    return next((code for code in offered if backed_up and code in backed_up), offered[0])


__all__ = ["backed_up_types", "default_explore_type", "read_backed_up_types"]
