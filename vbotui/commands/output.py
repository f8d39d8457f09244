"""What the commands print: a table for people, one JSON document or CSV for machines.

Records are dicts with the documented camelCase field names, in order. Times are datetimes until
printed: ISO 8601 UTC with `Z` in json and csv; local (or UTC with --utc) in a table. A table
(vbotui.commands.table) cleans every cell (vbotui.textclean: server text never emits escape
sequences) and, on a terminal, fits its width. JSON escapes control, bidi and invisible characters
(still valid JSON, the same text once parsed).

CSV is for spreadsheets and machines: a field is quoted when it holds a comma, a quote, a CR or an
LF (so every reader finds the records the writer wrote); a text cell that a spreadsheet would read
as a formula (it starts with = + - @, a tab or a CR) gets a leading ' (OWASP's advice against CSV
injection), unless `raw` (`--csv-raw`). On a terminal CSV is cleaned like a table (raw only to a
pipe or a file), with or without `raw`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import IO, Any

from vbotui.operations.audit import escape_unsafe
from vbotui.textclean import clean
from vbotui.timetext import in_zone, out_of_range, stamp

from .table import DROP_ORDER, terminal_width, write_table

Record = Mapping[str, Any]

# What a spreadsheet may take for the start of a formula (OWASP, "CSV Injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# A field holding one of these is quoted (CR too: csv.writer with lineterminator="\n" leaves it bare).
QUOTE_WHEN = (",", '"', "\r", "\n")


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


def neutralise(text: str) -> str:
    """`=HYPERLINK(...)` -> `'=HYPERLINK(...)`: shown as text by a spreadsheet, never evaluated."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_field(text: str) -> str:
    """One field, quoted (quotes doubled) only when it must be."""
    if any(mark in text for mark in QUOTE_WHEN):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_cell(value: object, *, raw: bool, terminal: bool) -> str:
    text = csv_value(value)
    if terminal:
        text = clean(text)
    if not raw and isinstance(value, str):  # server text; numbers, dates and flags are ours
        text = neutralise(text)
    return text


def write_json(records: Sequence[Record], out: IO[str]) -> None:
    document = [{key: machine_value(value) for key, value in record.items()} for record in records]
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # Raw newlines are only the layout's (json escapes them in strings): escape the rest line by line.
    out.write("\n".join(escape_unsafe(line) for line in text.split("\n")) + "\n")


def write_csv(
    records: Sequence[Record],
    fields: Sequence[str],
    out: IO[str],
    *,
    raw: bool = False,
    terminal: bool | None = None,
    header: bool = True,
) -> None:
    """A header row (not when `header` is False: a follow's later batches), then a row per record,
    each line ending in LF. `terminal` None: `out.isatty()`."""
    cleaned = _isatty(out) if terminal is None else terminal
    lines = [",".join(csv_field(field) for field in fields)] if header else []
    for record in records:
        cells = (csv_cell(record.get(field), raw=raw, terminal=cleaned) for field in fields)
        lines.append(",".join(csv_field(cell) for cell in cells))
    if lines:
        out.write("\n".join(lines) + "\n")


def _isatty(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except ValueError:
        return False


class Printer:
    """Prints records as the command's --output says; `notes` (stderr) hears what a fitted table
    left out, once per command."""

    def __init__(
        self,
        output: str,
        out: IO[str],
        *,
        utc: bool = False,
        csv_raw: bool = False,
        notes: IO[str] | None = None,
        label: str = "vbotui",
    ) -> None:
        self.output = output
        self.out = out
        self.utc = utc
        self.csv_raw = csv_raw
        self.notes = notes
        self.label = label
        self._noted = False

    def records(
        self,
        records: Sequence[Record],
        fields: Sequence[str],
        headers: Sequence[str] | None = None,
        *,
        header: bool = True,
        drops: Sequence[str] = DROP_ORDER,
    ) -> None:
        if self.output == "json":
            write_json(records, self.out)
        elif self.output == "csv":
            write_csv(records, fields, self.out, raw=self.csv_raw, header=header)
        else:
            titles = headers or [_header(field) for field in fields]
            write_table(
                records,
                fields,
                titles,
                self.out,
                utc=self.utc,
                width=terminal_width(self.out),
                header=header,
                drops=drops,
                note=self._note,
            )
        self.out.flush()

    def _note(self, text: str) -> None:
        if self._noted:
            return
        self._noted = True
        notes = self.notes if self.notes is not None else sys.stderr
        notes.write(f"{self.label}: {text}\n")
        notes.flush()


def _header(field: str) -> str:
    """`lastStatus` -> `LAST STATUS`."""
    words = "".join(" " + ch if ch.isupper() else ch for ch in field)
    return words.upper()
