"""The simulator in its own process for `run.py` (plain HTTP on 127.0.0.1), so that its
rendering of 50,000 jobs is not on the app's event loop.

    python benchmarks/_sim_server.py PORT JOBS [LATENCY_MS]

SIGUSR1 changes the last status of 10% of the jobs (a different tenth each time).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import uvicorn  # noqa: E402

from vbotui.sim import SimConfig, Simulator  # noqa: E402


def main() -> None:
    port, jobs = int(sys.argv[1]), int(sys.argv[2])
    latency = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    sim = Simulator(SimConfig(jobs=jobs, seed=1, latency_ms=latency, record_limit=1000))
    rounds = [0]

    def change_tenth(*_: Any) -> None:
        for job in list(sim.jobs.values())[rounds[0] % 10 :: 10]:
            job.last_status = "Warning" if job.last_status != "Warning" else "Success"
            job.etag += 1
        rounds[0] += 1

    signal.signal(signal.SIGUSR1, change_tenth)
    uvicorn.run(sim.app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


if __name__ == "__main__":
    main()
