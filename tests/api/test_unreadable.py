"""Answers that cannot be read (issue 9 §4): an UnreadableAnswer that says the server may have acted.

A proxy's HTML page, a 200 whose body is not JSON, JSON nested past any parser, a body of the
wrong shape: each is a VboError (never a bare exception, never "ok"), and an action whose answer
was lost or unreadable is never sent twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from vbotui.api import (
    AuthError,
    ExploreOptions,
    MalformedResponse,
    NotFound,
    ServerError,
    TransportError,
    UnreadableAnswer,
    VboClient,
    VboError,
)

from .sim_support import Simulator, make_sim

BASE = "https://vbo.sim:4443"
PREFIX = "the server's answer could not be read: "
DEEP = 100_000
Pair = Callable[..., Awaitable["tuple[Simulator, VboClient]"]]


@pytest.fixture
async def signed_in() -> AsyncIterator[Pair]:
    """A simulator with the given faults and a client signed in to it (in process)."""
    clients: list[VboClient] = []

    async def make(version: str = "v8", *faults: str) -> tuple[Simulator, VboClient]:
        sim, _ = make_sim()
        client = VboClient(BASE, version, transport=httpx.ASGITransport(app=sim.app))
        clients.append(client)
        await client.sign_in("admin", "secret")
        for fault in faults:
            sim.add_fault(fault)
        return sim, client

    yield make
    for client in clients:
        await client.aclose()


def sent(sim: Simulator, method: str, suffix: str) -> int:
    return len([r for r in sim.requests if r.method == method and r.path.lower().endswith(suffix.lower())])


def idle_enabled(sim: Simulator) -> str:
    return next(j.id for j in sim.jobs.values() if j.is_enabled and j.running_session_id is None)


def assert_unreadable(error: BaseException, *words: str) -> None:
    assert isinstance(error, UnreadableAnswer) and isinstance(error, MalformedResponse)
    assert error.may_have_reached_server
    assert error.message.startswith(PREFIX) and len(error.message) < 200
    for word in words:
        assert word in error.message


# ----- reads -----------------------------------------------------------------------------------


READS: dict[str, Callable[[VboClient, Simulator], Awaitable[Any]]] = {
    "list_jobs": lambda client, sim: client.list_jobs(),
    "get_job": lambda client, sim: client.get_job(next(iter(sim.jobs))),
    "list_organizations": lambda client, sim: client.list_organizations(),
    "job_sessions": lambda client, sim: client.job_sessions(next(iter(sim.jobs))),
    "list_restore_sessions": lambda client, sim: client.list_restore_sessions(),
}


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("malformed", ["not JSON", "HTTP 200", "application/json"]),
        ("html", ["not JSON", "text/html"]),
        ("deep", ["nested too deeply"]),
    ],
    ids=["not-json", "proxy-html", "deeply-nested"],
)
async def test_an_unreadable_answer_to_a_read_is_an_unreadable_answer(signed_in, read, fault, words):
    sim, client = await signed_in("v8", f"{fault}@GET:/v8/*")
    with pytest.raises(VboError) as caught:
        await READS[read](client, sim)
    assert_unreadable(caught.value, *words)
    assert caught.value.status == 200 and caught.value.method == "GET"
    assert "may have reached" not in caught.value.describe()  # a read changed nothing
    gets = [r for r in sim.requests if r.method == "GET"]
    assert len(gets) == 1  # an answer came: not a transport failure, not retried


async def test_a_deeply_nested_list_on_an_old_version_too(signed_in):
    sim, client = await signed_in("v3", "deep@GET:/v3/RestoreSessions")
    with pytest.raises(UnreadableAnswer) as caught:
        await client.list_restore_sessions()
    assert_unreadable(caught.value, "nested too deeply")


def _mock_client(answer: httpx.Response) -> VboClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "AT", "refresh_token": "RT", "expires_in": 3600})
        return answer

    return VboClient("https://vbo.test", "v8", transport=httpx.MockTransport(handler), read_retry_delays=())


@pytest.mark.parametrize(
    ("call", "body", "words"),
    [
        ("list_jobs", {"results": "nope"}, ["array"]),
        ("list_jobs", {"items": []}, ["array"]),
        ("list_jobs", 42, ["array"]),
        ("list_jobs", [1, 2], ["a number"]),
        ("list_jobs", [[{"id": "j"}]], ["an array"]),
        ("list_organizations", None, ["array"]),
        ("get_job", ["not", "an", "object"], ["an array"]),
        ("get_job", "just a string", ["a string"]),
        ("get_job", True, ["true/false"]),
        ("list_restore_sessions", {"results": [None]}, ["null"]),
    ],
)
async def test_a_body_of_the_wrong_shape_is_an_unreadable_answer(call, body, words):
    answer = httpx.Response(200, content=b"null") if body is None else httpx.Response(200, json=body)
    async with _mock_client(answer) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(UnreadableAnswer) as caught:
            await (client.get_job("j") if call == "get_job" else getattr(client, call)())
    assert_unreadable(caught.value, *words)


@pytest.mark.parametrize("content", [b"NaN", b'{"id": Infinity}', b"\xff\xfe{", b"[" * DEEP])
async def test_what_pythons_json_would_take_or_choke_on_is_unreadable(content):
    async with _mock_client(httpx.Response(200, content=content)) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(UnreadableAnswer):
            await client.get_job("j")


@pytest.mark.parametrize(("status", "error"), [(404, NotFound), (503, ServerError)])
async def test_a_deeply_nested_error_body_keeps_its_status(status, error):
    content = b'{"message":' + b"[" * DEEP + b"]" * DEEP + b"}"
    async with _mock_client(httpx.Response(status, content=content)) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(error) as caught:
            await client.get_job("j")
    assert caught.value.status == status


async def test_a_redirect_to_a_proxy_page_is_unreadable():
    answer = httpx.Response(302, headers={"location": "https://proxy.corp/login"})
    async with _mock_client(answer) as client:
        await client.sign_in("admin", "pw")
        with pytest.raises(UnreadableAnswer) as caught:
            await client.job_action("j", "enable")
    assert_unreadable(caught.value, "302")
    assert "may have reached the server; check before retrying" in caught.value.describe()


# ----- actions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["malformed-after", "deep-after"])
async def test_a_start_done_whose_answer_is_unreadable_is_unknown_and_sent_once(signed_in, fault):
    sim, client = await signed_in("v8", f"{fault}x1@POST:/v8/Jobs/*/start")
    job_id = idle_enabled(sim)
    with pytest.raises(UnreadableAnswer) as caught:
        await client.job_action(job_id, "start")
    assert_unreadable(caught.value)
    assert "may have reached the server; check before retrying" in caught.value.describe()
    assert sim.jobs[job_id].running_session_id is not None  # it did start
    assert sent(sim, "POST", "/start") == 1


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_an_enable_done_whose_answer_is_unreadable_is_never_ok(signed_in, version):
    suffix = "/Action" if version == "v3" else "/enable"
    sim, client = await signed_in(version, f"malformed-afterx1@POST:/{version}/Jobs/*{suffix}")
    job_id = next(j.id for j in sim.jobs.values() if not j.is_enabled)
    with pytest.raises(UnreadableAnswer):
        await client.job_action(job_id, "enable")
    assert sim.jobs[job_id].is_enabled  # done, but the client could not know it
    assert sent(sim, "POST", suffix) == 1


async def test_a_proxy_page_instead_of_the_action_is_unknown_too(signed_in):
    sim, client = await signed_in("v8", "html@POST:/v8/Jobs/*/stop")
    with pytest.raises(UnreadableAnswer) as caught:
        await client.job_action(idle_enabled(sim), "stop")
    assert_unreadable(caught.value, "text/html")
    assert sent(sim, "POST", "/stop") == 1


async def test_an_explore_whose_answer_is_unreadable_may_have_made_a_session(signed_in):
    sim, client = await signed_in("v8", "malformed-afterx1@POST:/v8/Jobs/*/explore")
    when = datetime.now(timezone.utc) - timedelta(days=1)
    with pytest.raises(UnreadableAnswer):
        await client.explore(next(iter(sim.jobs)), ExploreOptions(when, "vex"))
    assert len(sim.restore_sessions) == 1  # made: the re-read finds it
    assert [s.id for s in await client.list_restore_sessions()] == list(sim.restore_sessions)
    assert sent(sim, "POST", "/explore") == 1


async def test_stopping_a_restore_session_with_an_unreadable_answer(signed_in):
    sim, client = await signed_in("v8")
    when = datetime.now(timezone.utc) - timedelta(days=1)
    session = (await client.explore(next(iter(sim.jobs)), ExploreOptions(when, "vex"))).restore_session
    assert session is not None
    sim.add_fault("malformed-afterx1@POST:/v8/RestoreSessions/*/Stop")
    with pytest.raises(UnreadableAnswer):
        await client.stop_restore_session(session.id)
    assert sim.restore_sessions[session.id].state == "Stopped"
    assert sent(sim, "POST", "/Stop") == 1


@pytest.mark.parametrize("fault", ["drop-after", "drop", "503", "500"])
async def test_an_action_whose_answer_is_lost_or_failed_is_sent_exactly_once(signed_in, fault):
    sim, client = await signed_in("v8", f"{fault}@POST:/v8/Jobs/*/start")
    with pytest.raises((TransportError, ServerError)):
        await client.job_action(idle_enabled(sim), "start")
    assert sent(sim, "POST", "/start") == 1


async def test_a_refused_token_resends_the_action_once_after_the_refresh(signed_in):
    sim, client = await signed_in("v8", "expire-tokenx1@POST:/v8/Jobs/*/start")
    job_id = idle_enabled(sim)
    await client.job_action(job_id, "start")  # 401 (refused, so not done), refresh, sent again
    assert sent(sim, "POST", "/start") == 2 and sim.jobs[job_id].running_session_id is not None
    assert [r.form.get("grant_type") for r in sim.requests if r.form] == ["password", "refresh_token"]


async def test_after_the_refresh_a_lost_answer_is_not_sent_a_third_time(signed_in):
    sim, client = await signed_in(
        "v8", "expire-tokenx1@POST:/v8/Jobs/*/start", "drop-afterx1@POST:/v8/Jobs/*/start"
    )
    job_id = idle_enabled(sim)
    with pytest.raises(TransportError) as caught:
        await client.job_action(job_id, "start")
    assert caught.value.may_have_reached_server
    assert sent(sim, "POST", "/start") == 2 and sim.jobs[job_id].running_session_id is not None


async def test_when_the_refresh_answer_is_lost_the_action_is_not_resent(signed_in):
    sim, client = await signed_in("v8", "expire-tokenx1@POST:/v8/Jobs/*/start", "drop@POST:/v8/token")
    with pytest.raises(AuthError) as caught:  # the server refused the token: the start did nothing
        await client.job_action(idle_enabled(sim), "start")
    assert caught.value.status == 401 and not caught.value.may_have_reached_server
    assert sent(sim, "POST", "/start") == 1
