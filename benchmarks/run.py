"""The performance goals of issue 10, each measured beside its floor in the same run.

    python benchmarks/run.py [--quick] [--repeats N] [--json PATH]

The app runs as an operator meets it: `vbotui` in a real pseudo-terminal (stdlib `pty`) at
120x40, `TERM=xterm-256color`, through `benchmarks/_app.py` (an event-loop lag monitor and the
peak RSS, no app code changed). 100-10,000 jobs: `vbotui --demo --demo-latency-ms 0`; 50,000 and
the polls: `vbotui --server http://127.0.0.1:PORT` against the simulator in another process
(`benchmarks/_sim_server.py`), so that the simulator's own rendering is not on the app's loop.
The floor is a bare Textual app that paints one line (and, for bytes, a plain DataTable).

Paint times are from spawning the process (or sending the key) to the last byte of the burst the
terminal receives (the output then stays quiet); ratios are taken within one run, so the
machine's noise (2 shared cores here) mostly cancels. Nothing here asserts a time.
Prints a table and writes JSON (default benchmarks/results.json). Full: a few minutes; --quick:
about a minute (no 50,000, one repeat). Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import platform
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

COLS, ROWS = 120, 40
WAIT_LIMIT_S = 120.0
QUIET_S = 0.25  # no byte for this long: the burst is over


class Pty:
    """One process on a pseudo-terminal of COLSxROWS; bytes read as they come, with times."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.buffer = bytearray()
        self.last_byte = self.start
        self.total = 0

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            raise EOFError("the process closed its terminal") from None
        if not data:
            raise EOFError("the process closed its terminal")
        self.buffer += data
        self.total += len(data)
        self.last_byte = time.perf_counter()
        return True

    def wait_for(self, pattern: bytes, limit: float = WAIT_LIMIT_S) -> float:
        """Until `pattern` (a regex) is in what came since the last mark; returns that moment."""
        regex = re.compile(pattern)
        deadline = time.perf_counter() + limit
        while not regex.search(self.buffer):
            if time.perf_counter() > deadline:
                tail = bytes(self.buffer[-400:])
                raise TimeoutError(f"timed out waiting for {pattern!r}; last bytes {tail!r}")
            self._read(deadline - time.perf_counter())
        return self.last_byte

    def answer(self, quiet_s: float = QUIET_S, limit: float = 30.0) -> float:
        """After a key: wait for its first byte (bounded), then until quiet; the last byte's time."""
        deadline = time.perf_counter() + limit
        before = self.total
        while self.total == before and time.perf_counter() < deadline:
            self._read(deadline - time.perf_counter())
        return self.quiet(quiet_s)

    def quiet(self, quiet_s: float = QUIET_S, limit: float = WAIT_LIMIT_S) -> float:
        """Until nothing comes for `quiet_s`; returns the time of the last byte."""
        deadline = time.perf_counter() + limit
        while self._read(min(quiet_s, deadline - time.perf_counter())):
            if time.perf_counter() > deadline:
                break
        return self.last_byte

    def mark(self) -> int:
        """Forget what came so far; returns the byte count up to here."""
        self.buffer.clear()
        return self.total

    def send(self, keys: bytes) -> float:
        self.mark()
        moment = time.perf_counter()
        os.write(self.master, keys)
        return moment

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.write(self.master, b"\x11")  # ctrl+q
                self.proc.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own child's group only
                self.proc.wait(timeout=5)
        os.close(self.master)


@dataclass
class Figures:
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, key: str, value: float, unit: str) -> None:
        row = self.rows.setdefault(key, {"unit": unit, "samples": []})
        row["samples"].append(value)

    def median(self, key: str) -> float | None:
        row = self.rows.get(key)
        return statistics.median(row["samples"]) if row and row["samples"] else None


class Bench:
    def __init__(self, quick: bool, repeats: int, before: str = "") -> None:
        self.quick, self.repeats = quick, repeats
        self.trees = [("", HERE)] + ([("before: ", os.path.join(before, "benchmarks"))] if before else [])
        self.tree = HERE  # whose _app.py (and so whose vbotui) runs
        self.tmp = tempfile.mkdtemp(prefix="vbotui-bench-")
        self.lag_file = os.path.join(self.tmp, "lag.json")
        self.env = dict(
            os.environ,
            TERM="xterm-256color",
            COLUMNS=str(COLS),
            LINES=str(ROWS),
            VBOTUI_CONFIG=os.path.join(self.tmp, "none.toml"),
            XDG_CONFIG_HOME=self.tmp,
            XDG_STATE_HOME=self.tmp,
            XDG_DATA_HOME=self.tmp,
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
            VBOTUI_PASSWORD="secret",
            TEXTUAL_ANIMATIONS="none",
        )
        # PYTHONDONTWRITEBYTECODE (set on some CI and build machines) would have every start
        # compile vbotui's ~70 modules from source (~100 ms): an installed vbotui has its
        # bytecode, and so do Textual and the bare app. Each tree's bytecode is made once here.
        for name in ("NO_COLOR", "TMUX", "SSH_TTY", "TEXTUAL", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(name, None)
        for _, tree in self.trees:
            package = os.path.join(os.path.dirname(tree), "vbotui")
            subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=self.env, check=False)
        self.figures = Figures()

    # ----- processes -----
    def app(self, *args: str) -> Pty:
        return Pty([sys.executable, os.path.join(self.tree, "_app.py"), self.lag_file, *args], self.env)

    def demo(self, jobs: int) -> Pty:
        return self.app("vbotui", "--demo", "--demo-jobs", str(jobs), "--demo-latency-ms", "0")

    def lag(self, pty: Pty, reset: bool = False) -> dict[str, float]:
        if reset:
            os.kill(pty.proc.pid, signal.SIGUSR1)
            return {}
        if os.path.exists(self.lag_file):
            os.remove(self.lag_file)
        os.kill(pty.proc.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.lag_file) or not os.path.getsize(self.lag_file):
            if time.monotonic() > deadline:
                raise TimeoutError("no lag figures from the app")
            pty.quiet(0.05, 0.2)
        time.sleep(0.05)
        with open(self.lag_file) as data:
            result: dict[str, float] = json.load(data)
        return result

    def sim(self, jobs: int, latency_ms: float = 0, history: int = 0) -> tuple[subprocess.Popen[bytes], int]:
        from _common import free_port

        port = free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                os.path.join(HERE, "_sim_server.py"),
                *(str(port), str(jobs), str(latency_ms), str(history)),
            ],
            env=self.env,
            start_new_session=True,
        )
        import socket

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return proc, port
            time.sleep(0.1)
        proc.kill()
        raise TimeoutError("the simulator did not start")

    @staticmethod
    def jobs_painted(jobs: int) -> bytes:
        return rb"(?<!of )" + str(jobs).encode() + rb" jobs"

    @classmethod
    def first_screenful(cls, jobs: int) -> bytes:
        """The header of a list painted progressively ("500 so far"), or of the whole list."""
        return rb"\d+ (?:of \d+ )?so far|" + cls.jobs_painted(jobs)

    # ----- goal 1 and 2: start-up and first paint -----
    def startup(self) -> None:
        sizes = [100, 1000, 10_000]
        for _ in range(self.repeats):
            pty = self.app("bare")
            try:
                pty.wait_for(rb"bare textual ready")
                self.figures.add("bare Textual app: start -> painted", pty.quiet() - pty.start, "s")
            finally:
                pty.close()
            for prefix, tree in self.trees:
                self.tree = tree
                for n in sizes:
                    pty = self.demo(n)
                    try:
                        first = pty.wait_for(self.first_screenful(n)) - pty.start
                        self.figures.add(f"{prefix}demo {n:,} jobs: start -> first screenful", first, "s")
                        pty.wait_for(self.jobs_painted(n))
                        painted = pty.quiet() - pty.start
                        self.figures.add(f"{prefix}demo {n:,} jobs: start -> painted list", painted, "s")
                        if n == 10_000:
                            rss = self.lag(pty)["rss_peak_kb"] / 1024
                            self.figures.add(f"{prefix}demo 10,000 jobs: peak RSS", rss, "MB")
                            self.in_list(pty, n, prefix)
                    finally:
                        pty.close()
            self.tree = HERE

    def in_list(self, pty: Pty, n: int, prefix: str = "") -> None:
        """Cursor moves (bytes, with what they cause), then filter keystrokes, in a painted list."""
        label = f"{n:,}"
        add = self.figures.add

        def figure(key: str, value: float, unit: str) -> None:
            add(prefix + key, value, unit)

        pty.quiet(0.8)
        pty.mark()
        pty.wait_for(rb"updated \d+ s ago", limit=5)  # the header's clock, once a second
        pty.quiet(0.1)
        count = pty.mark()
        pty.wait_for(rb"updated \d+ s ago", limit=5)
        pty.quiet(0.1)
        figure(f"idle, {label}: bytes per second (the header's clock)", pty.total - count, "B")
        for _ in range(5):
            # Right after a clock tick, so that the next one (1 s later) is not counted.
            pty.mark()
            pty.wait_for(rb"updated \d+ s ago", limit=5)
            pty.quiet(0.05)
            pty.send(b"j")
            before = pty.total
            pty.quiet(0.1)  # the move itself (the sessions come after a 0.3 s debounce)
            figure(f"cursor move, {label}: bytes (the move)", pty.total - before, "B")
            pty.quiet(0.3, limit=0.7)  # and the sessions painted when they arrive, before the next tick
            figure(f"cursor move, {label}: bytes (with its sessions)", pty.total - before, "B")
        # Filter keystrokes: "/" focuses the box, then each key filters; ctrl+u clears.
        pty.send(b"/")
        pty.quiet()
        for key, case in (
            (b"t", "filter keystroke 't'"),
            (b"e", "filter keystroke 'e'"),
            (b"\x15", "clear the filter (ctrl+u)"),
        ):
            self.lag(pty, reset=True)
            sent = pty.send(key)
            done = pty.answer(0.12)  # the list's burst (the detail's sessions come 0.3 s later)
            figure(f"{case}, {label}: key -> repainted", done - sent, "s")
            figure(f"{case}, {label}: longest loop block", self.lag(pty)["max_block_s"], "s")
        pty.send(b"\r")
        pty.quiet()

    # ----- 50,000 and polls: the simulator in its own process -----
    def server_sizes(self) -> list[int]:
        return [10_000] if self.quick else [10_000, 50_000]

    def against_sim(self) -> None:
        for prefix, tree in self.trees:
            self.tree = tree
            try:
                self._against_sim(prefix)
            finally:
                self.tree = HERE

    def _against_sim(self, prefix: str) -> None:
        add = self.figures.add

        def figure(key: str, value: float, unit: str) -> None:
            add(prefix + key, value, unit)

        for n in self.server_sizes():
            sim, port = self.sim(n)
            try:
                pty = self.app(
                    "vbotui",
                    "--server",
                    f"http://127.0.0.1:{port}",
                    "--user",
                    "admin",
                    "--api-version",
                    "v8",
                    "--refresh",
                    "3600",
                )
                try:
                    label = f"{n:,}"
                    first = pty.wait_for(self.first_screenful(n), limit=300) - pty.start
                    figure(f"server {label} jobs: start -> first screenful", first, "s")
                    pty.wait_for(self.jobs_painted(n), limit=300)
                    painted = pty.quiet() - pty.start
                    figure(f"server {label} jobs: start -> painted list", painted, "s")
                    rss = self.lag(pty)["rss_peak_kb"] / 1024
                    figure(f"server {label} jobs: peak RSS", rss, "MB")
                    pty.quiet(1.0)
                    for _ in range(self.repeats):
                        os.kill(sim.pid, signal.SIGUSR1)  # 10% of the jobs change
                        self.lag(pty, reset=True)
                        sent = pty.send(b"\x12")  # ctrl+r
                        # The poll is over when the header says so (a 50,000-job read takes seconds,
                        # longer than any quiet); what it frees afterwards is counted for 3 s more.
                        pty.wait_for(rb"updated 0 s ago", limit=120)
                        done = pty.quiet(0.3, limit=1.0)
                        figure(f"poll, 10% changed, {label}: ctrl+r -> repainted", done - sent, "s")
                        settled = time.monotonic() + 3
                        while time.monotonic() < settled:
                            pty.quiet(0.5, limit=settled - time.monotonic())
                        figure(
                            f"poll, 10% changed, {label}: longest loop block",
                            self.lag(pty)["max_block_s"],
                            "s",
                        )
                    if n == 50_000:
                        self.in_list(pty, n, prefix)
                finally:
                    pty.close()
            finally:
                sim.terminate()
                sim.wait(timeout=10)

    # ----- bytes floor: a plain DataTable -----
    def table_floor(self) -> None:
        pty = self.app("bare-table", "1000")
        try:
            pty.wait_for(rb"bare table 1000 rows")
            pty.quiet(0.5)
            for _ in range(5):
                before = pty.total
                pty.send(b"\x1b[B")  # down (DataTable has no j)
                pty.quiet(0.3)
                self.figures.add("plain DataTable: bytes per cursor move", pty.total - before, "B")
        finally:
            pty.close()

    # ----- goal 5: bulk -----
    def bulk(self) -> None:
        count = 200 if self.quick else 1000
        one_by_one = 40 if self.quick else 100
        latency = 50.0
        for concurrency, n in ((8, count), (1, one_by_one)):
            wall, block = asyncio.run(bulk_once(n, concurrency, latency))
            ideal = n * latency / 1000 / concurrency
            case = f"bulk start {n}, concurrency {concurrency}, 50 ms"
            self.figures.add(f"{case}: wall", wall, "s")
            self.figures.add(f"{case}: ideal", ideal, "s")
            self.figures.add(f"{case}: longest loop block", block, "s")


async def bulk_once(count: int, concurrency: int, latency_ms: float) -> tuple[float, float]:
    """A bulk start through the app's own path (JobActions.run_bulk), in process, with a lag
    monitor on the same loop (the simulator only sleeps there: asyncio.sleep)."""
    import httpx
    from _common import SIM_PASSWORD, SIM_START, SIM_USER

    from vbotui.api.client import VboClient
    from vbotui.operations import ActivityLog, JobActions, ServerOperations
    from vbotui.sim import ManualClock, SimConfig, Simulator

    sim = Simulator(
        SimConfig(
            jobs=max(2 * count, 100),
            seed=1,
            user=SIM_USER,
            password=SIM_PASSWORD,
            latency_ms=latency_ms,
            clock=ManualClock(SIM_START),
        )
    )
    client = VboClient("http://sim.test", "v8", transport=httpx.ASGITransport(app=sim.app))
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    state = {"max": 0.0}

    async def monitor() -> None:
        while True:
            begin = time.perf_counter()
            await asyncio.sleep(0.002)
            state["max"] = max(state["max"], time.perf_counter() - begin - 0.002)

    try:
        jobs = [job for job in await client.list_jobs() if job.is_enabled][:count]
        assert len(jobs) == count
        actions = JobActions(
            ServerOperations(client, ActivityLog(lambda: SIM_START, time.monotonic)), concurrency=concurrency
        )
        free = actions.claim("start", jobs)
        task = asyncio.create_task(monitor())
        start = time.perf_counter()
        await actions.run_bulk("start", free)
        wall = time.perf_counter() - start
        task.cancel()
        return wall, state["max"]
    finally:
        await client.aclose()


# (goal, figure, floor or None, target: ("ratio", x) against the floor, or ("max", value))
GOALS: list[tuple[str, str, str | None, tuple[str, float]]] = [
    (
        "1 start-up, 1,000 jobs",
        "demo 1,000 jobs: start -> painted list",
        "bare Textual app: start -> painted",
        ("ratio", 1.3),
    ),
    # The first paint may be progressive (issue 10): the first screenful, the rest while it loads.
    (
        "2 first paint, 10,000",
        "demo 10,000 jobs: start -> first screenful",
        "demo 100 jobs: start -> first screenful",
        ("ratio", 1.5),
    ),
    (
        "2 first paint, 50,000",
        "server 50,000 jobs: start -> first screenful",
        "demo 100 jobs: start -> first screenful",
        ("ratio", 2.0),
    ),
    ("3 filter key, 10,000", "filter keystroke 't', 10,000: key -> repainted", None, ("max", 0.030)),
    ("3 filter key, 10,000", "filter keystroke 'e', 10,000: key -> repainted", None, ("max", 0.030)),
    ("3 clear filter, 10,000", "clear the filter (ctrl+u), 10,000: key -> repainted", None, ("max", 0.030)),
    ("3 filter key, 50,000", "filter keystroke 't', 50,000: key -> repainted", None, ("max", 0.100)),
    ("3 clear filter, 50,000", "clear the filter (ctrl+u), 50,000: key -> repainted", None, ("max", 0.100)),
    ("4 poll 10%, 10,000", "poll, 10% changed, 10,000: longest loop block", None, ("max", 0.050)),
    ("4 poll 10%, 50,000", "poll, 10% changed, 50,000: longest loop block", None, ("max", 0.100)),
    (
        "5 bulk 1,000 wall",
        "bulk start 1000, concurrency 8, 50 ms: wall",
        "bulk start 1000, concurrency 8, 50 ms: ideal",
        ("ratio", 1.2),
    ),
    ("5 bulk 1,000 block", "bulk start 1000, concurrency 8, 50 ms: longest loop block", None, ("max", 0.050)),
    ("6 RSS, 10,000", "demo 10,000 jobs: peak RSS", None, ("max", 150)),
    ("6 RSS, 50,000", "server 50,000 jobs: peak RSS", None, ("max", 300)),
    (
        "7 bytes per move",
        "cursor move, 10,000: bytes (the move)",
        "plain DataTable: bytes per cursor move",
        ("max", 1500),
    ),
    ("7 bytes per move", "cursor move, 10,000: bytes (with its sessions)", None, ("max", 1500)),
    (
        "23 rest on 5 rows, 3,000",
        "JobSessions bytes while resting on 5 rows, 3,000-session histories",
        None,
        ("max", 100_000),
    ),
    (
        "23 sessions screen bytes",
        "sessions screen, first screenful, 3,000-session histories: JobSessions bytes",
        None,
        ("max", 50_000),
    ),
    (
        "23 sessions screen time",
        "sessions screen, first screenful, 3,000-session histories: enter -> shown",
        "sessions screen, first screenful, 10-session histories: enter -> shown",
        ("ratio", 1.2),
    ),
]


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:,.0f} {unit}"


def report(figures: Figures, args: argparse.Namespace, seconds: float) -> dict[str, Any]:
    print(
        f"\n# benchmarks/run.py{' --quick' if args.quick else ''}: {datetime.now():%Y-%m-%d %H:%M}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {COLS}x{ROWS} pty, {seconds:.0f} s"
    )
    width = max(len(key) for key in figures.rows)
    print(f"{'figure':<{width}}  {'median':>10}  {'min':>10}  reps")
    for key, row in figures.rows.items():
        print(
            f"{key:<{width}}  {fmt(statistics.median(row['samples']), row['unit']):>10}  "
            f"{fmt(min(row['samples']), row['unit']):>10}  {len(row['samples']):>4}"
        )
    print()
    befores = [key for key in figures.rows if key.startswith("before: ")]
    if befores:
        print(f"{'after / before (same run)':<{width}}  {'before':>10}  {'after':>10}  ratio")
        for key in befores:
            after_key = key.removeprefix("before: ")
            after, before = figures.median(after_key), figures.median(key)
            if after is None or not before:
                continue
            unit = figures.rows[key]["unit"]
            change = after / before
            print(f"{after_key:<{width}}  {fmt(before, unit):>10}  {fmt(after, unit):>10}  {change:.2f}")
        print()
    goals = []
    print(f"{'goal':<24}  {'figure':>10}  {'floor':>10}  {'ratio':>6}  {'target':>9}  met")
    for goal, key, floor_key, (kind, target) in GOALS:
        value = figures.median(key)
        if value is None and "1000" in key:  # quick mode's bulk is smaller
            key = key.replace("1000", "200")
            floor_key = floor_key.replace("1000", "200") if floor_key else None
            value = figures.median(key)
        if value is None:
            continue
        unit = figures.rows[key]["unit"]
        floor = figures.median(floor_key) if floor_key else None
        ratio = value / floor if floor else None
        met = (ratio is not None and ratio <= target) if kind == "ratio" else value <= target
        shown_target = f"<= {target}x" if kind == "ratio" else f"<= {fmt(target, unit)}"
        print(
            f"{goal:<24}  {fmt(value, unit):>10}  {fmt(floor, unit) if floor_key else '':>10}  "
            f"{f'{ratio:.2f}' if ratio else '':>6}  {shown_target:>9}  {'yes' if met else 'NO'}"
        )
        goals.append(
            {
                "goal": goal,
                "figure": key,
                "value": value,
                "unit": unit,
                "floor": floor,
                "ratio": ratio,
                "target": shown_target,
                "met": met,
            }
        )
    sys.stdout.flush()
    return {
        "when": datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "size": [COLS, ROWS],
        "figures": figures.rows,
        "goals": goals,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, no 50,000 (about a minute)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--json", default=os.path.join(HERE, "results.json"))
    parser.add_argument("--only", default="", help="comma list of parts: startup,sim,floor,bulk,history")
    parser.add_argument(
        "--before",
        default="",
        metavar="CHECKOUT",
        help="also run the demo parts from another checkout (e.g. a git worktree of an "
        "older commit), alternating in the same run; its figures start with 'before:'",
    )
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    from bench_history import history_figures

    bench = Bench(args.quick, args.repeats or (1 if args.quick else 3), args.before)
    began = time.perf_counter()
    parts: dict[str, Callable[[], None]] = {
        "startup": bench.startup,
        "floor": bench.table_floor,
        "sim": bench.against_sim,
        "bulk": bench.bulk,
        "history": lambda: history_figures(bench),
    }
    chosen = [p for p in args.only.split(",") if p] or list(parts)
    for name in chosen:
        print(f"... {name}", file=sys.stderr, flush=True)
        parts[name]()
    result = report(bench.figures, args, time.perf_counter() - began)
    with open(args.json, "w") as out:
        json.dump(result, out, indent=1)
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
