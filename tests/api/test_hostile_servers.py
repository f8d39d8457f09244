"""Servers that never finish: a trickled answer ends at the deadline, an endless one at the size
ceiling, pages that repeat at the first repeat; a download waits as long as bytes keep coming. The
simulator's faults, over real TLS on 127.0.0.1 where streaming matters (httpx's in-process
transport reads a whole answer before handing it over)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import trustme

from vbotui.api import AnswerTooLarge, Limits, TransportError, VboClient
from vbotui.api.dialects import RequestSpec
from vbotui.api.paging import collect
from vbotui.operations.outcome import FAILED, UNKNOWN, classify
from vbotui.sim import FIRST_JOB_ID, Simulator

from ..helpers.tls import serve_https
from .sim_support import make_sim

MB = 1024 * 1024


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def leaf(ca: trustme.CA) -> Iterator[tuple[str, str]]:
    cert = ca.issue_cert("127.0.0.1")
    with cert.cert_chain_pems[0].tempfile() as cert_file, cert.private_key_pem.tempfile() as key_file:
        yield str(cert_file), str(key_file)


def tls_client(ca: trustme.CA, port: int, limits: Limits) -> VboClient:
    import ssl

    context = ssl.create_default_context()
    ca.configure_trust(context)
    return VboClient(f"https://127.0.0.1:{port}", "v8", verify=context, limits=limits, read_retry_delays=())


def served(sim: Simulator, method: str, suffix: str) -> int:
    return len([r for r in sim.requests if r.method == method and r.path.endswith(suffix)])


async def test_a_trickled_answer_ends_at_the_total_deadline(ca, leaf) -> None:
    """A byte every 50 ms keeps each network read well inside its timeout: only a total deadline
    ends it (the job's ~800 bytes would take 40 s)."""
    sim, _ = make_sim(
        faults=[f"tricklex1@GET:/v8/Jobs/{FIRST_JOB_ID}", "tricklex1@POST:/v8/Jobs/*/start"],
        trickle_seconds=0.05,
    )
    with serve_https(sim.app, leaf) as port:
        async with tls_client(ca, port, Limits(request_s=1.0)) as client:
            await client.sign_in("admin", "secret")
            with pytest.raises(TransportError) as read:
                await client.get_job(FIRST_JOB_ID)
            assert "timed out: no answer in 1 s" in read.value.message
            assert not read.value.may_have_reached_server
            assert classify(read.value, read=True).kind == FAILED
            assert (await client.get_job(FIRST_JOB_ID)).id == FIRST_JOB_ID  # the fault was once

            with pytest.raises(TransportError) as action:
                await client.job_action(FIRST_JOB_ID, "start")
            assert action.value.may_have_reached_server  # the start was handled; its answer trickled
            assert classify(action.value).kind == UNKNOWN
            assert served(sim, "POST", "/start") == 1


async def test_an_endless_answer_stops_at_the_size_ceiling(ca, leaf) -> None:
    sim, _ = make_sim(faults=["endlessx1@GET:/v8/Jobs", "endlessx1@POST:/v8/Jobs/*/start"])
    with serve_https(sim.app, leaf) as port:
        async with tls_client(ca, port, Limits(max_answer_bytes=2 * MB)) as client:
            await client.sign_in("admin", "secret")
            with pytest.raises(AnswerTooLarge) as read:
                await client.list_jobs()
            assert "answer too large (more than 2 MB)" in read.value.message
            outcome = classify(read.value, read=True)
            assert outcome.kind == FAILED and "may have reached" not in outcome.describe()

            with pytest.raises(AnswerTooLarge) as action:
                await client.job_action(FIRST_JOB_ID, "start")
            assert classify(action.value).kind == UNKNOWN
            assert len(await client.list_jobs()) == 40  # the client still works


async def test_a_download_has_no_ceiling_and_no_total_but_a_stall_ends_it(ca, leaf) -> None:
    sim, _ = make_sim(faults=["tricklex1@GET:/v8/Organizations"], trickle_seconds=30)
    with serve_https(sim.app, leaf) as port:
        limits = Limits(max_answer_bytes=1000, download_stall_s=0.5)
        async with tls_client(ca, port, limits) as client:
            await client.sign_in("admin", "secret")
            pieces: list[bytes] = []
            assert await client.download(RequestSpec("GET", "/v8/Jobs"), pieces.append) == 200
            body = b"".join(pieces)
            assert len(body) > 1000 and len(json.loads(body)["results"]) == 30  # a default page

            with pytest.raises(TransportError, match="stalled: no data in 0.5 s"):
                await client.download(RequestSpec("GET", "/v8/Organizations"), pieces.append)


async def test_a_restore_waits_for_its_own_deadline() -> None:
    sim, _ = make_sim()
    limits = Limits(request_s=0.1, restore_s=60)
    transport = httpx.ASGITransport(app=sim.app)
    async with VboClient("http://sim.test", "v8", transport=transport, limits=limits) as client:
        await client.sign_in("admin", "secret")
        sim.config.latency_ms = 300  # every answer from now on comes after the request deadline
        start = RequestSpec("POST", f"/v8/Jobs/{FIRST_JOB_ID}/start", body={"full": False}, has_body=True)
        assert (await client.restore(start)).status == 200
        with pytest.raises(TransportError, match="timed out"):
            await client.job_action(FIRST_JOB_ID, "stop")


@pytest.mark.parametrize("path", ["/v8/Jobs", "/v8/JobSessions/*/LogItems"])
async def test_pages_that_repeat_stop_at_the_first_repeat_and_say_so_once(path: str) -> None:
    sim, _ = make_sim(faults=[f"repeat-pages@GET:{path}"])
    transport = httpx.ASGITransport(app=sim.app)
    async with VboClient("http://sim.test", "v8", transport=transport, page_size=10) as client:
        await client.sign_in("admin", "secret")
        heard: list[str] = []
        client.on_paging_stopped = heard.append
        if path == "/v8/Jobs":
            jobs = await client.list_jobs()
            assert len(jobs) == 10 and len({job.id for job in jobs}) == 10  # the one page, once
        else:
            [session, *_] = await client.job_sessions(FIRST_JOB_ID)
            items = await client.session_log_items(session.id)
            assert len(items) == 10  # its first page, once
        [said] = heard
        assert "the server sent the same page again (offset 0)" in said and "may be incomplete" in said
        assert served(sim, "GET", "/Jobs" if path == "/v8/Jobs" else "/LogItems") == 2


async def test_paging_stops_past_the_byte_bound() -> None:
    sim, _ = make_sim()
    transport = httpx.ASGITransport(app=sim.app)
    limits = Limits(max_list_bytes=1000)
    async with VboClient("http://sim.test", "v8", transport=transport, page_size=10, limits=limits) as client:
        await client.sign_in("admin", "secret")
        heard: list[str] = []
        client.on_paging_stopped = heard.append
        assert len(await client.list_jobs()) == 10
        assert heard == [
            "/v8/Jobs: the server sent pages that passed 1000 bytes together; "
            "stopped reading after 10 items (the list may be incomplete)"
        ]


def counted_pages(total: int, per_page: int) -> Any:
    """A fetcher of pages with new ids each time, a `next` link always, and `totalCount`."""
    calls = 0

    async def fetch(params: dict[str, str | int] | None) -> Any:
        nonlocal calls
        calls += 1
        results = [{"id": f"{calls}-{n}"} for n in range(per_page)]
        links = {"self": {"href": "x"}, "next": {"href": "y"}}
        return {
            "offset": (calls - 1) * per_page,
            "limit": per_page,
            "totalCount": total,
            "results": results,
            "_links": links,
        }

    return fetch


async def test_paging_stops_when_total_count_is_reached_or_passed() -> None:
    heard: list[str] = []
    items = await collect(counted_pages(4, 2), paged=True, page_size=2, on_stop=heard.append, path="/v7/Jobs")
    assert len(items) == 4 and heard == []  # all the server counts: an end, nothing to say
    items = await collect(counted_pages(3, 2), paged=True, page_size=2, on_stop=heard.append, path="/v7/Jobs")
    assert len(items) == 4
    assert heard == [
        "/v7/Jobs: the server sent more items than its totalCount of 3; "
        "stopped reading after 4 items (the list may be incomplete)"
    ]


async def test_a_repeat_is_also_the_same_first_and_last_ids() -> None:
    """A server that echoes the offset asked but sends the first page again."""

    async def fetch(params: dict[str, str | int] | None) -> Any:
        offset = (params or {}).get("offset", 0)
        results = [{"id": "a"}, {"id": "b"}]
        return {"offset": offset, "limit": 2, "results": results, "_links": {"next": {"href": "n"}}}

    heard: list[str] = []
    items = await collect(fetch, paged=True, page_size=2, on_stop=heard.append)
    assert items == [{"id": "a"}, {"id": "b"}]
    assert heard == [
        "the server sent the same page again (ids a to b); "
        "stopped reading after 2 items (the list may be incomplete)"
    ]


async def test_an_action_resent_after_a_refused_token_says_so() -> None:
    sim, _ = make_sim(faults=["expire-tokenx1@POST:/v8/Jobs/*/start"])
    transport = httpx.ASGITransport(app=sim.app)
    async with VboClient("http://sim.test", "v8", transport=transport) as client:
        await client.sign_in("admin", "secret")
        result = await client.job_action(FIRST_JOB_ID, "start")
        assert result.resent_after_refused_token and served(sim, "POST", "/start") == 2
        assert not (await client.job_action(FIRST_JOB_ID, "stop")).resent_after_refused_token

        sim.add_fault("expire-tokenx1@POST:/v8/Jobs/*/stop")
        sim.add_fault("500x1@POST:/v8/Jobs/*/stop")
        with pytest.raises(Exception) as refused:
            await client.job_action(FIRST_JOB_ID, "stop")
        assert getattr(refused.value, "resent_after_refused_token", None) is True
        assert served(sim, "POST", "/stop") == 3  # once, then this one twice: never a third time
