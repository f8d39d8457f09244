"""Following the log of a running session that grows 200 lines a second (never asserted).

For each size N: a simulator (`_log_server.py`, this checkout's) whose session logs hold N lines
and grow RATE a second; the app, headless, opens the running session's log screen and follows it
for WINDOW seconds of real time, polling every 2 s as it does. Printed per size: the LogItems bytes
and requests until the screen has read the log, then per poll while following; the app's CPU while
following (% of one core), its RSS, the lines held and a search over them (ms).

    python benchmarks/bench_log_follow.py [--lines 37000,200000] [--window 10] [--before CHECKOUT]

`--before CHECKOUT` measures that checkout's app too (against this checkout's simulator), e.g. a
`git archive main | tar -x -C /tmp/main`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RATE = 200.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def counted(port: int) -> tuple[int, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench/bytes", timeout=30) as answer:
        data = json.load(answer)
    return int(data["bytes"]), int(data["requests"])


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def measure(port: int, window: float) -> dict[str, Any]:
    """In the app's process (its checkout first on sys.path): open the log, follow it."""
    from vbotui.api.client import VboClient
    from vbotui.ui.app import VboApp
    from vbotui.ui.screens.session_log import SessionLogScreen

    client = VboClient(f"http://127.0.0.1:{port}", "v8")
    await client.sign_in("admin", "secret")
    jobs = await client.list_jobs()
    job = next(job for job in jobs if job.is_enabled)
    await client.job_action(job.id, "start")
    [session, *_] = [s for s in await client.job_sessions(job.id) if s.is_running]
    app = VboApp(client, "bench", refresh_s=3600.0)
    figures: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while app.ops is None or len(app.screen_stack) < 2:
            await pilot.pause(0.05)
        before = counted(port)
        started = time.monotonic()
        screen = SessionLogScreen(app.ops, job, session)
        await app.push_screen(screen)
        while not screen.loaded:
            await pilot.pause(0.02)
        opened = counted(port)
        figures["open_s"] = time.monotonic() - started
        figures["open_bytes"], figures["open_requests"] = opened[0] - before[0], opened[1] - before[1]
        cpu, wall = time.process_time(), time.monotonic()
        await pilot.pause(window)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        after = counted(port)
        polls = max(1, round(wall / 2.0))
        figures["poll_bytes"] = (after[0] - opened[0]) / polls
        figures["poll_requests"] = (after[1] - opened[1]) / polls
        figures["cpu_pct"] = 100 * cpu / wall
        figures["rss_mb"] = rss_mb()
        figures["lines_held"] = len(screen.log_view.lines)
        searched = time.perf_counter()
        screen.log_view.search("warning")
        figures["search_ms"] = 1000 * (time.perf_counter() - searched)
        figures["matches"] = len(screen.log_view.matches)
    await client.aclose()
    figures["bytes_per_line"] = bytes_per_line_held()
    return figures


def bytes_per_line_held(count: int = 50_000) -> float:
    """What the screen's store of lines takes per line (tracemalloc; 0 where it has no such store)."""
    import tracemalloc
    from datetime import datetime, timezone

    from vbotui.api.models import LogItem

    try:
        from vbotui.ui.screens.log_lines import LogLines
    except ImportError:
        return 0.0
    when = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
    items = [
        LogItem(id="", type="Success", message=f"Processing item {i}: 1 item processed", creation_time=when)
        for i in range(count)
    ]
    tracemalloc.start()
    lines = LogLines()
    lines.extend(items)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size / count


def run_app(app_root: str, port: int, window: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": app_root, "PYTHONDONTWRITEBYTECODE": "1"}
    code = [sys.executable, __file__, "--measure", str(port), "--window", str(window), "--app-root", app_root]
    out = subprocess.run(code, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:] or ["?"]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", default="37000,200000", help="log sizes, comma separated")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of following measured")
    parser.add_argument("--before", default="", help="another checkout's app, measured too")
    parser.add_argument("--measure", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--app-root", default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, args.app_root)
        print(json.dumps(asyncio.run(measure(args.measure, args.window))))
        return
    apps = [("before", args.before)] if args.before else []
    apps.append(("after", ROOT))
    print(f"following a log growing {RATE:.0f} lines/s, {args.window:.0f} s measured (never asserted)")
    print(
        f"{'lines':>8} {'app':>6} {'open KB':>8} {'open req':>8} {'KB/poll':>8} {'req/poll':>8} "
        f"{'CPU %':>6} {'RSS MB':>7} {'held':>8} {'search ms':>9} {'B/line':>7}"
    )
    for lines in (int(size) for size in args.lines.split(",")):
        for name, root in apps:
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "_log_server.py"), str(port), str(lines), str(RATE)],
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            try:
                for _ in range(200):
                    try:
                        counted(port)
                        break
                    except OSError:
                        time.sleep(0.05)
                f = run_app(root, port, args.window)
            finally:
                server.terminate()
                server.wait(timeout=10)
            if "error" in f:
                print(f"{lines:>8} {name:>6} failed: {f['error']}")
                continue
            print(
                f"{lines:>8} {name:>6} {f['open_bytes'] / 1024:>8.0f} {f['open_requests']:>8} "
                f"{f['poll_bytes'] / 1024:>8.1f} {f['poll_requests']:>8.1f} {f['cpu_pct']:>6.1f} "
                f"{f['rss_mb']:>7.0f} {f['lines_held']:>8} {f['search_ms']:>9.1f} {f['bytes_per_line']:>7.0f}"
            )


if __name__ == "__main__":
    main()
