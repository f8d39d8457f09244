"""Python's cyclic garbage collector around the job list's polls.

A full collection walks every object the collector tracks, with the GIL held: with 10,000s of
jobs (each a `Job`, an index row, entries in the table's lists) it froze the UI for 100+ ms, and
a poll set one off nearly every time, because parsing a page allocates tens of thousands of
short-lived objects (the JSON of each job) that the young collections promote as if they lived.
So a poll runs with the collector paused (those objects are freed by their reference counts, as
every object without a cycle is) and the first complete list is frozen once: what is alive then
(modules, classes, the app's widgets, the jobs) is never walked by a collection again. Objects
frozen that later become unreachable in a cycle are not collected: once, at start-up, a bounded
cost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = 0  # nested pauses
_resume = True  # whether the collector was enabled when the outermost pause began
_frozen = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; the collector as it was afterwards (pauses nest)."""
    global _paused, _resume
    if not _paused:
        _resume = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if not _paused and _resume:
            gc.enable()


def freeze_once() -> None:
    """Move every object alive now out of the collector's sight (the first time only)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
