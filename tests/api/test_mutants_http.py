"""The words and the facts of a failed request (what a mutmut run over vbotui/api/http.py and
client.py found untested): each kind of transport failure named, the method and path kept, a POST
sent exactly once whatever failed, a GET resent; a full start's body; refusals before sign-in; an
action's elapsed time."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from vbotui.api import AuthError, TransportError, VboClient, VboError

from .helpers import BASE, job_json, token_reply

FAILURES = [
    (httpx.ConnectError("refused"), "could not connect: refused", False),
    (httpx.ConnectTimeout("slow"), "connection timed out: slow", False),
    (httpx.PoolTimeout("full"), "no free connection in time: full", False),
    (httpx.ReadTimeout("slow"), "no response in time: slow", True),
    (httpx.WriteTimeout("slow"), "timed out sending the request: slow", True),
    (httpx.RemoteProtocolError("eof"), "the server closed the connection: eof", True),
    (httpx.ReadError("reset"), "the connection dropped: reset", True),
    (httpx.WriteError("pipe"), "the connection dropped while sending: pipe", True),
    (httpx.ReadError(""), "the connection dropped", True),
    (httpx.ProxyError("odd"), "transport error: odd", True),
]


async def signed_in(server, make_client, **kwargs) -> VboClient:
    server.post("/v8/token").mock(return_value=token_reply())
    client = make_client("v8", **kwargs)
    await client.sign_in("admin", "pw")
    return client


@pytest.mark.parametrize(("failure", "words", "reached"), FAILURES, ids=lambda v: type(v).__name__)
async def test_an_action_that_failed_in_transit_is_named_and_sent_once(
    server, make_client, failure, words, reached
):
    client = await signed_in(server, make_client, read_retry_delays=(0, 0))
    start = server.post("/v8/Jobs/job-1/start").mock(side_effect=failure)
    with pytest.raises(TransportError) as caught:
        await client.job_action("job-1", "start")
    assert start.call_count == 1  # never resent: the action may have happened
    error = caught.value
    assert error.message == words
    assert (error.method, error.path) == ("POST", "/v8/Jobs/job-1/start")
    assert error.may_have_reached_server is reached
    assert ("may have reached the server" in error.describe()) is reached


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ReadError("reset")], ids=lambda v: type(v).__name__
)
async def test_a_read_that_failed_in_transit_is_resent_and_then_named(server, make_client, failure):
    client = await signed_in(server, make_client, read_retry_delays=(0, 0))
    read = server.get("/v8/Jobs/job-1").mock(side_effect=failure)
    with pytest.raises(TransportError) as caught:
        await client.get_job("job-1")
    assert read.call_count == 3
    assert (caught.value.method, caught.value.path) == ("GET", "/v8/Jobs/job-1")
    assert not caught.value.may_have_reached_server
    assert "may have reached" not in caught.value.describe()


async def test_an_action_past_the_clients_deadline_is_unknown_and_not_resent() -> None:
    posts = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json=json.loads(token_reply().content))
        posts += 1
        await asyncio.sleep(5)
        return httpx.Response(200)

    transport = httpx.MockTransport(handler)
    async with VboClient(BASE, "v8", transport=transport, timeout=0.2, read_retry_delays=(0, 0)) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(TransportError) as caught:
            await client.job_action("job-1", "stop")
    assert posts == 1
    error = caught.value
    assert error.message == "timed out: no answer in 0.2 s"
    assert (error.method, error.path) == ("POST", "/v8/Jobs/job-1/stop")
    assert error.may_have_reached_server


async def test_a_full_start_says_so_in_its_body_and_a_plain_one_says_not_full(server, make_client):
    client = await signed_in(server, make_client)
    start = server.post("/v8/Jobs/job-1/start").mock(return_value=httpx.Response(202))
    full = await client.job_action("job-1", "start", full=True)
    assert json.loads(start.calls.last.request.content) == {"full": True}
    await client.job_action("job-1", "start")
    assert json.loads(start.calls.last.request.content) == {"full": False}
    assert full.status == 202 and 0 <= full.elapsed_s < 5


async def test_requests_before_sign_in_are_refused_naming_the_request(make_client):
    client = make_client("v8")
    with pytest.raises(AuthError) as caught:
        await client.get_job("job-1")
    assert caught.value.message == "not signed in"
    assert (caught.value.method, caught.value.path) == ("GET", "/v8/Jobs/job-1")


async def test_requests_after_sign_out_are_refused_naming_the_request(server, make_client):
    client = await signed_in(server, make_client)
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    server.post("/v8/token/logout").mock(return_value=httpx.Response(200))
    await client.get_job("job-1")
    await client.sign_out()
    with pytest.raises(AuthError) as caught:
        await client.job_action("job-1", "start")
    assert caught.value.message == "not signed in"
    assert caught.value.method == "POST" and caught.value.path == "/v8/Jobs/job-1/start"


async def test_a_read_past_the_clients_deadline_is_resent_then_named_and_each_try_is_reported(
    backoff: list[float],
) -> None:
    reads = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal reads
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json=json.loads(token_reply().content))
        reads += 1
        await asyncio.sleep(5)
        return httpx.Response(200, json=job_json(1))

    exchanges: list[tuple[object, ...]] = []
    transport = httpx.MockTransport(handler)
    async with VboClient(
        BASE,
        "v8",
        transport=transport,
        timeout=0.2,
        read_retry_delays=(0.01, 0.01),
        on_exchange=lambda e: exchanges.append((e.method, e.path, e.status, e.error)),
    ) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(TransportError) as caught:
            await client.get_job("job-1")
    assert reads == 3  # the first try and one per delay
    assert backoff == [0.01, 0.01]  # each pause as configured
    assert caught.value.message == "timed out: no answer in 0.2 s"
    assert (caught.value.method, caught.value.path) == ("GET", "/v8/Jobs/job-1")
    assert not caught.value.may_have_reached_server
    tries = [e for e in exchanges if e[1] == "/v8/Jobs/job-1"]
    assert tries == [("GET", "/v8/Jobs/job-1", None, "timed out: no answer in 0.2 s")] * 3


async def test_a_read_no_retry_can_mend_is_sent_once(server, make_client):
    client = await signed_in(server, make_client, read_retry_delays=(0, 0))
    read = server.get("/v8/Jobs/job-1").mock(side_effect=httpx.UnsupportedProtocol("no such scheme"))
    with pytest.raises(TransportError) as caught:
        await client.get_job("job-1")
    assert read.call_count == 1
    assert caught.value.message == "transport error: no such scheme"
    assert not caught.value.may_have_reached_server


async def test_a_5xx_read_is_resent_after_each_pause_and_a_5xx_action_never(server, make_client, backoff):
    client = await signed_in(server, make_client, read_retry_delays=(0.25, 0.5))
    read = server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(503))
    start = server.post("/v8/Jobs/job-1/start").mock(return_value=httpx.Response(503))
    with pytest.raises(VboError) as caught:
        await client.get_job("job-1")
    assert read.call_count == 3 and backoff == [0.25, 0.5] and caught.value.status == 503
    backoff.clear()
    with pytest.raises(VboError):
        await client.job_action("job-1", "start")
    assert start.call_count == 1 and backoff == []
