"""The job list: a virtual table on Textual's Line API that renders only the rows on screen.

Every job has one index tuple (lowercased filter fields, id, the `Job`): sorting and filtering
are list operations over those tuples (`JobFilter.select`), and a paint builds the cells of the
visible rows only, so 50,000 jobs cost what a screenful costs. `load()` diffs a fresh list by job
id: the cursor and the marks stay on their jobs, and only the changed rows that are on screen are
repainted. A cursor move repaints two lines. Server text goes through `clean` (shown literally).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Generator, Iterable, Mapping
from datetime import datetime, timezone, tzinfo
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vbotui.api.models import Job
from vbotui.filtering import JobFilter, highlight_words

from ..actions import bindings_for
from ..safe_text import clean, safe_text
from ..typeahead import reroute_after_focus_move
from .job_index import (
    CELL_PADDING,
    COLUMNS,
    DATE_KEYS,
    FIXED_WIDTHS,
    FULL_DATE,
    HEADER_LINES,
    LABELS,
    MARK,
    NAME_MIN,
    NARROW_BELOW,
    NARROW_DATES,
    ORG_MIN,
    R_ID,
    R_JOB,
    SHORT_DATE,
    SORT_DOWN,
    SORT_KEYS,
    SORT_UP,
    STATUS_STYLES,
    Column,
    IndexRow,
    YearWindow,
    _fit,
    diff_jobs,
    fit_middle,
    format_when,
    full_date_columns,
    may_move,
    short_org,
    status_style,
)
from .job_index import SORTABLE as SORTABLE  # re-exported: the main screen cycles through them
from .job_index import (
    index_row as index_row,  # re-exported: a test counts its calls
)
from .job_index import natural_key as natural_key  # re-exported for tests


class JobTable(ScrollView, can_focus=True):
    """Jobs with marks: a fixed header line, then one line per shown job."""

    DEFAULT_CSS = """
    JobTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .job-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .job-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .job-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .job-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        /* Last status: theme colours; in 16 colours the terminal's own (red is worse than yellow). */
        & > .job-table--failed { color: $text-error; text-style: bold; }
        & > .job-table--warning { color: $text-warning; }
        & > .job-table--success { color: $text-success; }
        & > .job-table--running { color: $text-accent; text-style: bold; }
        & > .job-table--stopped { color: $text-secondary; }
        &:ansi > .job-table--failed { color: ansi_bright_red; text-style: bold; }
        &:ansi > .job-table--warning { color: ansi_yellow; text-style: none; }
        &:ansi > .job-table--success { color: ansi_green; }
        &:ansi > .job-table--running { color: ansi_cyan; text-style: bold; }
        &:ansi > .job-table--stopped { color: ansi_magenta; }
        /* What the filter's words matched in names and organizations. */
        & > .job-table--match { text-style: bold underline; color: $text-accent; }
        &:ansi > .job-table--match { text-style: bold underline; color: ansi_bright_cyan; }
        & > .job-table--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "job-table--header",
        "job-table--cursor",
        "job-table--match",
        "job-table--empty",
        *(f"job-table--{status}" for status in STATUS_STYLES),
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("jobs")
    SLICE_JOBS: ClassVar[int] = 1_000  # jobs diffed between two turns of the event loop (load_async)

    class RowHighlighted(Message):
        """The cursor moved to another row (what DataTable.RowHighlighted was for)."""

        def __init__(self, table: JobTable, cursor_row: int, job_id: str | None) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.job_id = job_id

        @property
        def control(self) -> JobTable:
            return self.table

    class Shown(Message):
        """Other rows (a load, the filter, the sort) or other columns (left / right) are shown."""

        def __init__(self, table: JobTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> JobTable:
            return self.table

    def __init__(
        self,
        *,
        id: str | None = None,
        clock: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__(id=id)
        self.clock = clock  # the app's clock (the simulator's in --demo, fixed in tests)
        self.zone = zone  # the display zone (None: the system's local zone)
        self.jobs: dict[str, Job] = {}
        self.org_names: dict[str, str] = {}
        self.job_filter = JobFilter()
        self.marks: set[str] = set()
        self.sort_column = "name"
        self.sort_reverse = False
        self.narrow_date = NARROW_DATES[0]  # the date column shown below NARROW_BELOW columns
        self._highlights: dict[str, tuple[str, ...]] = {}  # column -> the filter's words shown there
        self.columns: dict[str, Column] = {}
        self._layout_width = 0  # the width `columns` were computed for
        self._window: YearWindow | None = None  # the year whose dates are shortened
        self._full_dates: frozenset[str] = frozenset()  # date columns at full width
        self._index: dict[str, IndexRow] = {}  # every job, in the server's order
        self._sorted: list[IndexRow] = []  # every job, in the sort order
        self._shown: list[IndexRow] = []  # the filter's rows, in the sort order
        self._row_of: dict[str, int] | None = {}  # job id -> row in `_shown`; None: not built yet
        self._sorted_stale = False  # `_sorted` holds tuples of jobs changed since (same order)
        self.complete = False  # a whole list was loaded (not only its first pages)
        self._version = 0  # bumped by every change of the jobs held (a sliced load checks it)
        self._load_seq = 0  # loads begun
        self._applied_seq = 0  # the latest begun of the loads applied
        self._cursor = 0
        self._styles: dict[str, Style] = {}

    # ----- queries -----
    @property
    def row_count(self) -> int:
        return len(self._shown)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def rows(self) -> Mapping[str, int]:
        """Shown job id -> its row (`job_id in table.rows`)."""
        return self._pos

    @property
    def cursor_job_id(self) -> str | None:
        if 0 <= self._cursor < len(self._shown):
            return self._shown[self._cursor][R_ID]
        return None

    @property
    def _pos(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {row[R_ID]: index for index, row in enumerate(self._shown)}
        return self._row_of

    def _find(self, job_id: str, default: int) -> int:
        """The row of one job: a scan (cheaper than indexing every row after each filter key)."""
        if self._row_of is not None:
            return self._row_of.get(job_id, default)
        return next((index for index, row in enumerate(self._shown) if row[R_ID] == job_id), default)

    def visible_ids(self) -> list[str]:
        """Every job the filter shows, in order (on screen or not)."""
        return [row[R_ID] for row in self._shown]

    def neighbours(self, job_id: str) -> list[str]:
        """The jobs shown just below and above this one (the next step of the cursor first)."""
        row = self._pos.get(job_id)
        if row is None:
            return []
        return [self._shown[at][R_ID] for at in (row + 1, row - 1) if 0 <= at < len(self._shown)]

    def org_name(self, job: Job) -> str:
        return self.org_names.get(job.organization_id or "", job.organization_id or "")

    def matches(self, job: Job) -> bool:
        return self.job_filter.matches(
            job.name, self.org_name(job), job.last_status, job.is_enabled, job.organization_id
        )

    def get_cell(self, job_id: str, column: str) -> Text:
        """What a cell shows (tests and the palette; painting does not build `Text`)."""
        return self._cells(self.jobs[job_id])[column]

    def _now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(timezone.utc)

    # ----- cells -----
    def _cells(self, job: Job) -> dict[str, Text]:
        enabled = {True: "yes", False: "no"}.get(job.is_enabled, "?") if job.is_enabled is not None else "?"
        window = self._window
        return {
            "mark": Text(MARK, style="bold reverse") if job.id in self.marks else Text(" "),
            "name": safe_text(job.name),
            "org": safe_text(short_org(self.org_name(job))),
            "enabled": Text(enabled, style="" if job.is_enabled else "dim"),
            "status": Text(clean(job.last_status or "-"), style=self._status_text_style(job.last_status)),
            "last_run": Text(format_when(job.last_run, window)),
            "next_run": Text(format_when(job.next_run, window)),
            "last_backup": Text(format_when(job.last_backup, window)),
        }

    def _status_text_style(self, status: str | None) -> Style | str:
        status = (status or "").lower()
        if status in STATUS_STYLES and self.is_attached:
            return self._status_style(status)
        return status_style(status)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = Style.parse(name) if name else Style()
        return style

    def _status_style(self, status: str) -> Style:
        """A status's look from the stylesheet (component class `job-table--<status>`)."""
        key = f"status:{status}"
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_component_rich_style(f"job-table--{status}", partial=True)
        return style

    def _row_strip(self, job: Job, cursor: bool, width: int) -> Strip:
        """One job's line: cells built for this row only."""
        base = self.rich_style
        if cursor:
            base = base + self.get_component_rich_style("job-table--cursor")
        window = self._window
        segments: list[Segment] = []
        pad = " " * CELL_PADDING
        for key, column in self.columns.items():
            style = ""
            if key == "mark":
                marked = job.id in self.marks
                text, style = (MARK, "bold reverse") if marked else (" ", "")
            elif key == "name":
                text = clean(job.name)
            elif key == "org":
                text = clean(short_org(self.org_name(job)))
            elif key == "enabled":
                text = "?" if job.is_enabled is None else "yes" if job.is_enabled else "no"
                style = "" if job.is_enabled else "dim"
            elif key == "status":
                text = clean(job.last_status or "-")
                cell = _fit(text, column.width)
                status = (job.last_status or "").lower()
                if status in STATUS_STYLES:
                    look = self._status_style(status)
                    segments += [Segment(pad, base), Segment(cell, base + look), Segment(pad, base)]
                else:
                    segments.append(Segment(f"{pad}{cell}{pad}", base))
                continue
            else:
                text = format_when(getattr(job, key), window)
            cell = fit_middle(text, column.width) if key == "org" else _fit(text, column.width)
            words = self._highlights.get(key) if key in ("name", "org") else None
            if words:
                segments.append(Segment(pad, base))
                segments += self._highlighted_cell(cell, words, base)
                segments.append(Segment(pad, base))
            elif style:
                segments += [Segment(pad, base), Segment(cell, base + self._style(style)), Segment(pad, base)]
            else:
                segments.append(Segment(f"{pad}{cell}{pad}", base))
        return self._finish(segments, base, width)

    def _highlighted_cell(self, cell: str, words: tuple[str, ...], base: Style) -> list[Segment]:
        """A cell with the filter's matches in the match style (case-insensitive)."""
        lower = cell.lower()
        if len(lower) != len(cell):  # a character whose lower case is longer: no highlight
            return [Segment(cell, base)]
        marked = [False] * len(cell)
        for word in words:
            start = lower.find(word)
            while start >= 0:
                marked[start : start + len(word)] = [True] * len(word)
                start = lower.find(word, start + 1)
        if not any(marked):
            return [Segment(cell, base)]
        match = base + self._match_style()
        segments: list[Segment] = []
        start = 0
        for index in range(1, len(cell) + 1):
            if index == len(cell) or marked[index] != marked[start]:
                segments.append(Segment(cell[start:index], match if marked[start] else base))
                start = index
        return segments

    def _match_style(self) -> Style:
        style = self._styles.get("match:")
        if style is None:
            style = self._styles["match:"] = self.get_component_rich_style("job-table--match", partial=True)
        return style

    def _header_strip(self, width: int) -> Strip:
        base = self.rich_style + self.get_component_rich_style("job-table--header")
        pad = " " * CELL_PADDING
        text = "".join(f"{pad}{self._header_cell(key, column.width)}" for key, column in self.columns.items())
        return self._finish([Segment(text, base)], base, width)

    def _header_cell(self, key: str, width: int) -> str:
        """A column's label and its trailing pad; the sorted column's always shows the indicator
        (in the trailing pad when the label fills the column)."""
        pad = " " * CELL_PADDING
        label = LABELS[key]
        if key != self.sort_column:
            return _fit(label, width) + pad
        arrow = SORT_DOWN if self.sort_reverse else SORT_UP
        if cell_len(label) + 2 <= width:
            return _fit(f"{label} {arrow}", width) + pad
        return _fit(label, width) + arrow + pad[1:]

    @property
    def sort_label(self) -> str:
        """The sort for people: 'last run', 'name desc'."""
        return LABELS[self.sort_column].lower() + (" desc" if self.sort_reverse else "")

    @staticmethod
    def _finish(segments: list[Segment], base: Style, width: int) -> Strip:
        # Cells of one style joined: each segment is written as its own SGR ... reset, and a row
        # of ten cells in one style was ~150 bytes of repeated escapes on every cursor move.
        strip = Strip(segments)
        if strip.cell_length < width:
            return Strip([*segments, Segment(" " * (width - strip.cell_length), base)], width).simplify()
        return strip.crop(0, width).simplify()

    # ----- the Line API -----
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._ensure_layout()
        if y < HEADER_LINES:
            return self._header_strip(width)
        row = self.scroll_offset.y + y - HEADER_LINES
        if 0 <= row < len(self._shown):
            entry = self._shown[row]
            job = self.jobs.get(entry[R_ID]) or entry[R_JOB]
            return self._row_strip(job, row == self._cursor, width)
        if row == 0 and self.jobs:  # every job filtered out: say so, not a blank table
            base = self.rich_style + self.get_component_rich_style("job-table--empty", partial=True)
            said = f"{' ' * CELL_PADDING}no job matches the filter (esc clears it)"
            return self._finish([Segment(said, base)], base, width)
        return Strip.blank(width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _screen_line(self, row: int) -> int | None:
        """The widget line a row is painted on, or None when it is off screen."""
        y = row - self.scroll_offset.y + HEADER_LINES
        return y if HEADER_LINES <= y < self.size.height else None

    def _refresh_rows(self, rows: Iterable[int]) -> None:
        width = self.scrollable_content_region.width
        regions = [Region(0, y, width, 1) for row in rows if (y := self._screen_line(row)) is not None]
        if regions:
            self.refresh(*regions)

    def _page(self) -> int:
        return max(1, self.size.height - HEADER_LINES)

    # ----- layout -----
    def _compute_layout(self, width: int) -> tuple[tuple[str, ...], dict[str, int]]:
        if width >= NARROW_BELOW:
            keys = tuple(k for k, _ in COLUMNS)
        else:  # one date column, the one chosen with left / right
            keys = tuple(k for k, _ in COLUMNS if k not in DATE_KEYS) + (self.narrow_date,)
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

    def _width(self) -> int:
        """The widget's width; before its first resize, the app's (the table spans the screen)."""
        width = self.size.width or (self.app.size.width if self.is_attached else 0)
        return width or 80

    def _ensure_layout(self, force: bool = False) -> None:
        width = self._width()
        if force or width != self._layout_width or not self.columns:
            keys, widths = self._compute_layout(width)
            self.columns = {key: Column(key, LABELS[key], widths[key]) for key in keys}
            self._layout_width = width

    def _relayout(self) -> None:
        """The column widths may have changed (dates, organizations): compute them, repaint."""
        before = {key: column.width for key, column in self.columns.items()}
        self._ensure_layout(force=True)
        if {key: column.width for key, column in self.columns.items()} != before:
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._ensure_layout()
        self._set_virtual_size()
        self._scroll_to_cursor()

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._shown) + HEADER_LINES)

    # ----- order and filter -----
    def _reorder(self, keep_top: bool = False) -> None:
        """Sort every job, apply the filter, keep the cursor on its job (or on the first row):
        list work only."""
        keep = None if keep_top else self.cursor_job_id
        key = SORT_KEYS.get(self.sort_column, SORT_KEYS["name"])
        self._sorted = sorted(self._index.values(), key=key, reverse=self.sort_reverse)
        self._sorted_stale = False
        self._refilter(keep)

    def _refilter(self, keep: str | None) -> None:
        before = len(self._shown)
        if self._sorted_stale:
            index = self._index
            self._sorted = [index[row[R_ID]] for row in self._sorted]
            self._sorted_stale = False
        self._shown = self.job_filter.select(self._sorted) if self.job_filter.terms else list(self._sorted)
        self._row_of = None  # built when asked: a filter key at 10,000 jobs need not pay ~5 ms
        if len(self._shown) != before:
            self._set_virtual_size()
        old = self._cursor
        self._cursor = self._find(keep, min(self._cursor, max(0, len(self._shown) - 1))) if keep else 0
        self._cursor = min(self._cursor, max(0, len(self._shown) - 1))
        self.refresh()
        self._scroll_to_cursor()
        if self._cursor != old:
            self._highlighted()
        self.post_message(self.Shown(self))

    def rebuild(self) -> None:
        """Re-sort and re-filter every job (cheap: no cells are built)."""
        self._reorder()

    def set_sort(self, column: str, reverse: bool) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self._reorder()

    def set_filter(self, job_filter: JobFilter) -> None:
        self.job_filter = job_filter
        self._highlights = self._highlights_of(job_filter)
        self._refilter(self.cursor_job_id)

    @staticmethod
    def _highlights_of(job_filter: JobFilter) -> dict[str, tuple[str, ...]]:
        shown: dict[str, list[str]] = {"name": [], "org": []}
        for field, value in highlight_words(job_filter):
            for column in ("name", "org") if field is None else (field,):
                shown[column].append(value)
        return {column: tuple(words) for column, words in shown.items() if words}

    # ----- cursor -----
    def _highlighted(self) -> None:
        self.post_message(self.RowHighlighted(self, self._cursor, self.cursor_job_id))

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on a row (clamped): repaints the two lines, scrolls if needed."""
        row = max(0, min(row, len(self._shown) - 1)) if self._shown else 0
        old, self._cursor = self._cursor, row
        if row == old:
            return
        if not self._scroll_to_cursor():
            self._refresh_rows((old, row))
        self._highlighted()

    def _scroll_to_cursor(self) -> bool:
        """Scroll so that the cursor row is on screen; True if it scrolled (a full repaint)."""
        if not self.size.height:
            return False
        top, page = self.scroll_offset.y, self._page()
        if self._cursor < top:
            target = self._cursor
        elif self._cursor >= top + page:
            target = self._cursor - page + 1
        else:
            return False
        self.scroll_to(y=target, animate=False, force=True)
        return True

    def move_to(self, job_id: str | None) -> bool:
        """Put the cursor on a job's row, if shown; False if it is not."""
        if job_id is None or job_id not in self._pos:
            return False
        self.move_cursor(row=self._pos[job_id])
        return True

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._page())

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._shown) - 1)

    @property
    def narrow(self) -> bool:
        return self._layout_width < NARROW_BELOW

    def action_date_column(self, step: int) -> None:
        """Narrow terminals: show the next (+1) or previous (-1) date column in the last place."""
        if not self.narrow:
            return
        index = NARROW_DATES.index(self.narrow_date)
        self.narrow_date = NARROW_DATES[(index + step) % len(NARROW_DATES)]
        self._relayout()
        self.refresh()
        self.post_message(self.Shown(self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= HEADER_LINES:
            self.move_cursor(row=self.scroll_offset.y + offset.y - HEADER_LINES)

    # ----- updates -----
    def load(
        self, jobs: Iterable[Job], org_names: Mapping[str, str] | None = None, *, complete: bool = True
    ) -> None:
        """A fresh list of every job, diffed by id against what is held, all at once."""
        for _ in self._load_steps(jobs, org_names, complete):
            pass

    async def load_async(
        self, jobs: Iterable[Job], org_names: Mapping[str, str] | None = None, *, complete: bool = True
    ) -> None:
        """`load`, with the event loop running between slices of SLICE_JOBS jobs (keys, paints).
        The table shows what it held until the diff is applied, in one step at the end; the
        cursor, marks, sort and filter set meanwhile are kept. Cancelled: nothing changes.
        `complete=False`: the first pages of a list still coming (the header says so)."""
        for _ in self._load_steps(jobs, org_names, complete):
            await asyncio.sleep(0)

    def _load_steps(
        self, jobs: Iterable[Job], org_names: Mapping[str, str] | None, complete: bool
    ) -> Generator[None, None, None]:
        self._load_seq += 1
        seq = self._load_seq
        names = dict(org_names) if org_names is not None else self.org_names
        orgs_changed = names != self.org_names
        zone, version = self.zone, self._version
        order = (self.sort_column, self.sort_reverse, self.job_filter)
        window = YearWindow.of(self._now(), zone)
        sort_key = SORT_KEYS.get(self.sort_column, SORT_KEYS["name"])
        diff = yield from diff_jobs(
            jobs,
            self._index,
            names,
            window,
            sort_key,
            self.job_filter,
            reindex=orgs_changed,
            slice_jobs=self.SLICE_JOBS,
        )
        if seq < self._applied_seq:
            return  # a load that began after this one was applied first: this list is older
        self._applied_seq = seq
        # What changed while the diff ran (an action's re-read, another load, the sort, the
        # filter, the zone) is not known to it: then every row is sorted and shown again.
        meanwhile = version != self._version or order != (
            self.sort_column,
            self.sort_reverse,
            self.job_filter,
        )
        full_dates = diff.full_dates
        if zone is not self.zone:
            window = YearWindow.of(self._now(), self.zone)
            full_dates = full_date_columns(diff.jobs.values(), window)
        first, top = not self._index, not self.complete and self._cursor == 0
        orgs_changed = names != self.org_names  # against what is held now
        layout = window != self._window or full_dates != self._full_dates or orgs_changed
        self._window, self._full_dates = window, full_dates
        self.org_names = names
        self.complete = complete
        self._version += 1
        if diff.same_order and not meanwhile:
            # The same jobs in the same order: only the changed ones are put in, so that no new
            # dict of every job is made on each poll (young collections would walk it).
            held, index = self.jobs, self._index
            for job_id in diff.changed:
                held[job_id], index[job_id] = diff.jobs[job_id], diff.index[job_id]
        else:
            self.jobs, self._index = diff.jobs, diff.index
            self.marks &= diff.jobs.keys()
        if layout or first or meanwhile or orgs_changed or diff.moved or not diff.same_ids:
            if layout:
                self._relayout()
            # While the list is still coming, a cursor on the first row stays on the first row.
            self._reorder(keep_top=top)
            return
        self._repaint_in_place(set(diff.changed))

    def _changed(self, changed: list[Job]) -> None:
        """Re-index changed jobs; re-sort only if their place may have moved, else repaint the
        changed rows that are on screen."""
        if not changed:
            return
        sort_key = SORT_KEYS.get(self.sort_column, SORT_KEYS["name"])
        job_filter = self.job_filter if self.job_filter.terms else None
        reorder = False
        for job in changed:
            before = self._index.get(job.id)
            row = self._index[job.id] = index_row(job, self.org_name(job))
            if before is None or may_move(before, row, sort_key, job_filter):
                reorder = True
        if reorder:
            self._reorder()
            return
        self._repaint_in_place({job.id for job in changed})

    def _repaint_in_place(self, changed: Collection[str]) -> None:
        """Changed jobs that kept their places: paint reads `self.jobs`, the sorted list takes the
        new tuples when the filter next runs over it; only their rows on screen are repainted."""
        self._sorted_stale = True
        top_row = self.scroll_offset.y
        shown = self._shown[top_row : top_row + self._page()]
        self._refresh_rows(top_row + at for at, row in enumerate(shown) if row[R_ID] in changed)

    def set_zone(self, zone: tzinfo | None) -> None:
        """Show the times in another zone (the palette's UTC / local toggle): every row again."""
        if zone is self.zone:
            return
        self.zone = zone
        window = YearWindow.of(self._now(), zone)
        self._window, self._full_dates = window, full_date_columns(self.jobs.values(), window)
        self._relayout()
        self.refresh()

    def update_job(self, job: Job) -> None:
        """One job re-read from the server (after an action)."""
        if job.id not in self._index:
            return
        self.jobs[job.id] = job
        self._version += 1  # a load being diffed meanwhile does not know of it
        wider = full_date_columns([job], self._window) - self._full_dates
        if wider and self._window is not None:  # a date outside the year: widen its column
            self._full_dates |= wider
            self._relayout()
        self._changed([job])

    # ----- marks -----
    def toggle_mark(self, job_id: str) -> bool:
        self.marks ^= {job_id}
        if job_id in self._pos:
            self._refresh_rows((self._pos[job_id],))
        return job_id in self.marks

    def toggle_mark_visible(self) -> int:
        """Mark every shown job, or unmark them all when all are marked; returns the mark count."""
        shown = {row[R_ID] for row in self._shown}
        if shown <= self.marks:
            self.marks -= shown
        else:
            self.marks |= shown
        self.refresh()  # the rows on screen only
        return len(self.marks)

    def clear_marks(self) -> None:
        self.marks = set()
        self.refresh()

    async def _on_key(self, event: events.Key) -> None:
        # A key typed ahead of a focus move (`:` then a command, in one read): to where focus is now.
        if reroute_after_focus_move(self, event):
            return
        await super()._on_key(event)

    def hidden_marks(self) -> int:
        """How many marked jobs the filter hides (they are still acted on, after saying so)."""
        if not self.marks:
            return 0
        return len((self.marks & self.jobs.keys()) - {row[R_ID] for row in self._shown})

    def marked_jobs(self) -> list[Job]:
        jobs = [self.jobs[j] for j in self.marks if j in self.jobs]
        return sorted(jobs, key=lambda job: job.name.lower())
