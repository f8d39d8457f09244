"""Data modes (`vbotui-sim --data MODE`, repeatable): the seeded data with answers a real server can
give and a client must survive, applied after generation so the rest of the data stays the same.

    edge              dates at the ends of the range: lastRun "0001-01-01T00:00:00" (no zone),
                      nextRun "9999-12-31T23:59:59.9999999", year 1 and 9999 with a Z or an offset
    hostile           job ids and organization names that hold terminal escapes (ESC, OSC 0/2/52,
                      DCS, C1 controls), newlines and bidi overrides; an organization "Adatum Corp"
                      (a name with a space)
    logs-without-ids  session log items with neither `id` nor `usn`
    quirks            what real servers send beside their documents: nulls where a value is
                      promised (isEnabled, lastRun, an organization's name), enum values no
                      document lists (lastStatus "Idle", a session's jobType "Backup2")
    ignores-time-bounds
                      GET /JobSessions ignores endTimeLowerBound/endTimeUpperBound and `status`
                      (the documents say what they filter, not that every build does)
    sessions-oldest-first
                      job sessions listed oldest first (no document says in which order they come)
    running-outside-bounds
                      a JobSessions request with a time bound leaves out running sessions (they
                      have no end to compare)
"""

from __future__ import annotations

from collections.abc import Sequence

from .data import FIRST_JOB_ID, SimJob, SimOrganization, add_quirks

DATA_MODES = (
    "edge",
    "hostile",
    "logs-without-ids",
    "quirks",
    "ignores-time-bounds",
    "sessions-oldest-first",
    "running-outside-bounds",
)

# (what the job's name says, the JSON fields as the server writes them)
EDGE_TIMES: tuple[tuple[str, dict[str, str]], ...] = (
    ("lastRun year 1, no zone", {"lastRun": "0001-01-01T00:00:00", "lastBackup": "0001-01-01T00:00:00"}),
    ("nextRun year 9999", {"nextRun": "9999-12-31T23:59:59.9999999"}),
    (
        "year 1 and 9999 in UTC",
        {"lastRun": "0001-01-01T00:00:00Z", "nextRun": "9999-12-31T23:59:59.9999999Z"},
    ),
    (
        "year 1 east of UTC",
        {"lastRun": "0001-01-01T00:00:00+01:00", "lastBackup": "0001-01-01T05:00:00+05:00"},
    ),
    ("year 9999 west of UTC", {"nextRun": "9999-12-31T20:00:00-05:00", "lastBackup": "9999-12-31T00:00:00Z"}),
)

HOSTILE_IDS = (
    "\x1b]0;pwned\x07\x1b[2J\nrm -rf ~\n",  # a title, a wiped screen, a command line
    "\x1b]52;c;cm0gLXJmIH4K\x07",  # OSC 52: "rm -rf ~" on the clipboard
    "\u202edi-boj\u202c",  # bidi override: reads backwards
)
# In the generated tenants' order (contoso, fabrikam, northwindtraders, adatum, ...).
HOSTILE_ORG_NAMES = (
    "\x1b]0;pwned title\x07contoso.onmicrosoft.com",  # OSC 0, ended by BEL
    "\x1b]2;pwned title\x1b\\fabrikam.onmicrosoft.com",  # OSC 2, ended by ST
    "\x1b]52;c;cm0gLXJmIH4K\x07northwindtraders.onmicrosoft.com",  # OSC 52: the clipboard
    "Adatum Corp",
    "\x1bP+q544e\x1b\\tailspintoys.onmicrosoft.com",  # DCS
    "\x9b2J\x9d0;c1 title\x9cwingtiptoys.onmicrosoft.com",  # C1 CSI, OSC and ST
    "\u202emoc.tfosorcim\u202c woodgrovebank",  # bidi override
)


def apply_data_modes(modes: Sequence[str], orgs: list[SimOrganization], jobs: list[SimJob]) -> None:
    """Change the generated data as `modes` ask (a ValueError names an unknown mode)."""
    unknown = [mode for mode in modes if mode not in DATA_MODES]
    if unknown:
        raise ValueError(f"unknown data mode {unknown[0]!r} (known: {', '.join(DATA_MODES)})")
    # The seed document's job keeps its id and times: its examples must work in every mode.
    others = [job for job in jobs if job.id != FIRST_JOB_ID]
    if "edge" in modes:
        for job, (what, times) in zip(others, EDGE_TIMES, strict=False):
            job.name = f"{job.name} (edge: {what})"
            job.raw_times = dict(times)
    if "hostile" in modes:
        for org, name in zip(orgs, HOSTILE_ORG_NAMES, strict=False):
            org.name = name
            org.office_name = name.split(".")[0]
        hostile = others[len(EDGE_TIMES) :] if "edge" in modes else others
        for job, prefix in zip(hostile, HOSTILE_IDS, strict=False):
            job.id = prefix + job.id
    if "quirks" in modes:
        add_quirks(orgs, jobs)
