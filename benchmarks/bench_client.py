"""`VboClient` against the simulator: list_jobs, bulk start, token refresh.

    python benchmarks/bench_client.py [--quick]

- `list_jobs()` on v3 (one JSON array) and v8 (pages of 30, 1,000 or 10,000: the client's
  `page_size`; 30 is the server's default page), in process (`httpx.ASGITransport`) and over
  real HTTP to 127.0.0.1 (uvicorn, plain HTTP, h11, in a thread of this process on a free port:
  client and server share the GIL and the 2 cores).
- A bulk start through the app's own path (`vbotui.operations.jobs.JobActions.run_bulk`: one
  POST start and one GET re-read per job) at concurrency 1, 8 (the app's default) and 32, in
  process, with the simulator's `latency_ms=20` so that concurrency matters.
- Token refresh: password and refresh grants, and one GET with a fresh token, with a token due
  for its proactive refresh, and after the server rejected it (401 -> refresh -> retry).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import uvicorn
from _common import (
    SIM_PASSWORD,
    SIM_START,
    SIM_USER,
    Budget,
    Table,
    free_port,
    header,
    parse_args,
)

from vbotui.api.client import VboClient
from vbotui.api.models import Job
from vbotui.operations import ActivityLog, JobActions, ServerOperations
from vbotui.sim import FIRST_JOB_ID, ManualClock, SimConfig, Simulator

IN_PROCESS = "http://sim.test"
SERVER_START_LIMIT_S = 10.0


def new_sim(jobs: int, latency_ms: float = 0) -> Simulator:
    return Simulator(
        SimConfig(
            jobs=jobs,
            seed=1,
            user=SIM_USER,
            password=SIM_PASSWORD,
            latency_ms=latency_ms,
            clock=ManualClock(SIM_START),
        )
    )


class LoopbackServer:
    """uvicorn serving an ASGI app on 127.0.0.1:<free port>, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        deadline = time.monotonic() + SERVER_START_LIMIT_S
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


async def signed_in(base_url: str, version: str, transport: Any = None, **kwargs: Any) -> VboClient:
    client = VboClient(base_url, version, transport=transport, **kwargs)
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    return client


async def time_async(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await fn()
    return time.perf_counter() - start, result


# -- list_jobs ---------------------------------------------------------------------------------

LIST_CASES = (("v3", None), ("v8", 30), ("v8", 1_000), ("v8", 10_000))


def list_case_name(version: str, page: int | None, where: str) -> str:
    shape = "one array" if page is None else f"pages of {page:,}"
    return f"list_jobs {version} {shape}, {where}"


async def bench_list(table: Table, sizes: list[int], repeats: int, budget: Budget) -> None:
    for n in sizes:
        sim = new_sim(n)
        served = new_sim(n)
        with LoopbackServer(served.app) as server:
            for where, base, transport in (
                ("in process", IN_PROCESS, httpx.ASGITransport(app=sim.app)),
                ("HTTP 127.0.0.1", server.url, None),
            ):
                for version, page in LIST_CASES:
                    kwargs = {"page_size": page} if page else {}
                    client = await signed_in(base, version, transport, **kwargs)
                    case = list_case_name(version, page, where)
                    try:
                        for i in range(repeats):
                            if i and budget.expired:
                                break
                            requests_before = len(sim.requests) + len(served.requests)
                            elapsed, jobs = await time_async(client.list_jobs)
                            assert len(jobs) == n, (len(jobs), n)
                            table.add(case, f"{n:,}", elapsed)
                            sent = len(sim.requests) + len(served.requests) - requests_before
                            table.note(case, f"{n:,}", f"{sent} request(s)")
                    finally:
                        await client.aclose()
        # The parse alone: Job.from_json on the already decoded items (no HTTP, no simulator).
        client = await signed_in(IN_PROCESS, "v8", httpx.ASGITransport(app=sim.app))
        try:
            items = await client._get_all("/v8/Jobs", paged=True)
        finally:
            await client.aclose()
        for _ in range(repeats):
            start = time.perf_counter()
            parsed = [Job.from_json(item) for item in items]
            table.add("  of which Job.from_json (parse only)", f"{n:,}", time.perf_counter() - start)
        assert len(parsed) == n


# -- bulk start --------------------------------------------------------------------------------


async def bulk_start_once(count: int, concurrency: int, latency_ms: float) -> tuple[float, int]:
    sim = new_sim(max(2 * count, 100), latency_ms)
    client = await signed_in(IN_PROCESS, "v8", httpx.ASGITransport(app=sim.app))
    try:
        jobs = [job for job in await client.list_jobs() if job.is_enabled][:count]
        assert len(jobs) == count
        activity = ActivityLog(lambda: SIM_START, time.monotonic)
        actions = JobActions(ServerOperations(client, activity), concurrency=concurrency)
        free = actions.claim("start", jobs)
        before = len(sim.requests)
        start = time.perf_counter()
        await actions.run_bulk("start", free)
        elapsed = time.perf_counter() - start
        started = sum(1 for job in jobs if sim.jobs[job.id].running_session_id is not None)
        assert started == count, (started, count)
        return elapsed, len(sim.requests) - before
    finally:
        await client.aclose()


async def bench_bulk(table: Table, count: int, repeats: int, budget: Budget) -> None:
    latency = 20
    for concurrency in (1, 8, 32):
        case = f"bulk start, concurrency {concurrency:>2}, latency {latency} ms"
        # Concurrency 1 is ~2 x count x latency long: one repeat is enough to see it.
        for i in range(1 if concurrency == 1 else repeats):
            if i and budget.expired:
                break
            elapsed, sent = await bulk_start_once(count, concurrency, latency)
            table.add(case, f"{count:,} jobs", elapsed)
            per_job = elapsed / count * 1000
            table.note(case, f"{count:,} jobs", f"{sent} requests; {per_job:.1f} ms/job")


# -- tokens ------------------------------------------------------------------------------------


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def bench_tokens(table: Table, rounds: int) -> None:
    sim = new_sim(300)
    transport = httpx.ASGITransport(app=sim.app)
    mono = FakeMonotonic()
    client = VboClient(IN_PROCESS, "v8", transport=transport, clock=mono)
    try:
        await client.sign_in(SIM_USER, SIM_PASSWORD)
        for _ in range(rounds):
            elapsed, _ = await time_async(lambda: client.sign_in(SIM_USER, SIM_PASSWORD))
            table.add("sign_in (password grant)", "1", elapsed)
            token = client.refresh_token
            assert token is not None
            elapsed, _ = await time_async(lambda t=token: client.sign_in_with_refresh_token(t))
            table.add("sign_in_with_refresh_token", "1", elapsed)

            elapsed, _ = await time_async(lambda: client.get_job(FIRST_JOB_ID))
            table.add("get_job, token fresh (baseline)", "1", elapsed)

            mono.now += 7200.0  # past the refresh point: ensure_fresh refreshes before sending
            refreshes = client._tokens.refresh_count
            elapsed, _ = await time_async(lambda: client.get_job(FIRST_JOB_ID))
            assert client._tokens.refresh_count == refreshes + 1
            table.add("get_job, token due (refresh first)", "1", elapsed)

            sim.expire_tokens()  # the server rejects the token it issued: 401, refresh, retry
            refreshes = client._tokens.refresh_count
            elapsed, _ = await time_async(lambda: client.get_job(FIRST_JOB_ID))
            assert client._tokens.refresh_count == refreshes + 1
            table.add("get_job, token rejected (401+refresh+retry)", "1", elapsed)

            mono.now += 7200.0
            refreshes = client._tokens.refresh_count
            elapsed, _ = await time_async(
                lambda: asyncio.gather(*(client.get_job(FIRST_JOB_ID) for _ in range(32)))
            )
            grants = client._tokens.refresh_count - refreshes
            table.add("32 concurrent get_job, token due", "32", elapsed)
            table.note("32 concurrent get_job, token due", "32", f"{grants} refresh grant(s) sent")
            elapsed, _ = await time_async(
                lambda: asyncio.gather(*(client.get_job(FIRST_JOB_ID) for _ in range(32)))
            )
            table.add("32 concurrent get_job, token fresh", "32", elapsed)
    finally:
        await client.aclose()


async def run(quick: bool, repeats: int | None, sizes: list[int]) -> None:
    budget = Budget(25 if quick else 170)
    reps = repeats or (1 if quick else 3)
    sizes = sizes or ([1_000] if quick else [1_000, 10_000])
    bulk_count = 100 if quick else 500
    header(f"bench_client: VboClient vs the simulator (latency 0 unless said), {reps} repeat(s)")

    table = Table()
    await bench_list(table, sizes, reps, budget)
    table.print()
    print()
    table = Table()
    await bench_bulk(table, bulk_count, reps, budget)
    table.print()
    print()
    table = Table()
    await bench_tokens(table, 5 if quick else 20)
    table.print()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else []
    asyncio.run(run(args.quick, args.repeats, sizes))


if __name__ == "__main__":
    main()
