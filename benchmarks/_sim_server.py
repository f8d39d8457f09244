"""The simulator in its own process for `run.py` (plain HTTP on 127.0.0.1), so that its
rendering of 50,000 jobs is not on the app's event loop.

    python benchmarks/_sim_server.py PORT JOBS [LATENCY_MS [HISTORY]]

HISTORY: past sessions per job (SimConfig.history; 0: two to five). SIGUSR1 changes the last
status of 10% of the jobs (a different tenth each time). `GET /__bench/bytes` answers the body
bytes and requests answered so far to job-session lists (`.../JobSessions`), `POST
/__bench/reset` sets them to zero: the bytes on the wire, counted where they are sent.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import uvicorn  # noqa: E402

from vbotui.sim import SimConfig, Simulator  # noqa: E402


class SessionBytes:
    """ASGI in front of the simulator: sums what job-session lists answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bytes = 0
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = str(scope.get("path", "")) if scope.get("type") == "http" else ""
        if path.startswith("/__bench/"):
            if path == "/__bench/reset":
                self.bytes = self.requests = 0
            body = json.dumps({"bytes": self.bytes, "requests": self.requests}).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        if not path.lower().endswith("/jobsessions"):
            await self.app(scope, receive, send)
            return
        self.requests += 1

        async def counted(message: Any) -> None:
            if message.get("type") == "http.response.body":
                self.bytes += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counted)


def main() -> None:
    port, jobs = int(sys.argv[1]), int(sys.argv[2])
    latency = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    history = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    sim = Simulator(SimConfig(jobs=jobs, seed=1, latency_ms=latency, record_limit=1000, history=history))
    rounds = [0]

    def change_tenth(*_: Any) -> None:
        for job in list(sim.jobs.values())[rounds[0] % 10 :: 10]:
            job.last_status = "Warning" if job.last_status != "Warning" else "Success"
            job.etag += 1
        rounds[0] += 1

    signal.signal(signal.SIGUSR1, change_tenth)
    app = SessionBytes(sim.app)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


if __name__ == "__main__":
    main()
