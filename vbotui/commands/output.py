"""What the commands print: a table for people, one JSON document or CSV for machines.

Records are dicts with the documented camelCase field names, in order. Times are datetimes until
printed: ISO 8601 UTC with `Z` in json and csv; local (or UTC with --utc) in a table. A table
cleans every cell (vbotui.textclean: server text never emits escape sequences) and fits the
terminal's width; it colours outcomes only on a terminal and never with NO_COLOR set. JSON escapes
control, bidi and invisible characters (still valid JSON, the same text once parsed); CSV holds the
server's text exactly, for machines.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import IO, Any

from vbotui.operations.audit import escape_unsafe
from vbotui.textclean import cell_width, clean, cut
from vbotui.timetext import in_zone, out_of_range, stamp, zoned_text

Record = Mapping[str, Any]

# Columns a table may narrow (with an ellipsis) to fit the terminal; the others keep their width.
SHRINKABLE = frozenset({"name", "job", "organization", "message", "details", "title", "text"})
MIN_WIDTH = 8
GAP = "  "
_COLOURS = {"done": "32", "refused": "1;31", "unknown": "1;35", "not_sent": "33"}


def iso_utc(value: datetime) -> str:
    utc = in_zone(value, timezone.utc)
    return stamp(utc, "%Y-%m-%dT%H:%M:%SZ") if utc is not None else out_of_range(value)


def machine_value(value: object) -> object:
    if isinstance(value, datetime):
        return iso_utc(value)
    return value


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)


def table_value(value: object, utc: bool) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if utc:
            return zoned_text(value, timezone.utc, "%Y-%m-%d %H:%MZ")
        return zoned_text(value, None, "%Y-%m-%d %H:%M")
    return clean(value)


def write_json(records: Sequence[Record], out: IO[str]) -> None:
    document = [{key: machine_value(value) for key, value in record.items()} for record in records]
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # Raw newlines are only the layout's (json escapes them in strings): escape the rest line by line.
    out.write("\n".join(escape_unsafe(line) for line in text.split("\n")) + "\n")


def write_csv(records: Sequence[Record], fields: Sequence[str], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([csv_value(record.get(field)) for field in fields])


def fit(widths: list[int], names: Sequence[str], total: int) -> list[int]:
    """Narrow the widest shrinkable columns until the row (with gaps) fits `total` cells."""
    widths = list(widths)
    room = total - len(GAP) * (len(widths) - 1)
    while sum(widths) > room:
        candidates = [i for i, name in enumerate(names) if name in SHRINKABLE and widths[i] > MIN_WIDTH]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


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
) -> None:
    rows = [[table_value(record.get(field), utc) for field in fields] for record in records]
    widths = [
        max([cell_width(header), *(cell_width(row[i]) for row in rows)]) for i, header in enumerate(headers)
    ]
    total = width if width is not None else shutil.get_terminal_size((160, 24)).columns
    widths = fit(widths, fields, total)
    colour = colour_enabled(out)

    def line(cells: Sequence[str], paint: bool = False) -> str:
        parts = []
        for index, (cell, size) in enumerate(zip(cells, widths, strict=True)):
            text = cut(cell, size)
            padded = text + " " * (size - cell_width(text)) if index < len(cells) - 1 else text
            if paint and fields[index] == "outcome" and cell in _COLOURS:
                padded = f"\x1b[{_COLOURS[cell]}m{padded}\x1b[0m"
            parts.append(padded)
        return GAP.join(parts).rstrip()

    if header:
        out.write(line(headers) + "\n")
    for row in rows:
        out.write(line(row, paint=colour) + "\n")


class Printer:
    """Prints records as the command's --output says."""

    def __init__(self, output: str, out: IO[str], *, utc: bool = False) -> None:
        self.output = output
        self.out = out
        self.utc = utc

    def records(
        self,
        records: Sequence[Record],
        fields: Sequence[str],
        headers: Sequence[str] | None = None,
        *,
        header: bool = True,
    ) -> None:
        if self.output == "json":
            write_json(records, self.out)
        elif self.output == "csv":
            write_csv(records, fields, self.out)
        else:
            titles = headers or [_header(field) for field in fields]
            write_table(records, fields, titles, self.out, utc=self.utc, header=header)
        self.out.flush()


def _header(field: str) -> str:
    """`lastStatus` -> `LAST STATUS`."""
    words = "".join(" " + ch if ch.isupper() else ch for ch in field)
    return words.upper()
