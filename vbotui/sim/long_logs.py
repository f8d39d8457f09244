"""Long session logs (`vbotui-sim --log-lines N --log-rate R`): a log of N lines more than the
planned run writes, growing R lines a second, whose lines are made when a page asks for them.

A page of a 300,000-line log costs what its lines cost: line i is computed from i (its id from
the seed, the session and i), never from a list of every line.

Layout: the planned run's first line; the N extra lines (written when the run started); then the
planned lines and the R-a-second lines by time (a planned line before a growing one at the same
time); a finished run's last line last.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import overload

from .sessions import SUCCESS, WARNING, SimLogItem

WARNING_EVERY = 97  # one extra line in this many is a warning, for search to find


class LongLog(Sequence[SimLogItem]):
    def __init__(
        self,
        seed: int,
        session_id: str,
        planned: list[SimLogItem],
        creation: datetime,
        reached_s: float,
        finished: bool,
        extra: int,
        rate: float,
    ) -> None:
        self.seed, self.session_id, self.creation = seed, session_id, creation
        self.first = planned[:1]
        self.last = planned[-1:] if finished and len(planned) > 1 else []
        middle = planned[1 : len(planned) - len(self.last)]
        self.extra = extra
        self.rate = rate
        self.growing = math.floor(max(0.0, reached_s) * rate) if rate > 0 else 0
        # Where each planned line lands among the growing ones (growing line k is at k/rate s, k >= 1).
        self.middle: list[tuple[int, SimLogItem]] = []
        for index, item in enumerate(middle):
            at_s = (item.creation_time - creation).total_seconds()
            before = min(self.growing, max(0, math.ceil(at_s * rate) - 1)) if rate > 0 else 0
            self.middle.append((index + before, item))
        self.merged = len(middle) + self.growing

    def __len__(self) -> int:
        return len(self.first) + self.extra + self.merged + len(self.last)

    def _made(self, index: int, kind: str, message: str, at: datetime) -> SimLogItem:
        rng = random.Random(f"{self.seed}:long-log:{self.session_id}:{index}")
        return SimLogItem(
            str(uuid.UUID(int=rng.getrandbits(128), version=4)), index + 1, kind, message, at, at
        )

    def _item(self, index: int) -> SimLogItem:
        if index < len(self.first):
            return self.first[0]
        place = index - len(self.first)
        if place < self.extra:
            kind = WARNING if place % WARNING_EVERY == WARNING_EVERY - 1 else SUCCESS
            what = f"Processing mailbox: user{place % 997:03d}@contoso.onmicrosoft.com"
            return self._made(index, kind, f"{what}: item {place + 1} of {self.extra} read", self.creation)
        place -= self.extra
        if place < self.merged:
            earlier_planned = 0
            for at, item in self.middle:
                if at == place:
                    return replace(item, usn=index + 1)
                if at < place:
                    earlier_planned += 1
            k = place - earlier_planned + 1
            kind = WARNING if k % WARNING_EVERY == 0 else SUCCESS
            at_time = self.creation + timedelta(seconds=k / self.rate)
            return self._made(index, kind, f"Processing item {k}: 1 item processed", at_time)
        return replace(self.last[0], usn=index + 1)

    @overload
    def __getitem__(self, index: int) -> SimLogItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[SimLogItem]: ...
    def __getitem__(self, index: int | slice) -> SimLogItem | list[SimLogItem]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._item(index)

    def __iter__(self) -> Iterator[SimLogItem]:
        return (self._item(i) for i in range(len(self)))


__all__ = ["LongLog"]
