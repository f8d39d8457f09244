"""The one-shot commands' table: for people, cleaned, fitted to a terminal's width.

On a terminal (stdout a TTY; `COLUMNS` wins over the terminal's own width) a table wider than the
terminal is fitted in this order, each step only while it is still too wide:

1. the id columns are left out (the job's, the session's: json and csv have them);
2. NEXT RUN is left out;
3. times are shortened to dates, in a table with two or more of them (a log keeps its hours);
4. the names and texts are cut with an ellipsis, the widest first, a name never below NAME_FLOOR
   cells (anything else never below MIN_WIDTH); past that the lines are left long.

What was left out or shortened is said in one line on stderr. To a pipe or a file nothing is cut
or left out: every column, every character, whatever COLUMNS says.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any

from vbotui.textclean import cell_width, clean, cut
from vbotui.timetext import zoned_text

Record = Mapping[str, Any]

# Columns left out to fit, first to last (a table names the ones it may lose; see Printer).
DROP_ORDER = ("id", "jobId", "sessionId", "nextRun")
# Columns that may be cut with an ellipsis; the others keep their width.
SHRINKABLE = frozenset({"name", "job", "organization", "message", "details", "title", "text"})
NAMES = frozenset({"name", "job"})
NAME_FLOOR = 20
MIN_WIDTH = 8
GAP = "  "
_COLOURS = {"done": "32", "refused": "1;31", "unknown": "1;35", "not_sent": "33"}


def table_value(value: object, utc: bool, *, dates: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):  # a date at an end of the range is text, never an overflow
        zone = timezone.utc if utc else None
        if dates:
            return zoned_text(value, zone, "%Y-%m-%d")
        return zoned_text(value, zone, "%Y-%m-%d %H:%MZ" if utc else "%Y-%m-%d %H:%M")
    return clean(value)


def terminal_width(out: IO[str]) -> int | None:
    """The width to fit a table to: the terminal's when `out` is one, else None (never cut)."""
    try:
        if not out.isatty():
            return None
    except ValueError:  # a closed stream
        return None
    return shutil.get_terminal_size((80, 24)).columns


@dataclass
class Layout:
    """The columns a table shows, their widths, and what fitting it left out or shortened."""

    columns: list[int]  # indexes into the table's fields, in order
    widths: list[int]
    dates: bool = False
    dropped: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.dropped) or self.dates


def layout_table(
    records: Sequence[Record],
    fields: Sequence[str],
    headers: Sequence[str],
    *,
    utc: bool,
    width: int | None,
    drops: Sequence[str] = DROP_ORDER,
) -> Layout:
    """Which columns to show and how wide, for `width` cells (None: all, as wide as they are)."""
    columns = list(range(len(fields)))
    dates = False

    def natural() -> list[int]:
        return [
            max(
                [
                    cell_width(headers[i]),
                    *(cell_width(table_value(r.get(fields[i]), utc, dates=dates)) for r in records),
                ]
            )
            for i in columns
        ]

    def fits() -> bool:
        return width is None or sum(natural()) + len(GAP) * (len(columns) - 1) <= width

    dropped: list[str] = []
    for field in (name for name in DROP_ORDER if name in drops):
        if fits():
            break
        if field in fields and len(columns) > 1:
            index = fields.index(field)
            columns.remove(index)
            dropped.append(headers[index])
    times = [i for i in columns if any(isinstance(r.get(fields[i]), datetime) for r in records)]
    if not fits() and len(times) > 1:  # a log's one time column keeps its hours
        dates = True
    widths = natural()
    if width is not None:
        widths = shrink(widths, [fields[i] for i in columns], width)
    return Layout(columns, widths, dates, tuple(dropped))


def shrink(widths: list[int], names: Sequence[str], total: int) -> list[int]:
    """Narrow the widest shrinkable column, one cell at a time, until the row fits `total` cells."""
    widths = list(widths)
    room = total - len(GAP) * (len(widths) - 1)
    while sum(widths) > room:
        candidates = [
            i
            for i, name in enumerate(names)
            if name in SHRINKABLE and widths[i] > (NAME_FLOOR if name in NAMES else MIN_WIDTH)
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def fitted_note(layout: Layout, width: int) -> str:
    """The one line that says what fitting `width` columns cost."""
    parts = []
    if layout.dropped:
        parts.append(f"left out {', '.join(layout.dropped)}")
    if layout.dates:
        parts.append("times shown as dates")
    return f"table fitted to {width} columns: {'; '.join(parts)} (--output json has every field)"


def colour_enabled(out: IO[str], env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return out.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"


def write_table(
    records: Sequence[Record],
    fields: Sequence[str],
    headers: Sequence[str],
    out: IO[str],
    *,
    utc: bool = False,
    width: int | None = None,
    header: bool = True,
    drops: Sequence[str] = DROP_ORDER,
    note: Callable[[str], None] | None = None,
) -> Layout:
    """Write the table; `width` None: nothing cut or left out. `note` hears what fitting cost."""
    layout = layout_table(records, fields, headers, utc=utc, width=width, drops=drops)
    shown = [fields[i] for i in layout.columns]
    rows = [[table_value(r.get(field), utc, dates=layout.dates) for field in shown] for r in records]
    colour = colour_enabled(out)
    widths = layout.widths

    def line(cells: Sequence[str], paint: bool = False) -> str:
        parts = []
        for index, (cell, size) in enumerate(zip(cells, widths, strict=True)):
            text = cut(cell, size)
            padded = text + " " * (size - cell_width(text)) if index < len(cells) - 1 else text
            if paint and shown[index] == "outcome" and cell in _COLOURS:
                padded = f"\x1b[{_COLOURS[cell]}m{padded}\x1b[0m"
            parts.append(padded)
        return GAP.join(parts).rstrip()

    if header:
        out.write(line([headers[i] for i in layout.columns]) + "\n")
    for row in rows:
        out.write(line(row, paint=colour) + "\n")
    if note is not None and width is not None and layout.changed:
        note(fitted_note(layout, width))
    return layout
