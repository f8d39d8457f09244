"""The simulator with a long, growing session log for `bench_log_follow.py` (plain HTTP on 127.0.0.1).

    python benchmarks/_log_server.py PORT LINES RATE

Every session's log holds LINES lines more and grows RATE lines a second while it runs (runs last
ten hours). `GET /__bench/bytes` answers the body bytes and requests answered to LogItems so far:
the bytes on the wire, counted where they are sent.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import uvicorn  # noqa: E402

from vbotui.sim import SimConfig, Simulator  # noqa: E402


class LogBytes:
    """ASGI in front of the simulator: sums what LogItems requests answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bytes = 0
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = str(scope.get("path", "")) if scope.get("type") == "http" else ""
        if path == "/__bench/bytes":
            body = json.dumps({"bytes": self.bytes, "requests": self.requests}).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        if not path.lower().endswith("/logitems"):
            await self.app(scope, receive, send)
            return
        self.requests += 1

        async def counted(message: Any) -> None:
            if message.get("type") == "http.response.body":
                self.bytes += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counted)


def main() -> None:
    port, lines, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    config = SimConfig(jobs=20, seed=1, run_seconds=36_000.0, log_lines=lines, log_rate=rate)
    uvicorn.run(LogBytes(Simulator(config).app), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
