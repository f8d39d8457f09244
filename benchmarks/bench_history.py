"""Bytes on the wire for long session histories (a part of `run.py`: `--only history`).

Against `_sim_server.py` with HISTORY past sessions per job, counted at the simulator:
- resting the cursor on five rows of the job list (the first, then `j` four times, each time
  until the simulator has sent nothing for a while): the JobSessions bytes and requests;
- Enter on a job: the sessions screen's first screenful, its time (Enter to the status line
  "... sessions, newest first") and the JobSessions bytes, beside the same on a 10-session history.
Each with `--before CHECKOUT` too (that checkout's vbotui against this simulator). Never asserted.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from run import Bench, Pty

LONG, SHORT = 3000, 10
JOBS = 200
STILL_S = 1.0  # the simulator sent nothing this long: the reads are over


def counted(port: int, reset: bool = False) -> tuple[int, int]:
    """(bytes, requests) of JobSessions lists the simulator answered (then zero, with `reset`)."""
    url = f"http://127.0.0.1:{port}/__bench/{'reset' if reset else 'bytes'}"
    request = urllib.request.Request(url, method="POST" if reset else "GET")
    with urllib.request.urlopen(request, timeout=10) as answer:
        data = json.load(answer)
    return int(data["bytes"]), int(data["requests"])


def settled(pty: Pty, port: int, limit_s: float = 120.0) -> tuple[int, int]:
    """Wait until the simulator's count stops moving (and the terminal is quiet)."""
    last = counted(port)
    still_since = time.monotonic()
    deadline = still_since + limit_s
    while time.monotonic() < deadline:
        pty.quiet(0.1, limit=0.3)
        now = counted(port)
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= STILL_S:
            break
    return last


def history_figures(bench: Bench) -> None:
    for prefix, tree in bench.trees:
        bench.tree = tree
        try:
            for _ in range(bench.repeats):
                for history in (LONG, SHORT):
                    _one_history(bench, prefix, history)
        finally:
            from run import HERE

            bench.tree = HERE


def _one_history(bench: Bench, prefix: str, history: int) -> None:
    def figure(key: str, value: float, unit: str) -> None:
        bench.figures.add(prefix + key, value, unit)

    sim, port = bench.sim(JOBS, history=history)
    label = f"{history:,}-session histories"
    try:
        pty = bench.app(
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
            pty.wait_for(bench.jobs_painted(JOBS), limit=120)
            for _ in range(4):  # five rows: the first, then four steps down
                settled(pty, port)
                pty.send(b"j")
            rest_bytes, rest_requests = settled(pty, port)
            figure(f"JobSessions bytes while resting on 5 rows, {label}", rest_bytes, "B")
            figure(f"JobSessions requests while resting on 5 rows, {label}", rest_requests, "req")
            counted(port, reset=True)
            sent = pty.send(b"\r")
            shown = pty.wait_for(rb"sessions, newest first", limit=120)
            first_bytes, _ = settled(pty, port)
            figure(f"sessions screen, first screenful, {label}: enter -> shown", shown - sent, "s")
            figure(f"sessions screen, first screenful, {label}: JobSessions bytes", first_bytes, "B")
        finally:
            pty.close()
    finally:
        sim.terminate()
        sim.wait(timeout=10)
