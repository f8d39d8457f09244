"""Waiting for a condition, bounded by time, never a fixed sleep: in a Pilot-driven app, or anywhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from textual.pilot import Pilot

T = TypeVar("T")

APP_LIMIT_S = 15.0  # generous: a loaded CI machine or a parallel run is slow, never wrong
STEP_S = 0.02


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], object], what: str = "condition", limit_s: float = APP_LIMIT_S
) -> None:
    """Let the app run until `predicate()` holds; fail after `limit_s` seconds, saying what was awaited
    and which screens were up."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {limit_s:g} s waiting for {what}; screen stack: {pilot.app.screen_stack}"
            )
        await pilot.pause(STEP_S)


def wait_for(
    probe: Callable[[], T],
    check: Callable[[T], bool],
    what: str,
    limit_s: float = 30.0,
    step_s: float = 0.1,
) -> T:
    """Call `probe()` until `check(value)` holds and return that value; fail after `limit_s` seconds
    with the last value (e.g. a terminal's text) in the message."""
    deadline = time.monotonic() + limit_s
    while True:
        value = probe()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}; last seen:\n{value}")
        time.sleep(step_s)
