"""In-process transports ignore httpx timeouts: the client's own deadline ends a hung exchange."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from vbotui.api import TransportError, VboClient
from vbotui.api.http import DeadlineExpired, HttpSession, within
from vbotui.api.limits import Limits

from .sim_support import Simulator, make_sim

DEADLINE_S = 0.2


@pytest.fixture
async def hung() -> AsyncIterator[tuple[Simulator, VboClient]]:
    """A simulator that never answers the first GET /v8/Jobs nor the first start."""
    sim, _ = make_sim(faults=["timeoutx1@GET:/v8/Jobs", "timeoutx1@POST:/v8/Jobs/*/start"])
    transport = httpx.ASGITransport(app=sim.app)
    client = VboClient("http://sim.test", "v8", transport=transport, timeout=DEADLINE_S, read_retry_delays=())
    await client.sign_in("admin", "secret")
    yield sim, client
    await client.aclose()


def requests_to(sim: Simulator, method: str, suffix: str) -> int:
    return len([r for r in sim.requests if r.method == method and r.path.endswith(suffix)])


async def test_a_hung_get_times_out_is_retryable_and_the_client_still_works(hung):
    sim, client = hung
    with pytest.raises(TransportError) as caught:
        await client.list_jobs()
    assert "timed out" in caught.value.describe()
    assert not caught.value.may_have_reached_server  # a GET: safe to try again
    assert requests_to(sim, "GET", "/v8/Jobs") == 1  # no retries configured here
    assert len(await client.list_jobs()) == 40  # the cancelled exchange left the client usable


async def test_a_hung_get_is_retried_after_a_pause():
    sim, _ = make_sim(faults=["timeoutx1@GET:/v8/Jobs"])
    transport = httpx.ASGITransport(app=sim.app)
    async with VboClient("http://sim.test", "v8", transport=transport, timeout=DEADLINE_S) as client:
        await client.sign_in("admin", "secret")
        assert len(await client.list_jobs()) == 40
    assert requests_to(sim, "GET", "/v8/Jobs") == 2


async def test_the_deadline_tells_its_own_expiry_from_a_timeout_error_inside():
    async def raises_timeout() -> None:
        raise TimeoutError("from inside")

    with pytest.raises(TimeoutError, match="from inside"):
        await within(5.0, raises_timeout())
    with pytest.raises(DeadlineExpired):
        await within(0.01, asyncio.sleep(5))
    assert await within(None, asyncio.sleep(0, "done")) == "done"


async def test_cancelling_the_caller_cancels_the_exchange():
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def exchange() -> None:
        started.set()
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    caller = asyncio.ensure_future(within(5.0, exchange()))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await asyncio.wait_for(cancelled.wait(), 1)


async def test_a_hung_post_times_out_and_may_have_reached_the_server(hung):
    sim, client = hung
    job_id = next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)
    with pytest.raises(TransportError) as caught:
        await client.job_action(job_id, "start")
    assert caught.value.may_have_reached_server
    line = caught.value.describe()
    assert "timed out" in line and "may have reached the server; check before retrying" in line
    assert requests_to(sim, "POST", "/start") == 1  # never resent


async def test_the_exchange_hook_hears_about_the_timeout(hung):
    sim, client = hung
    heard = []
    client.on_exchange = heard.append
    with pytest.raises(TransportError):
        await client.list_jobs()
    assert heard[-1].status is None and heard[-1].error is not None and "timed out" in heard[-1].error


def test_every_transport_has_the_total_deadline():
    """httpx's timeouts bound each network read, which a trickle defeats: the total is the client's."""
    assert HttpSession("https://vbo.example").deadline_s == Limits().request_s
    assert HttpSession("https://vbo.example", limits=Limits(request_s=9)).deadline_s == 9
    asgi = httpx.ASGITransport(app=make_sim()[0].app)
    in_process = HttpSession("http://sim.test", transport=asgi, timeout=7)
    assert in_process.deadline_s == 7
