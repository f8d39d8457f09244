"""What `run.py` starts in a pseudo-terminal: vbotui's command line, or a bare Textual app, with
an event-loop lag monitor (no app code is changed).

    python benchmarks/_app.py LAGFILE vbotui [ARGS...]   # vbotui.cli.main(ARGS)
    python benchmarks/_app.py LAGFILE bare               # a Textual app that paints one line
    python benchmarks/_app.py LAGFILE bare-table N       # a plain DataTable of N rows

The monitor sleeps 2 ms at a time and keeps the longest overshoot (the longest block of the loop).
SIGUSR1 resets it; SIGUSR2 writes {"max_block_s", "rss_peak_kb"} to LAGFILE.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Coroutine
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

STEP_S = 0.002


def rss_peak_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def install(lag_file: str) -> None:
    """Wrap asyncio.run so that every run has the monitor and the two signals."""
    real_run = asyncio.run

    def run(main: Coroutine[Any, Any, Any], **kwargs: Any) -> Any:
        async def monitored() -> Any:
            state = {"max": 0.0}

            async def monitor() -> None:
                while True:
                    begin = time.perf_counter()
                    await asyncio.sleep(STEP_S)
                    state["max"] = max(state["max"], time.perf_counter() - begin - STEP_S)

            def dump() -> None:
                with open(lag_file, "w") as out:
                    json.dump({"max_block_s": state["max"], "rss_peak_kb": rss_peak_kb()}, out)

            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGUSR1, lambda: state.update(max=0.0))
            loop.add_signal_handler(signal.SIGUSR2, dump)
            task = asyncio.create_task(monitor())
            try:
                return await main
            finally:
                task.cancel()

        return real_run(monitored(), **kwargs)

    asyncio.run = run


def bare(rows: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            if rows:
                table: DataTable[str] = DataTable(cursor_type="row")
                table.add_columns("Name", "Organization", "Status")
                table.add_rows([(f"job {i}", f"org {i % 7}", "Success") for i in range(rows)])
                yield Static(f"bare table {rows} rows")
                yield table
            else:
                yield Static("bare textual ready")

    asyncio.run(Bare().run_async())


def main() -> None:
    lag_file, what, *rest = sys.argv[1:]
    install(lag_file)
    if what == "vbotui":
        from vbotui.cli import main as vbotui_main

        sys.exit(vbotui_main(rest))
    bare(int(rest[0]) if what == "bare-table" else 0)


if __name__ == "__main__":
    main()
