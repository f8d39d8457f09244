"""The job list: a DataTable keyed by job id, updated in place.

Rows are never cleared and refilled on a poll: `load()` diffs the new jobs against what is
shown (update_cell only what changed, add/remove rows that appeared/disappeared), so the
cursor, the marks and the filter stay. A full rebuild happens only when the operator changes
the filter or the terminal width changes the column layout (DataTable has no hidden columns).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from vbotui.api.models import Job
from vbotui.filtering import JobFilter

from ..safe_text import safe_text

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
NARROW_DROPS = {"next_run", "last_backup"}
FIXED_WIDTHS = {"mark": 1, "enabled": 3, "status": 11}
DATE_KEYS = ("last_run", "next_run", "last_backup")
SHORT_DATE, FULL_DATE = 11, 16  # "MM-DD HH:MM" (current year), "YYYY-MM-DD HH:MM"
ORG_SUFFIX = ".onmicrosoft.com"
ORG_MIN, NAME_MIN = len("Organization"), 12
SORTABLE = ("name", "org", "status", "last_run", "next_run", "last_backup", "enabled")
NARROW_BELOW = 110
STATUS_STYLES = {
    "failed": "bold red",
    "warning": "yellow",
    "success": "green",
    "running": "bold cyan",
    "stopped": "magenta",
}


@dataclass(frozen=True)
class YearWindow:
    """The current local year of the app's clock: its dates are shown without the year."""

    year: int
    start: datetime
    end: datetime

    @classmethod
    def of(cls, now: datetime) -> YearWindow:
        year = now.astimezone().year
        # Naive local midnights made aware by the system zone (right offset even across DST).
        # In UTC, like the API's times: comparing within one tzinfo is the fast path.
        start, end = (datetime(y, 1, 1).astimezone().astimezone(timezone.utc) for y in (year, year + 1))
        return cls(year, start, end)

    def contains(self, value: datetime) -> bool:
        if value.tzinfo is None:
            value = value.astimezone()
        return self.start <= value < self.end


def format_when(value: datetime | None, short_in: YearWindow | None = None) -> str:
    """Sortable local time; 'MM-DD HH:MM' when inside `short_in`; '-' when the server sent none."""
    if not value:
        return "-"
    if short_in is not None and short_in.contains(value):
        return value.astimezone().strftime("%m-%d %H:%M")
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


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
        return frozenset(key for key in DATE_KEYS if any(
            (value := getattr(job, key)) is not None and not window.contains(value) for job in jobs))
    return frozenset(key for key, full in zip(DATE_KEYS, (run, nxt, backup), strict=True) if full)


def short_org(name: str) -> str:
    """'adatum.onmicrosoft.com' -> 'adatum' (for the list only; the full name is kept elsewhere)."""
    if len(name) > len(ORG_SUFFIX) and name.lower().endswith(ORG_SUFFIX):
        return name[: -len(ORG_SUFFIX)]
    return name


def status_style(status: str | None) -> str:
    return STATUS_STYLES.get((status or "").lower(), "")


class JobTable(DataTable[Text]):
    """Jobs with marks; j/k/g/G on top of DataTable's arrows and PgUp/PgDn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("g", "scroll_top", "First job", show=False, id="first-job"),
        Binding("G", "scroll_bottom", "Last job", show=False, id="last-job"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.jobs: dict[str, Job] = {}
        self.org_names: dict[str, str] = {}
        self.job_filter = JobFilter()
        self.marks: set[str] = set()
        self.sort_column = "name"
        self.sort_reverse = False
        self._layout: tuple[str, ...] = ()
        self._widths: dict[str, int] = {}
        self._window: YearWindow | None = None  # the year whose dates are shortened
        self._full_dates: frozenset[str] = frozenset()  # date columns at full width
        self._stale = False  # a fill is owed: asked for before the table had a width

    # ----- queries -----
    @property
    def cursor_job_id(self) -> str | None:
        if not 0 <= self.cursor_row < self.row_count:
            return None
        key = self.ordered_rows[self.cursor_row].key
        return str(key.value) if key.value is not None else None

    def visible_ids(self) -> list[str]:
        return [str(row.key.value) for row in self.ordered_rows]

    def org_name(self, job: Job) -> str:
        return self.org_names.get(job.organization_id or "", job.organization_id or "")

    def matches(self, job: Job) -> bool:
        return self.job_filter.matches(job.name, self.org_name(job), job.last_status, job.is_enabled)

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)  # VboApp's clock (fixed in tests)
        now = clock() if callable(clock) else None
        return now if isinstance(now, datetime) else datetime.now(timezone.utc)

    # ----- cells -----
    def _mark_cell(self, job_id: str) -> Text:
        return Text(MARK, style="bold reverse") if job_id in self.marks else Text(" ")

    def _cells(self, job: Job) -> dict[str, Text]:
        enabled = {True: "yes", False: "no"}.get(job.is_enabled, "?") if job.is_enabled is not None else "?"
        window = self._window
        return {
            "mark": self._mark_cell(job.id),
            "name": safe_text(job.name),
            "org": safe_text(short_org(self.org_name(job))),
            "enabled": Text(enabled, style="" if job.is_enabled else "dim"),
            "status": safe_text(job.last_status or "-", style=status_style(job.last_status)),
            "last_run": Text(format_when(job.last_run, window)),
            "next_run": Text(format_when(job.next_run, window)),
            "last_backup": Text(format_when(job.last_backup, window)),
        }

    def _row(self, job: Job) -> list[Text]:
        cells = self._cells(job)
        return [cells[key] for key in self._layout]

    # ----- layout -----
    def _compute_layout(self, width: int) -> tuple[tuple[str, ...], dict[str, int]]:
        keys = tuple(k for k, _ in COLUMNS if width >= NARROW_BELOW or k not in NARROW_DROPS)
        widths = {k: FIXED_WIDTHS[k] for k in keys if k in FIXED_WIDTHS}
        for key in DATE_KEYS:
            if key in keys:
                widths[key] = FULL_DATE if key in self._full_dates else SHORT_DATE
        free = max(20, width - sum(widths.values()) - 2 * len(keys) - 2)  # 2: cell padding; 2: scrollbar
        # The organization gets what its longest (shortened) name needs, at most a third; never
        # less than its header. The name, which operators know jobs by, takes the rest.
        longest = max((len(short_org(name)) for name in self.org_names.values()), default=0)
        widths["org"] = max(ORG_MIN, min(free // 3, longest))
        widths["name"] = max(NAME_MIN, free - widths["org"])
        return keys, widths

    def on_resize(self) -> None:
        self._relayout()

    def _width(self) -> int:
        """The table's width; before its first resize, the app's (the table spans the screen), so
        that a list answered before the first layout is filled once, in the layout it will keep."""
        return self.size.width or (self.app.size.width if self.is_attached else 0)

    def _relayout(self, force: bool = False) -> None:
        """Fit the columns to the width: rebuild if they changed, a fill is owed, or `force`."""
        width = self._width()
        if not width:  # nothing known yet: the first resize does the fill, once
            self._stale = True
            return
        layout, widths = self._compute_layout(width)
        if force or self._stale or (layout, widths) != (self._layout, self._widths):
            self._layout, self._widths = layout, widths
            self.rebuild()

    def rebuild(self) -> None:
        """Clear and refill from `self.jobs` (filter or layout change only), keeping the cursor."""
        width = self._width()
        if not width:  # no width known yet: the first resize fills the table
            self._stale = True
            return
        self._stale = False
        keep = self.cursor_job_id
        self.clear(columns=True)
        if not self._layout:
            self._layout, self._widths = self._compute_layout(width)
        labels = dict(COLUMNS)
        for key in self._layout:
            self.add_column(self._label(key, labels[key]), key=key, width=self._widths[key])
        for job in self.jobs.values():
            if self.matches(job):
                self.add_row(*self._row(job), key=job.id)
        self._sort_rows()
        self.move_to(keep)

    def _label(self, key: str, label: str) -> Text:
        if key != self.sort_column:
            return Text(label)
        return Text(label + (" v" if self.sort_reverse else " ^"), style="bold")

    # ----- sorting -----
    def _sort_key(self, cell: Text) -> str:
        plain = cell.plain
        if self.sort_column in DATE_KEYS and len(plain) == SHORT_DATE and self._window is not None:
            return f"{self._window.year:04d}-{plain}"  # "MM-DD HH:MM" sorts among full dates
        return plain.lower()

    def _sort_rows(self) -> None:
        if self.sort_column in self._layout and self.row_count:
            self.sort(self.sort_column, key=self._sort_key, reverse=self.sort_reverse)

    def set_sort(self, column: str, reverse: bool) -> None:
        keep = self.cursor_job_id
        self.sort_column, self.sort_reverse = column, reverse
        labels = dict(COLUMNS)
        for key in self._layout:
            if ColumnKey(key) in self.columns:
                self.columns[ColumnKey(key)].label = self._label(key, labels[key])
        self._sort_rows()
        self.move_to(keep)

    # ----- updates -----
    def move_to(self, job_id: str | None) -> bool:
        """Put the cursor on a job's row, if shown; False if it is not."""
        if job_id is None or job_id not in self.rows:
            return False
        index = self.get_row_index(job_id)
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)
        return True

    def set_filter(self, job_filter: JobFilter) -> None:
        self.job_filter = job_filter
        self.rebuild()

    def load(self, jobs: Iterable[Job], org_names: Mapping[str, str] | None = None) -> None:
        """Diff-update the rows to a fresh list of every job."""
        keep = self.cursor_job_id
        old_orgs = self.org_names
        if org_names is not None:
            self.org_names = dict(org_names)
        new = {job.id: job for job in jobs}
        window = YearWindow.of(self._now())
        full_dates = full_date_columns(new.values(), window)
        old_full, self._full_dates = self._full_dates, full_dates
        relayout = not self.columns or window != self._window or full_dates != old_full
        if not relayout and self.org_names != old_orgs:  # the organization column may resize
            relayout = self._compute_layout(self._width()) != (self._layout, self._widths)
        if relayout:
            # First load, a new year, or a column changes width: every row is refilled, once.
            self.jobs = new
            self.marks &= set(new)
            self._window = window
            self._relayout(force=True)
            return
        orgs_changed = self.org_names != old_orgs
        shown = set(self.rows)  # RowKey compares equal to its str value
        want = {job_id for job_id, job in new.items() if self.matches(job)}
        gone = [key for key in shown if str(key.value) not in want]
        resort = False
        if len(gone) > 500:  # remove_row is O(rows): a mass disappearance is cheaper rebuilt
            self.jobs = new
            self.marks &= set(new)
            self.rebuild()
            return
        for key in gone:
            self.remove_row(key)
        for job_id in want:
            job = new[job_id]
            if job_id not in self.rows:
                self.add_row(*self._row(job), key=job_id)
                resort = True
            elif orgs_changed or self.jobs.get(job_id) != job:
                resort |= self._update_cells(self.jobs.get(job_id), job)
        self.jobs = new
        self.marks &= set(new)
        if resort:
            self._sort_rows()
        self.move_to(keep)

    def _update_cells(self, old: Job | None, job: Job) -> bool:
        """update_cell only what changed; True if the sort column changed."""
        before = self._cells(old) if old is not None else {}
        sort_changed = False
        for key, cell in self._cells(job).items():
            if key in self._layout and before.get(key) != cell:
                self.update_cell(job.id, key, cell)
                sort_changed |= key == self.sort_column
        return sort_changed

    def update_job(self, job: Job) -> None:
        """One job re-read from the server (after an action)."""
        old = self.jobs.get(job.id)
        self.jobs[job.id] = job
        wider = full_date_columns([job], self._window) - self._full_dates
        if wider and self._window is not None:  # a date outside the year: widen its column
            self._full_dates |= wider
            self._relayout()
            return
        if job.id in self.rows:
            if self.matches(job):
                keep = self.cursor_job_id
                if self._update_cells(old, job):
                    self._sort_rows()
                    self.move_to(keep)
            else:
                self.remove_row(job.id)

    # ----- marks -----
    def _refresh_mark(self, job_id: str) -> None:
        # Only the mark cell: building a whole row (dates, safe_text) for it costs 10x more.
        if job_id in self.rows and "mark" in self._layout:
            self.update_cell(job_id, "mark", self._mark_cell(job_id))

    def toggle_mark(self, job_id: str) -> bool:
        self.marks ^= {job_id}
        self._refresh_mark(job_id)
        return job_id in self.marks

    def toggle_mark_visible(self) -> int:
        """Mark every shown job, or unmark them all when all are marked; returns the mark count."""
        shown = set(self.visible_ids())
        changed = shown - self.marks if not shown <= self.marks else shown
        if shown <= self.marks:
            self.marks -= shown
        else:
            self.marks |= shown
        for job_id in changed:
            self._refresh_mark(job_id)
        return len(self.marks)

    def clear_marks(self) -> None:
        marked, self.marks = self.marks, set()
        for job_id in marked:
            self._refresh_mark(job_id)

    def marked_jobs(self) -> list[Job]:
        jobs = [self.jobs[j] for j in self.marks if j in self.jobs]
        return sorted(jobs, key=lambda job: job.name.lower())
