"""Filters over the simulator's record of the requests it received (`Simulator.requests`)."""

from __future__ import annotations

from typing import Any


def posts(sim: Any, verb: str | None = None) -> list[Any]:
    """The POSTs other than sign-in (`/token`); with `verb`, only those whose path ends in `/verb`."""
    found = [r for r in sim.requests if r.method == "POST" and not r.path.lower().endswith("/token")]
    if verb is not None:
        found = [r for r in found if r.path.lower().endswith("/" + verb.lower())]
    return found


def post_paths(sim: Any, verb: str) -> list[str]:
    """The paths of the POSTs ending in `/verb` (`start`, `stop`, `action`, ...)."""
    return [r.path for r in posts(sim, verb)]


def grants(sim: Any) -> list[str]:
    """The grant types of the token requests, in order (`password`, `refresh_token`)."""
    return [r.form["grant_type"] for r in sim.requests if r.form and "grant_type" in r.form]


def count(sim: Any, method: str, suffix: str, since: int = 0) -> int:
    """How many `method` requests whose path ends with `suffix` arrived after the first `since`."""
    return len([r for r in sim.requests[since:] if r.method == method and r.path.endswith(suffix)])
