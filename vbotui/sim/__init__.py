"""A simulator of the Veeam Backup for Microsoft 365 REST API, versions v3 to v8.

    from vbotui.sim import SimConfig, Simulator
    sim = Simulator(SimConfig(jobs=300, seed=1))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://sim.test")

It serves each version in its own dialect (vbo-api.md): `/Jobs/{id}/Action` bodies on v3-v5, verb
sub-paths on v6+, plain arrays or pages, absolute or relative hrefs, OAuth errors from /token.
Data is seeded and deterministic; state is computed from the clock on every request.

Faults (`SimConfig.faults`, `vbotui-sim --fault`): `KIND[xCOUNT][@[METHOD:]GLOB]`, KIND one of
an HTTP status 400-599, `timeout`, `drop`, `drop-after`, `malformed`, `malformed-after`, `html`,
`deep`, `deep-after`, `expire-token`; see
`vbotui.sim.faults` for the grammar and examples.
"""

from .config import ManualClock, RecordedRequest, SimConfig
from .data import FIRST_JOB_ID
from .faults import Fault, parse_fault
from .server import SimulatedDrop, Simulator
from .state import SimError

__all__ = [
    "FIRST_JOB_ID",
    "Fault",
    "ManualClock",
    "RecordedRequest",
    "SimConfig",
    "SimError",
    "SimulatedDrop",
    "Simulator",
    "parse_fault",
]
