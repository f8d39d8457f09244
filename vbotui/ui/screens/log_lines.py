"""A session log's lines held compactly: each line is its cleaned text, its time as seconds and one
byte for its type (about 150 bytes a line, not a LogItem and a Rich Text of several hundred), and
is made a Text only when painted. Measured by benchmarks/bench_log_follow.py.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import overload

from rich.text import Text

from vbotui.api.models import LogItem
from vbotui.timetext import zoned_text

from ..safe_text import cell_width, clean

KIND_STYLES = {
    "error": "bold red",
    "failed": "bold red",
    "warning": "yellow",
    "stop": "magenta",
    "running": "cyan",
}
KINDS = ("", *KIND_STYLES)  # a line's type as one byte: its index here
TIME_CELLS = len("HH:MM:SS  ")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def line_text(text: str, kind: str, when: datetime | None, zone: tzinfo) -> Text:
    """`HH:MM:SS  [Type] message` (text already cleaned), coloured by its type."""
    line = Text(f"{zoned_text(when, zone, '%H:%M:%S') if when else '--:--:--'}  ", style="dim")
    line.append(text, style=KIND_STYLES.get(kind, ""))
    return line


class LogLines(Sequence[Text]):
    """The lines held, oldest first; `lines[i]` is line i as a Text in the zone `zone`."""

    def __init__(self, zone: tzinfo = timezone.utc) -> None:
        self.zone = zone
        self.texts: list[str] = []  # cleaned `[Type] message`: what search looks in
        self.times = array("d")  # seconds from EPOCH; NaN: no time
        self.kinds = bytearray()
        self.width = 0  # the widest line's cells

    @staticmethod
    def _row(item: LogItem) -> tuple[str, float, int]:
        kind = item.kind.lower()
        when = item.creation_time
        seconds = (when - EPOCH).total_seconds() if when is not None else math.nan
        return clean(item.text), seconds, KINDS.index(kind) if kind in KINDS else 0

    def _add(self, items: Iterable[LogItem], at_start: bool) -> int:
        rows = [self._row(item) for item in items]
        if not rows:
            return 0
        texts = [row[0] for row in rows]
        times = array("d", (row[1] for row in rows))
        kinds = bytearray(row[2] for row in rows)
        if at_start:
            self.texts[:0], self.times[:0], self.kinds[:0] = texts, times, kinds
        else:
            self.texts.extend(texts)
            self.times.extend(times)
            self.kinds.extend(kinds)
        self.width = max(self.width, TIME_CELLS + max(cell_width(text) for text in texts))
        return len(rows)

    def extend(self, items: Iterable[LogItem]) -> int:
        return self._add(items, at_start=False)

    def prepend(self, items: Iterable[LogItem]) -> int:
        return self._add(items, at_start=True)

    def clear(self) -> None:
        self.texts.clear()
        del self.times[:]
        self.kinds.clear()
        self.width = 0

    def __len__(self) -> int:
        return len(self.texts)

    def _line(self, index: int) -> Text:
        seconds = self.times[index]
        when = None if math.isnan(seconds) else EPOCH + timedelta(seconds=seconds)
        return line_text(self.texts[index], KINDS[self.kinds[index]], when, self.zone)

    @overload
    def __getitem__(self, index: int) -> Text: ...
    @overload
    def __getitem__(self, index: slice) -> list[Text]: ...
    def __getitem__(self, index: int | slice) -> Text | list[Text]:
        if isinstance(index, slice):
            return [self._line(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._line(index)

    def __iter__(self) -> Iterator[Text]:
        return (self._line(i) for i in range(len(self)))

    def find(self, term: str, start: int = 0) -> list[int]:
        """The line numbers from `start` on whose text holds `term` (any case)."""
        needle = term.lower()
        if not needle:
            return []
        texts = self.texts
        return [i for i in range(start, len(texts)) if needle in texts[i].lower()]


__all__ = ["KIND_STYLES", "LogLines", "line_text"]
