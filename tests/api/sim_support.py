"""The simulator for the client's integration tests (in-process; over real TLS with
`tests.helpers.tls.serve_https`)."""

from __future__ import annotations

from typing import Any

from vbotui.sim import SimConfig, Simulator
from vbotui.sim.config import ManualClock

__all__ = ["ManualClock", "SimConfig", "Simulator", "make_sim"]


def make_sim(**overrides: Any) -> tuple[Simulator, ManualClock]:
    clock = ManualClock()
    config: dict[str, Any] = {"jobs": 40, "seed": 1, "user": "admin", "password": "secret", "clock": clock}
    config.update(overrides)
    return Simulator(SimConfig(**config)), clock
