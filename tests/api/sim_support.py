"""Running the simulator for the client's integration tests: in-process (ASGI) or over real TLS."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

try:
    from vbotui.sim import SimConfig, Simulator
    from vbotui.sim.config import ManualClock
except ImportError as exc:  # the simulator is written in parallel; say what is missing
    pytest.skip(f"vbotui.sim is not importable yet ({exc})", allow_module_level=True)

__all__ = ["ManualClock", "SimConfig", "Simulator", "make_sim", "serve_over_tls"]


def make_sim(**overrides: Any) -> tuple[Simulator, ManualClock]:
    clock = ManualClock()
    config: dict[str, Any] = {"jobs": 40, "seed": 1, "user": "admin", "password": "secret", "clock": clock}
    config.update(overrides)
    return Simulator(SimConfig(**config)), clock


@contextmanager
def serve_over_tls(app: Any, cert_file: str, key_file: str) -> Iterator[int]:
    """Serve `app` with uvicorn over HTTPS on 127.0.0.1 in a thread; yield the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        ssl_certfile=cert_file,
        ssl_keyfile=key_file,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()

    def wait_started() -> None:
        while not server.started and thread.is_alive():
            started.wait(0.01)

    wait_started()
    try:
        yield port
    finally:
        server.should_exit = True
        server.force_exit = True  # do not wait for a request the `timeout` fault holds open
        thread.join(timeout=10)
        sock.close()
