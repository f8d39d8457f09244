"""Shared bits of the benchmark scripts: argument parsing, timing, a figures table.

Not a test helper: the scripts print figures, they never assert on times.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Make `import vbotui` work when run as `python benchmarks/x.py` from a checkout.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

SIM_USER, SIM_PASSWORD = "admin", "secret"
SIM_START = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats (under ~30 s)")
    parser.add_argument("--repeats", type=int, default=None, help="override the number of repeats")
    parser.add_argument("--sizes", default="", help="comma-separated job counts instead of the default ones")
    return parser.parse_args(argv)


def header(title: str) -> None:
    cpus = os.cpu_count()
    print(f"# {title}")
    print(
        f"# {datetime.now().strftime('%Y-%m-%d %H:%M')}  Python {platform.python_version()}  "
        f"{platform.system()} {platform.machine()}  {cpus} CPUs"
    )


@dataclass
class Row:
    """One measured case: its samples, and optionally a second figure per sample (`extra`)."""

    case: str
    n: str
    samples: list[float] = field(default_factory=list)
    extra: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""


class Table:
    """Rows keyed by (case, N), printed as median and min of the repeats.

    `unit` "s" prints times (us/ms/s); anything else prints the number with that unit, e.g. "req/s".
    `extra_title` names the optional second figure (printed as its median).
    """

    def __init__(self, extra_title: str = "") -> None:
        self.rows: dict[tuple[str, str], Row] = {}
        self.extra_title = extra_title

    def row(self, case: str, n: object, unit: str = "s") -> Row:
        key = (case, str(n))
        if key not in self.rows:
            self.rows[key] = Row(case, str(n), unit=unit)
        return self.rows[key]

    def add(self, case: str, n: object, value: float, extra: float | None = None, unit: str = "s") -> None:
        row = self.row(case, n, unit)
        row.samples.append(value)
        if extra is not None:
            row.extra.append(extra)

    def note(self, case: str, n: object, note: str) -> None:
        self.row(case, n).note = note

    def print(self) -> None:
        rows = list(self.rows.values())
        cw = max([len("case")] + [len(r.case) for r in rows])
        nw = max([len("N")] + [len(r.n) for r in rows])
        ew = max(len(self.extra_title), 10) if self.extra_title else 0
        extra_head = f"  {self.extra_title:>{ew}}" if ew else ""
        print(f"{'case':<{cw}}  {'N':>{nw}}  {'median':>10}  {'min':>10}{extra_head}  reps  note")
        print(f"{'-' * cw}  {'-' * nw}  {'-' * 10}  {'-' * 10}{'  ' + '-' * ew if ew else ''}  ----  ----")
        for r in rows:
            med = fmt(statistics.median(r.samples), r.unit) if r.samples else "-"
            low = fmt(min(r.samples), r.unit) if r.samples else "-"
            extra = ""
            if ew:
                extra = f"  {fmt(statistics.median(r.extra), r.unit) if r.extra else '':>{ew}}"
            print(f"{r.case:<{cw}}  {r.n:>{nw}}  {med:>10}  {low:>10}{extra}  {len(r.samples):>4}  {r.note}")
        sys.stdout.flush()


def fmt(value: float, unit: str) -> str:
    return fmt_s(value) if unit == "s" else f"{value:,.0f} {unit}"


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


class Budget:
    """A wall-clock budget for a whole script: `expired` stops further repeats (never mid-case)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
