"""Bytes on the wire: an ASGI wrapper that sums the body bytes the simulator sends, by path, and
the simulator served over plain HTTP on loopback (uvicorn in a thread) with it in front."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class WireBytes:
    """Wraps an ASGI app; `sent[path]` is the body bytes answered to requests of that path,
    `requests[path]` how many there were."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        self.requests[path] += 1

        async def counted(message: Any) -> None:
            if message.get("type") == "http.response.body":
                self.sent[path] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counted)

    def matching(self, part: str) -> int:
        """Bytes answered to paths that contain `part` (case-insensitive)."""
        return sum(size for path, size in self.sent.items() if part.lower() in path.lower())

    def reset(self) -> None:
        self.sent.clear()
        self.requests.clear()


@contextmanager
def serve_http(app: Any) -> Iterator[str]:
    """Serve `app` over plain HTTP on 127.0.0.1 in a thread; yield its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    idle = threading.Event()
    while not server.started and thread.is_alive():
        idle.wait(0.01)
    if not server.started:
        sock.close()
        raise RuntimeError("the test HTTP server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
        sock.close()
