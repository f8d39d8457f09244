"""The in-process simulator for session tests."""

from __future__ import annotations

import httpx

from vbotui.sim import SimConfig, Simulator


class SimServer:
    def __init__(self, **config: object) -> None:
        settings: dict[str, object] = {"jobs": 5, "seed": 3, "user": "admin", "password": "secret"}
        settings.update(config)
        self.sim = Simulator(SimConfig(**settings))  # type: ignore[arg-type]

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.sim.app)
