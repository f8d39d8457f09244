"""What a simulated job backs up, item by item: the `selectedItems` of v6/v7 jobs and v8's
`/Jobs/{id}/SelectedItems` (RESTJobItemComposed in the official v6-v8 documents).

Planned from the job's name (the seed's job templates say their workload: "OneDrive for Business",
"Sales team sites", ...), so a job named for OneDrive backs up OneDrive only; a job whose backup type
is EntireOrganization lists none (the whole organization is its scope).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from .data import SimJob, new_uuid

# The processing options of an item (RESTJobItemComposed's booleans) per workload.
ORGANIZATION_FLAGS = ("mailbox", "archiveMailbox", "oneDrive", "sites", "teams", "teamsChats")
# Words of a job's name and what the job then backs up, first match wins.
WORKLOADS: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("onedrive", "PartialOrganization", {"oneDrive": True}),
    ("sharepoint", "PartialOrganization", {"sites": True}),
    ("sites", "Site", {}),
    ("teams", "PartialOrganization", {"teams": True, "teamsChats": True}),
    ("executives", "User", {"mailbox": True, "archiveMailbox": True}),
    ("archive", "PartialOrganization", {"archiveMailbox": True}),
)
MAILBOXES: tuple[str, dict[str, bool]] = ("PartialOrganization", {"mailbox": True})


@dataclass(frozen=True)
class SimSelectedItem:
    id: str
    type: str  # User | Group | Site | Team | PartialOrganization | PersonalSites | OneDriveFolders
    flags: dict[str, bool] = field(default_factory=dict)  # the item's processing options


def planned_selected_items(seed: int, job: SimJob) -> tuple[SimSelectedItem, ...]:
    return _planned(seed, job.id, job.name, job.backup_type)


@lru_cache(maxsize=65_536)  # v6/v7 write them in every job of every list: plan each job once
def _planned(seed: int, job_id: str, name: str, backup_type: str) -> tuple[SimSelectedItem, ...]:
    if backup_type == "EntireOrganization":
        return ()
    rng = random.Random(f"{seed}:selected:{job_id}")
    name = name.lower()
    kind, flags = next(((k, f) for word, k, f in WORKLOADS if word in name), MAILBOXES)
    if kind == "PartialOrganization":
        flags = {flag: flags.get(flag, False) for flag in ORGANIZATION_FLAGS}
    count = 2 if kind in ("User", "Site") else 1
    return tuple(SimSelectedItem(new_uuid(rng), kind, dict(flags)) for _ in range(count))
