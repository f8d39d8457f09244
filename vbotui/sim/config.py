"""The simulator's configuration, its controllable clock and the record of requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from vbotui.api.dialects import VERSIONS

Clock = Callable[[], datetime]

ALL_VERSIONS: tuple[str, ...] = VERSIONS  # the client's list: the simulator serves every version


def real_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class SimConfig:
    """What a simulator serves and how it behaves. Every field has a usable default."""

    jobs: int = 300
    seed: int = 1
    user: str = "admin"
    password: str = "secret"
    token_ttl: float = 3600.0
    latency_ms: float = 0
    run_seconds: float = 20.0
    faults: Sequence[str] = ()
    data: Sequence[str] = ()  # data modes (data_modes.py): edge, hostile, logs-without-ids, quirks
    # Past sessions per job that has run (every 4 hours back from its last run); 0: two to five,
    # a day apart. Real jobs hold thousands (a year and a half of 4-hourly runs is 3,000).
    history: int = 0
    # Long logs: this many lines more in every session's log (written when it started), and this
    # many more a second while it runs (LongLog makes a line only when a page asks for it).
    log_lines: int = 0
    log_rate: float = 0.0
    trickle_seconds: float = 5.0  # a `trickle` fault's pause before each byte of an answer
    versions: Sequence[str] = ALL_VERSIONS
    # When set, explore fails with HTTP 500 and this message, as a server without the
    # Veeam Explorers does ("Restore session cannot be created.").
    explore_refusal: str | None = None
    # Returns an aware UTC datetime; state is computed from it on every request.
    clock: Clock | None = None
    # Prefix of the absolute hrefs of v3-v5 (e.g. "https://vbo.example:4443"); default: the request's.
    base_url: str | None = None
    # The record of requests keeps at most this many (the oldest half goes when it is full),
    # so a long-running vbotui-sim or demo does not grow without bound.
    record_limit: int = 100_000


class ManualClock:
    """A clock that moves only when told to: tests advance it instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the simulator received it (secrets included: it is a test tool)."""

    method: str
    path: str
    query: dict[str, str]
    json: object | None
    form: dict[str, str] | None
    headers: dict[str, str] = field(default_factory=dict)
