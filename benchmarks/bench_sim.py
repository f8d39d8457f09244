"""The simulator itself: data generation, and requests per second for `GET /v8/Jobs/{id}`.

    python benchmarks/bench_sim.py [--quick]

- Generation: `vbotui.sim.data.generate()` alone, and a whole `Simulator(SimConfig(jobs=N))`
  (generation plus the state's dicts), for 10,000 and 100,000 jobs.
- Requests per second, in process, one job id after another (cycling over 1,000 ids):
  through `httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app))` one at a time and with
  8 in flight, and by calling the ASGI app directly (no httpx: the simulator's own cost). Each
  run is bounded by a request count and a time limit, whichever comes first.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import httpx
from _common import SIM_PASSWORD, SIM_START, SIM_USER, Budget, Table, header, parse_args

from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.sim.data import generate

IN_PROCESS = "http://sim.test"


def new_sim(jobs: int) -> Simulator:
    return Simulator(
        SimConfig(jobs=jobs, seed=1, user=SIM_USER, password=SIM_PASSWORD, clock=ManualClock(SIM_START))
    )


def bench_generation(table: Table, sizes: list[int], repeats: int, budget: Budget) -> None:
    for n in sizes:
        for i in range(repeats):
            if i and budget.expired:
                break
            start = time.perf_counter()
            orgs, jobs = generate(1, n, SIM_START)
            table.add("data.generate()", f"{n:,}", time.perf_counter() - start)
            table.note("data.generate()", f"{n:,}", f"{len(orgs)} organizations")
            del orgs, jobs
            start = time.perf_counter()
            sim = new_sim(n)
            table.add("Simulator(SimConfig(jobs=N))", f"{n:,}", time.perf_counter() - start)
            assert len(sim.jobs) == n
            del sim


async def sign_in(http: httpx.AsyncClient) -> str:
    reply = await http.post(
        "/v8/token", data={"grant_type": "password", "username": SIM_USER, "password": SIM_PASSWORD}
    )
    reply.raise_for_status()
    return str(reply.json()["access_token"])


async def rps_httpx(
    sim: Simulator, ids: list[str], in_flight: int, max_requests: int, max_seconds: float
) -> tuple[int, float]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url=IN_PROCESS) as http:
        token = await sign_in(http)
        headers = {"Authorization": f"Bearer {token}"}
        counter = itertools.count()
        deadline = time.perf_counter() + max_seconds
        done = 0

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                index = next(counter)
                if index >= max_requests:
                    return
                reply = await http.get(f"/v8/Jobs/{ids[index % len(ids)]}", headers=headers)
                if reply.status_code != 200:
                    raise RuntimeError(f"GET job answered {reply.status_code}")
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return done, time.perf_counter() - start


class DirectAsgi:
    """GET requests straight into the ASGI app: the simulator (Starlette, routes, render), no httpx."""

    def __init__(self, sim: Simulator, token: str) -> None:
        self.sim = sim
        self.auth = f"Bearer {token}".encode()

    async def get(self, path: str, query: bytes = b"") -> tuple[int, bytes]:
        status: list[int] = []
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query,
            "headers": [(b"host", b"sim.test"), (b"authorization", self.auth)],
            "client": ("127.0.0.1", 50000),
            "server": ("sim.test", 80),
        }
        await self.sim.app(scope, receive, send)
        return (status[0] if status else 0), b"".join(body)


async def direct(sim: Simulator) -> DirectAsgi:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url=IN_PROCESS) as http:
        return DirectAsgi(sim, await sign_in(http))


async def rps_asgi(
    sim: Simulator, ids: list[str], max_requests: int, max_seconds: float
) -> tuple[int, float]:
    asgi = await direct(sim)
    deadline = time.perf_counter() + max_seconds
    done = 0
    body = b""
    start = time.perf_counter()
    for index in range(max_requests):
        if time.perf_counter() >= deadline:
            break
        status, body = await asgi.get(f"/v8/Jobs/{ids[index % len(ids)]}")
        if status != 200:
            raise RuntimeError(f"GET job answered {status}")
        done += 1
    elapsed = time.perf_counter() - start
    json.loads(body)  # the last answer is a whole JSON document
    return done, elapsed


async def bench_list_page(table: Table, sizes: list[int], repeats: int, budget: Budget) -> None:
    """One page of 10,000 jobs rendered by the simulator, and decoded, without httpx."""
    for n in sizes:
        asgi = await direct(new_sim(n))
        label = f"{n:,} jobs"
        for i in range(repeats):
            if i and budget.expired:
                break
            start = time.perf_counter()
            status, body = await asgi.get("/v8/Jobs", b"limit=10000&offset=0")
            case = "GET /v8/Jobs?limit=10000, ASGI app called directly"
            table.add(case, label, time.perf_counter() - start)
            assert status == 200
            table.note(case, label, f"{len(body):,} bytes")
            start = time.perf_counter()
            page = json.loads(body)
            table.add("  json.loads of that page", label, time.perf_counter() - start)
            assert len(page["results"]) == min(n, 10_000)
            start = time.perf_counter()
            status, body = await asgi.get("/v3/Jobs")
            case = "GET /v3/Jobs (all, one array), ASGI app called directly"
            table.add(case, label, time.perf_counter() - start)
            assert status == 200
            table.note(case, label, f"{len(body):,} bytes")


CASES = (
    ("GET /v8/Jobs/{id}, httpx ASGITransport, 1 in flight", 1),
    ("GET /v8/Jobs/{id}, httpx ASGITransport, 8 in flight", 8),
    ("GET /v8/Jobs/{id}, ASGI app called directly", 0),
)


async def bench_rps(
    table: Table, sizes: list[int], repeats: int, max_requests: int, max_seconds: float, budget: Budget
) -> None:
    for n in sizes:
        sim = new_sim(n)
        ids = list(sim.jobs)[:1_000]
        label = f"{n:,} jobs"
        for case, in_flight in CASES:
            for i in range(repeats):
                if i and budget.expired:
                    break
                if in_flight:
                    done, elapsed = await rps_httpx(sim, ids, in_flight, max_requests, max_seconds)
                else:
                    done, elapsed = await rps_asgi(sim, ids, max_requests, max_seconds)
                table.add(case, label, done / elapsed, unit="req/s")
                each = elapsed / done * 1e6
                table.note(case, label, f"{done:,} requests in {elapsed:.2f} s ({each:.0f} us each)")
        recorded = f"{len(sim.requests):,} recorded (never trimmed)"
        table.note("sim.requests after the rate runs", label, recorded)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    quick = args.quick
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [10_000, 100_000]
    repeats = args.repeats or (1 if quick else 3)
    budget = Budget(25 if quick else 170)
    header(f"bench_sim: simulator generation and request rate, in process, {repeats} repeat(s)")
    table = Table()
    bench_generation(table, sizes, repeats, budget)
    table.print()
    print()
    table = Table()
    max_requests, max_seconds = (2_000, 2.0) if quick else (5_000, 5.0)
    print(f"(each rate run: at most {max_requests:,} requests or {max_seconds:.0f} s; min = the slowest run)")
    asyncio.run(bench_rps(table, sizes[:1] if quick else sizes, repeats, max_requests, max_seconds, budget))
    table.print()
    print()
    table = Table()
    asyncio.run(bench_list_page(table, sizes, repeats, budget))
    table.print()


if __name__ == "__main__":
    main()
