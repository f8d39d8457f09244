"""The real app's job list against the in-process simulator: start, refresh, filter, mark, G.

    python benchmarks/bench_job_list.py [--quick]

`VboApp` with a real `VboClient` over `httpx.ASGITransport(app=sim.app)` (latency 0), driven
headless by Textual's Pilot at 120x40. Each repeat is one fresh app session in which every case
runs once; a case's time is from the first key press (or app start) until the change is in the
table and the app is idle again (Pilot's `pause()`), so it includes Pilot's own pacing; the
`j` line shows the floor. `JobTable.load` and `JobTable.rebuild` are wrapped (on the class, for
the session) to time the table work alone; no app code is changed.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from _common import SIM_PASSWORD, SIM_START, SIM_USER, Budget, Table, header, parse_args
from textual import events

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.widgets.job_table import JobTable

SIZE = (120, 40)
FILTER = "teams"  # one job template of twelve: ~8% of the jobs
WAIT_LIMIT_S = 120.0  # no single wait may take longer than this


async def wait_for(pilot: Any, predicate: Any, what: str, step: float = 0.002) -> None:
    """Poll (bounded in time) until `predicate()` holds."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def main_screen(app: VboApp) -> MainScreen | None:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    return None


def change_one_percent(sim: Simulator, round_no: int) -> int:
    """Flip the last status of every 100th job (a different 1% each round)."""
    jobs = list(sim.jobs.values())
    changed = 0
    for job in jobs[round_no % 100 :: 100]:
        job.last_status = "Warning" if job.last_status != "Warning" else "Success"
        job.etag += 1
        changed += 1
    return changed


def send_key(app: VboApp, key: str) -> None:
    """Post one key event as Pilot.press does, without Pilot's idle waits around it."""
    chars = {"asterisk": "*", "slash": "/", "enter": "\r", "escape": "\x1b"}
    char = chars.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def one_session(version: str, n: int, table: Table, round_no: int) -> None:
    clock = ManualClock(SIM_START)
    config = SimConfig(jobs=n, seed=1, user=SIM_USER, password=SIM_PASSWORD, latency_ms=0, clock=clock)
    sim = Simulator(config)
    client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=sim.app))
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    app = VboApp(client, "sim.test", clock=clock, monotonic=lambda: 0.0, refresh_s=3600.0)
    label = f"{version} {n:,}"
    loads: list[float] = []  # seconds spent in each JobTable.load (the diff, no HTTP)

    rebuilds: list[float] = []  # seconds in each JobTable.rebuild (clear + add every shown row + sort)
    original_load, original_rebuild = JobTable.load, JobTable.rebuild

    def load(self: JobTable, *args: Any, **kwargs: Any) -> None:
        begin = time.perf_counter()
        original_load(self, *args, **kwargs)
        loads.append(time.perf_counter() - begin)

    def rebuild(self: JobTable) -> None:
        begin = time.perf_counter()
        original_rebuild(self)
        rebuilds.append(time.perf_counter() - begin)

    # Instrumented on the class for this session only (restored below); the app code is not changed.
    JobTable.load, JobTable.rebuild = load, rebuild  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: main_screen(app) is not None, "main screen")
            screen = main_screen(app)
            assert screen is not None
            jobs = screen.jobs
            await wait_for(pilot, lambda: screen.loaded and jobs.row_count == n, "all rows")
            shown = time.perf_counter() - start
            await pilot.pause()
            table.add("app start -> all rows", label, shown, time.perf_counter() - start)
            table.add("  of which JobTable.load (first fill)", label, loads[0], None)
            table.note(
                "  of which JobTable.load (first fill)",
                label,
                f"{len(rebuilds)} rebuild(s) by then, {sum(rebuilds) * 1e3:.0f} ms in all",
            )
            await pilot.pause(0.4)  # let the detail pane's debounced session load pass

            async def key(case: str, name: str, until: Any) -> None:
                begin = time.perf_counter()
                send_key(app, name)
                await wait_for(pilot, until, case)
                changed = time.perf_counter() - begin
                await pilot.pause()
                table.add(case, label, changed, time.perf_counter() - begin)

            await key("j (cursor down one row)", "j", until=lambda: jobs.cursor_row == 1)
            await pilot.press("k")

            before = len(loads)
            await key("ctrl+r, nothing changed", "ctrl+r", until=lambda: len(loads) > before)
            table.add("  of which JobTable.load (diff)", label, loads[-1], None)

            changed = change_one_percent(sim, round_no)
            before = len(loads)
            await key("ctrl+r, 1% changed", "ctrl+r", until=lambda: len(loads) > before)
            table.add("  of which JobTable.load (diff) ", label, loads[-1], None)
            table.note("ctrl+r, 1% changed", label, f"{changed} jobs' status changed")

            await pilot.press("slash")
            box = screen.query_one("#filter")
            box.value = FILTER  # type: ignore[attr-defined]
            await key(f"filter '{FILTER}' + enter", "enter", until=lambda: jobs.row_count < n)
            shown_rows = f"{jobs.row_count} rows ({jobs.row_count / n:.0%})"
            table.note(f"filter '{FILTER}' + enter", label, shown_rows)

            before = len(rebuilds)
            await key("escape (clear filter)", "escape", until=lambda: jobs.row_count == n)
            table.add("  of which JobTable.rebuild", label, rebuilds[before], None)

            await key("* (mark all shown)", "asterisk", until=lambda: len(jobs.marks) == n)

            await key("G (to the end)", "G", until=lambda: jobs.cursor_row == n - 1)
            await pilot.press("asterisk", "g")  # unmark, back to the top
    finally:
        JobTable.load, JobTable.rebuild = original_load, original_rebuild  # type: ignore[method-assign]
        await client.aclose()


async def run(versions: list[str], sizes: list[int], repeats: int, budget: Budget) -> Table:
    table = Table(extra_title="to idle")
    for n in sizes:
        for version in versions:
            for round_no in range(repeats):
                if round_no and budget.expired:
                    break
                await one_session(version, n, table, round_no)
    return table


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    sizes = [300, 1_000] if args.quick else [300, 1_000, 10_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    repeats = args.repeats or (1 if args.quick else 3)
    header(
        f"bench_job_list: VboApp + VboClient + in-process simulator, Pilot {SIZE[0]}x{SIZE[1]}, "
        f"latency 0, {repeats} repeat(s)"
    )
    table = asyncio.run(run(["v8", "v3"], sizes, repeats, Budget(25 if args.quick else 170)))
    table.print()


if __name__ == "__main__":
    main()
