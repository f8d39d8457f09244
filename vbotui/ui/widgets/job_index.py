"""The job list's index and cells, apart from the widget: the columns, one index tuple per job
(sorting and filtering work on these), the sort keys (natural order of numbers in names), and how
dates, organizations and statuses are written. No Textual here: plain data and Rich text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from operator import itemgetter
from typing import Any, Final

from rich.cells import cell_len, set_cell_size

from vbotui.api.models import Job
from vbotui.filtering import JobFilter, index_fields
from vbotui.timetext import in_zone, out_of_range, stamp

MARK = "*"
# (key, label); name and organization share the free width; the narrow layout drops some.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("mark", " "),
    ("name", "Name"),
    ("org", "Organization"),
    ("enabled", "On"),
    ("status", "Last status"),
    ("last_run", "Last run"),
    ("next_run", "Next run"),
    ("last_backup", "Last backup"),
)
LABELS = dict(COLUMNS)
NARROW_DROPS = {"next_run", "last_backup"}
# Below NARROW_BELOW columns one date column is shown: left / right show the one before / after.
NARROW_DATES = ("last_run", "next_run", "last_backup")
SORT_UP, SORT_DOWN = "\u25b2", "\u25bc"  # the sort indicator: ascending, descending
FIXED_WIDTHS = {"mark": 1, "enabled": 3, "status": 11}
DATE_KEYS = ("last_run", "next_run", "last_backup")
SHORT_DATE, FULL_DATE = 11, 16  # "MM-DD HH:MM" (current year), "YYYY-MM-DD HH:MM"
ORG_SUFFIX = ".onmicrosoft.com"
ORG_MIN, NAME_MIN = len("Organization"), 12
SORTABLE = ("name", "org", "status", "last_run", "next_run", "last_backup", "enabled")
NARROW_BELOW = 110
CELL_PADDING = 1  # a space each side of every cell
STATUS_STYLES = {
    "failed": "bold red",
    "warning": "yellow",
    "success": "green",
    "running": "bold cyan",
    "stopped": "magenta",
}
HEADER_LINES = 1

# One job in the index: the filter's fields (vbotui.filtering.INDEX_FIELDS of them), then these.
R_ID: Final = 6
R_JOB: Final = 7
R_SORG: Final = 8
R_NAT_NAME: Final = 9  # natural sort keys: "mailboxes 2" before "mailboxes 10"
R_NAT_ORG: Final = 10
NaturalKey = tuple["str | int", ...]
IndexRow = tuple[str, str, str, str, "bool | None", str, str, Job, str, NaturalKey, NaturalKey]
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> NaturalKey:
    """'mailboxes 10' -> ('mailboxes ', 10, ''): text and numbers alternate, so keys compare."""
    parts = _DIGITS.split(text)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


@dataclass(frozen=True)
class YearWindow:
    """The current year of the app's clock in the display zone: its dates are shown without the year."""

    year: int
    start: datetime
    end: datetime
    zone: tzinfo | None = None  # None: the system's local zone

    @classmethod
    def of(cls, now: datetime, zone: tzinfo | None = None) -> YearWindow:
        year = now.astimezone(zone).year

        # Midnights in the zone (naive ones made aware by the system zone: right offset across DST).
        # In UTC, like the API's times: comparing within one tzinfo is the fast path.
        def midnight(y: int) -> datetime:
            local = datetime(y, 1, 1, tzinfo=zone) if zone is not None else datetime(y, 1, 1).astimezone()
            return local.astimezone(timezone.utc)

        start, end = midnight(year), midnight(year + 1)
        return cls(year, start, end, zone)

    def contains(self, value: datetime) -> bool:
        if value.tzinfo is None:
            value = value.astimezone()
        return self.start <= value < self.end


def format_when(
    value: datetime | None, short_in: YearWindow | None = None, zone: tzinfo | None = None
) -> str:
    """Sortable time in `zone` (the window's, else the system's); 'MM-DD HH:MM' when inside
    `short_in`; '-' when the server sent none; a time the zone cannot hold (year 1 west of UTC,
    year 9999 east of it) as its UTC date."""
    if not value:
        return "-"
    if zone is None and short_in is not None:
        zone = short_in.zone
    shown = in_zone(value, zone)
    if shown is None:
        return out_of_range(value)
    if short_in is not None and short_in.contains(value):
        return shown.strftime("%m-%d %H:%M")
    return stamp(shown, "%Y-%m-%d %H:%M")


def full_date_columns(jobs: Collection[Job], window: YearWindow | None) -> frozenset[str]:
    """The date columns that need the full width: some job has a date there outside `window`."""
    if window is None:
        return frozenset(DATE_KEYS)
    start, end = window.start, window.end
    run = nxt = backup = False
    try:  # the API's times are aware: plain comparisons (this runs over every job on each poll)
        for job in jobs:
            value = job.last_run
            if value is not None and not start <= value < end:
                run = True
            value = job.next_run
            if value is not None and not start <= value < end:
                nxt = True
            value = job.last_backup
            if value is not None and not start <= value < end:
                backup = True
    except TypeError:  # a naive time: the careful way
        return frozenset(
            key
            for key in DATE_KEYS
            if any((value := getattr(job, key)) is not None and not window.contains(value) for job in jobs)
        )
    return frozenset(key for key, full in zip(DATE_KEYS, (run, nxt, backup), strict=True) if full)


def short_org(name: str) -> str:
    """'adatum.onmicrosoft.com' -> 'adatum' (for the list only; the full name is kept elsewhere)."""
    if len(name) > len(ORG_SUFFIX) and name.lower().endswith(ORG_SUFFIX):
        return name[: -len(ORG_SUFFIX)]
    return name


def status_style(status: str | None) -> str:
    return STATUS_STYLES.get((status or "").lower(), "")


def _date_key(value: datetime | None) -> float:
    return -math.inf if value is None else value.timestamp()


_ENABLED_ORDER = {None: 0, False: 1, True: 2}  # "?" < "no" < "yes", as the cells read
SORT_KEYS: dict[str, Callable[[IndexRow], Any]] = {
    "name": itemgetter(R_NAT_NAME),
    "org": itemgetter(R_NAT_ORG),
    "status": itemgetter(3),
    "enabled": lambda row: _ENABLED_ORDER.get(row[4], 0),
    "last_run": lambda row: _date_key(row[R_JOB].last_run),
    "next_run": lambda row: _date_key(row[R_JOB].next_run),
    "last_backup": lambda row: _date_key(row[R_JOB].last_backup),
}


def index_row(job: Job, org: str) -> IndexRow:
    """The index tuple of one job (`org`: its organization's full name)."""
    fields = index_fields(job.name, org, job.last_status, job.is_enabled, job.organization_id)
    sorg = short_org(org).lower()
    return (*fields, job.id, job, sorg, natural_key(fields[1]), natural_key(sorg))


@dataclass(frozen=True)
class JobDiff:
    """A fresh job list against the index held: what the table takes at once (`JobTable.load`)."""

    jobs: dict[str, Job]  # id -> job; an unchanged job is the object held before (one, not two)
    index: dict[str, IndexRow]  # every job's row, in the server's order; unchanged ones reused
    changed: list[str]  # the jobs whose row is new or changed
    same_ids: bool  # no job came or went
    same_order: bool  # and the server lists them in the same order
    moved: bool  # a changed job may have moved: its sort key, or whether the filter shows it
    full_dates: frozenset[str]  # `full_date_columns` of the fresh list


def may_move(
    before: IndexRow, after: IndexRow, sort_key: Callable[[IndexRow], Any], job_filter: JobFilter | None
) -> bool:
    """A job's new row may stand elsewhere: its sort key changed, or whether the filter shows it."""
    if sort_key(before) != sort_key(after):
        return True
    return job_filter is not None and bool(job_filter.select([before])) != bool(job_filter.select([after]))


def diff_jobs(
    jobs: Iterable[Job],
    held: Mapping[str, IndexRow],
    org_names: Mapping[str, str],
    window: YearWindow,
    sort_key: Callable[[IndexRow], Any],
    job_filter: JobFilter,
    *,
    reindex: bool = False,
    slice_jobs: int = 1_000,
) -> Generator[None, None, JobDiff]:
    """Diff `jobs` against the rows `held`, yielding after each `slice_jobs` jobs (so that a
    caller on the event loop can let it run in between); returns the JobDiff. Nothing held is
    changed. `reindex`: every row again (the organizations' names changed)."""
    listed = list(jobs)
    every_date = frozenset(DATE_KEYS)
    fresh: dict[str, Job] = {}
    index: dict[str, IndexRow] = {}
    changed: list[str] = []
    came, moved, full = 0, False, frozenset[str]()
    held_order = iter(held)
    same_order = len(listed) == len(held)
    filtering = bool(job_filter.terms)
    for start in range(0, len(listed), slice_jobs):
        if start:
            yield
        chunk = listed[start : start + slice_jobs]
        for job in chunk:
            if same_order and next(held_order, None) != job.id:
                same_order = False
            before = held.get(job.id)
            if before is None:
                came += 1
            elif not reindex and before[R_JOB] == job:
                fresh[job.id], index[job.id] = before[R_JOB], before
                continue
            org = org_names.get(job.organization_id or "", job.organization_id or "")
            row = index[job.id] = index_row(job, org)
            fresh[job.id] = job
            changed.append(job.id)
            if before is not None and not moved:
                moved = may_move(before, row, sort_key, job_filter if filtering else None)
        if full != every_date:
            full |= full_date_columns(chunk, window)
    same_ids = not came and len(fresh) == len(held)
    return JobDiff(fresh, index, changed, same_ids, same_ids and same_order, moved, full)


def _fit(text: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width else ""


def fit_middle(text: str, width: int) -> str:
    """Exactly `width` cells, cut in the middle when too long: 'blueyo…emea', so that names that
    share a prefix (blueyonderairlines, blueyonderairlines-emea) stay apart."""
    if cell_len(text) <= width or width < 5:
        return _fit(text, width)
    tail_room = (width - 1) // 2
    tail, used = "", 0
    for char in reversed(text):
        used += cell_len(char)
        if used > tail_room:
            break
        tail = char + tail
    head = set_cell_size(text, width - 1 - cell_len(tail))
    return head + "…" + tail


@dataclass
class Column:
    key: str
    label: str
    width: int
