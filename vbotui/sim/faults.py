"""Fault injection: a small spec language for failures a real server or network produces.

Grammar (case-insensitive kinds; whitespace not allowed):

    SPEC  := KIND [ "x" COUNT ] [ "@" [ METHOD ":" ] GLOB [ "x" COUNT ] ]
    KIND  := NNN            an HTTP error status 400-599, answered with the version's error body
           | "timeout"      never answers (sleeps an hour: past any client timeout)
           | "drop"         closes the connection without a response, before handling
           | "drop-after"   handles the request (the action happens), then drops the response
           | "malformed"    answers 200 with a body that is not JSON (labelled application/json)
           | "html"         answers 200 with a proxy's HTML sign-in page (text/html)
           | "deep"         answers 200 with JSON nested far deeper than any parser follows
           | "malformed-after" / "deep-after"
                            handles the request (the action happens), then answers 200 with the
                            body of "malformed" / "deep" instead of its own
           | "expire-token" the matching request's access token counts as expired from now on
                            (only requests that carry a token match)
           | "trickle"      handles the request, then sends its answer one byte every 5 s
                            (--trickle-seconds)
           | "endless"      answers 200 with a JSON page whose results never end (until the client
                            hangs up)
           | "repeat-pages" ignores `offset` (every page is the first), says each page is full
                            and links `next` to the page itself, as a server that pages for ever
    GLOB  := a shell glob on the path, case-insensitive, `*` spans "/" (default: every path)
    COUNT := how many matching requests the fault hits (default: all of them)

Examples: `500`, `500x1@/v8/Jobs/*/start`, `drop@POST:/v3/jobs/*/action`, `timeout@/v*/Jobs`,
`expire-tokenx1`, `malformed@GET:/v8/Jobs`, `html@GET:/v8/Jobs`, `malformed-afterx1@POST:/v8/Jobs/*/start`,
`trickle@GET:/v8/Jobs`, `endless@GET:/v8/Jobs`, `repeat-pages@GET:/v8/JobSessions/*/LogItems`.
Faults are tried in order; the first match applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

KINDS = (
    "timeout",
    "drop-after",
    "drop",
    "malformed-after",
    "malformed",
    "html",
    "deep-after",
    "deep",
    "expire-token",
    "trickle",
    "endless",
    "repeat-pages",
)
_SPEC = re.compile(
    r"^(?P<kind>\d{3}|" + "|".join(re.escape(kind) for kind in KINDS) + ")"
    r"(?:x(?P<count>\d+))?(?:@(?P<target>.+))?$",
    re.IGNORECASE,
)
_METHOD = re.compile(r"^(?P<method>[A-Za-z]+):(?P<glob>/.*)$")
_TRAILING_COUNT = re.compile(r"^(?P<glob>.*?)x(?P<count>\d+)$")

ERROR_MESSAGES = {
    500: "An unexpected error occurred on the server.",
    502: "Bad Gateway.",
    503: "The service is unavailable.",
    504: "Gateway Timeout.",
}


@dataclass
class Fault:
    kind: str  # "status", or one of KINDS
    spec: str
    status: int | None = None
    method: str | None = None
    glob: str = "*"
    remaining: int | None = None  # None: unlimited

    @property
    def message(self) -> str:
        return ERROR_MESSAGES.get(self.status or 500, f"Simulated error {self.status}.")

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method and self.method != method.upper():
            return False
        return fnmatchcase(path.lower(), self.glob.lower())


def parse_fault(spec: str) -> Fault:
    """Parse one fault spec; a ValueError says what is wrong with it."""
    text = spec.strip()
    match = _SPEC.match(text)
    if not match:
        raise ValueError(
            f"bad fault spec {spec!r}: expected KIND[xCOUNT][@[METHOD:]GLOB], "
            f"KIND one of NNN (HTTP status), {', '.join(KINDS)}"
        )
    kind = match["kind"].lower()
    fault = Fault(kind="status" if kind.isdigit() else kind, spec=text)
    if kind.isdigit():
        fault.status = int(kind)
        if not 400 <= fault.status <= 599:
            raise ValueError(f"bad fault spec {spec!r}: status must be 400-599, not {fault.status}")
    count = match["count"]
    target = match["target"]
    if target is not None:
        trailing = _TRAILING_COUNT.match(target)
        if trailing and count is None:
            target, count = trailing["glob"], trailing["count"]
        with_method = _METHOD.match(target)
        if with_method:
            fault.method, target = with_method["method"].upper(), with_method["glob"]
        if not target.startswith("/") and target != "*":
            raise ValueError(f"bad fault spec {spec!r}: the path glob must start with '/' (got {target!r})")
        fault.glob = target
    if count is not None:
        fault.remaining = int(count)
        if fault.remaining < 1:
            raise ValueError(f"bad fault spec {spec!r}: COUNT must be at least 1")
    return fault


class FaultPlan:
    def __init__(self, specs: Iterable[str]) -> None:
        self.faults = [parse_fault(spec) for spec in specs]

    def add(self, spec: str) -> Fault:
        fault = parse_fault(spec)
        self.faults.append(fault)
        return fault

    def take(self, method: str, path: str, has_token: bool) -> Fault | None:
        """The first fault that hits this request, its count used up by one."""
        for fault in self.faults:
            if fault.kind == "expire-token" and not has_token:
                continue
            if fault.matches(method, path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None
