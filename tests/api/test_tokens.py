"""Sign-in, refresh ahead of expiry, single-flight refresh, 401 -> refresh -> retry, sign-out."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from vbotui.api import AuthError, VboClient

from .helpers import BASE, FakeClock, job_json, token_reply


def form_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def test_password_grant_is_form_encoded_without_antiforgery_before_v7(server, make_client):
    route = server.post("/v6/token").mock(return_value=token_reply())
    client = make_client("v6")
    await client.sign_in("CORP\\admin", "s3cret")
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form_of(request) == {"grant_type": "password", "username": "CORP\\admin", "password": "s3cret"}
    assert client.refresh_token == "RT1" and client.user == "CORP\\admin" and client.is_signed_in


@pytest.mark.parametrize("version", ["v7", "v8"])
async def test_v7_and_later_disable_the_antiforgery_token(server, make_client, version):
    route = server.post(f"/{version}/token").mock(return_value=token_reply())
    await make_client(version).sign_in("admin", "pw")
    assert form_of(route.calls.last.request)["disable_antiforgery_token"] == "true"


async def test_refused_password_raises_auth_error_with_the_servers_description(server, make_client):
    server.post("/v8/token").mock(
        return_value=httpx.Response(
            400,
            json={"error": "invalid_grant", "error_description": "The user name or password is incorrect."},
        )
    )
    client = make_client("v8")
    with pytest.raises(AuthError) as caught:
        await client.sign_in("admin", "wrong-password")
    assert caught.value.message == "The user name or password is incorrect."
    assert caught.value.error_code == "invalid_grant"
    assert "wrong-password" not in str(caught.value) and "wrong-password" not in caught.value.describe()
    assert not client.is_signed_in


async def test_token_reply_without_access_token_is_malformed(server, make_client):
    from vbotui.api import MalformedResponse

    server.post("/v8/token").mock(return_value=httpx.Response(200, json={"token_type": "bearer"}))
    with pytest.raises(MalformedResponse):
        await make_client("v8").sign_in("admin", "pw")


async def test_bearer_token_is_sent_and_every_new_refresh_token_is_announced(server, make_client, clock):
    server.post("/v8/token").mock(side_effect=[token_reply("AT1", "RT1"), token_reply("AT2", "RT2")])
    jobs = server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    seen: list[str] = []
    client.on_refresh_token = seen.append
    await client.sign_in("admin", "pw")
    await client.get_job("job-1")
    assert jobs.calls.last.request.headers["authorization"] == "Bearer AT1"
    clock.advance(3600 - 60)  # the refresh point: 60 s before expiry
    await client.get_job("job-1")
    assert jobs.calls.last.request.headers["authorization"] == "Bearer AT2"
    assert seen == ["RT1", "RT2"]
    assert client.refresh_token == "RT2"


async def test_refresh_grant_carries_the_refresh_token(server, make_client, clock):
    token = server.post("/v7/token").mock(side_effect=[token_reply("AT1", "RT1"), token_reply("AT2", "RT2")])
    server.get("/v7/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v7")
    await client.sign_in("admin", "pw")
    clock.advance(3541)
    await client.get_job("job-1")
    assert form_of(token.calls.last.request) == {
        "grant_type": "refresh_token",
        "refresh_token": "RT1",
        "disable_antiforgery_token": "true",
    }


async def test_short_lifetimes_refresh_at_half_life(server, make_client, clock):
    token = server.post("/v8/token").mock(side_effect=[token_reply(expires_in=20), token_reply("AT2", "RT2")])
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    clock.advance(9)
    await client.get_job("job-1")
    assert token.call_count == 1
    clock.advance(1)
    await client.get_job("job-1")
    assert token.call_count == 2


async def test_sign_in_with_refresh_token_takes_the_user_from_the_reply(server, make_client):
    token = server.post("/v8/token").mock(return_value=token_reply("AT9", "RT9"))
    client = make_client("v8")
    await client.sign_in_with_refresh_token("RT-from-keyring")
    assert form_of(token.calls.last.request)["refresh_token"] == "RT-from-keyring"
    assert client.user == "CORP\\admin" and client.refresh_token == "RT9"


async def test_refused_refresh_token_raises_auth_error(server, make_client):
    server.post("/v8/token").mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_grant", "error_description": "Token expired."}
        )
    )
    with pytest.raises(AuthError, match="Token expired."):
        await make_client("v8").sign_in_with_refresh_token("old")


async def test_401_refreshes_once_and_retries_the_request_once(server, make_client):
    server.post("/v8/token").mock(side_effect=[token_reply("AT1", "RT1"), token_reply("AT2", "RT2")])
    stale = httpx.Response(401, json={"message": "Authorization has been denied for this request."})
    start = server.post("/v8/Jobs/job-1/enable").mock(side_effect=[stale, httpx.Response(204)])
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    result = await client.job_action("job-1", "enable")
    assert result.status == 204
    assert [c.request.headers["authorization"] for c in start.calls] == ["Bearer AT1", "Bearer AT2"]


async def test_a_second_401_after_refresh_raises_auth_error(server, make_client):
    token = server.post("/v8/token").mock(side_effect=[token_reply("AT1", "RT1"), token_reply("AT2", "RT2")])
    jobs = server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(401, json={"message": "Denied."}))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    with pytest.raises(AuthError) as caught:
        await client.get_job("job-1")
    assert caught.value.status == 401 and caught.value.message == "Denied."
    assert token.call_count == 2 and jobs.call_count == 2


async def test_401_with_a_refused_refresh_raises_auth_error_and_forgets_tokens(server, make_client):
    server.post("/v8/token").mock(
        side_effect=[token_reply(), httpx.Response(400, json={"error_description": "Refresh token revoked."})]
    )
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(401))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    with pytest.raises(AuthError, match="Refresh token revoked."):
        await client.get_job("job-1")
    assert client.refresh_token is None and not client.is_signed_in


async def test_requests_before_sign_in_raise_auth_error(make_client):
    with pytest.raises(AuthError, match="not signed in"):
        await make_client("v8").get_job("x")


class SlowTokenServer:
    """An async handler that yields while answering /token, so concurrent requests really interleave."""

    def __init__(self) -> None:
        self.token_calls = 0
        self.accepted = {"AT1"}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        if request.url.path == "/v8/token":
            self.token_calls += 1
            await asyncio.sleep(0)
            access = f"AT{self.token_calls}"
            self.accepted = {access}
            return token_reply(access, f"RT{self.token_calls}")
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.accepted:
            return httpx.Response(401)
        return httpx.Response(200, json=job_json(1))


async def test_many_requests_on_an_expired_token_cause_one_refresh(clock: FakeClock):
    handler = SlowTokenServer()
    client = VboClient(BASE, "v8", transport=httpx.MockTransport(handler), clock=clock)
    await client.sign_in("admin", "pw")
    clock.advance(7200)
    jobs = await asyncio.gather(*(client.get_job("job-1") for _ in range(20)))
    assert len(jobs) == 20 and handler.token_calls == 2  # sign-in + one refresh
    await client.aclose()


async def test_many_concurrent_401s_cause_one_refresh(clock: FakeClock):
    handler = SlowTokenServer()
    client = VboClient(BASE, "v8", transport=httpx.MockTransport(handler), clock=clock)
    await client.sign_in("admin", "pw")
    handler.accepted = set()  # the server forgot the token (restart): every request gets a 401
    jobs = await asyncio.gather(*(client.get_job("job-1") for _ in range(20)))
    assert len(jobs) == 20 and handler.token_calls == 2
    await client.aclose()


async def test_sign_out_on_v7_posts_logout_and_forgets_tokens(server, make_client):
    server.post("/v7/token").mock(return_value=token_reply())
    logout = server.post("/v7/token/logout").mock(return_value=httpx.Response(204))
    client = make_client("v7")
    await client.sign_in("admin", "pw")
    await client.sign_out()
    assert logout.calls.last.request.headers["authorization"] == "Bearer AT1"
    assert client.refresh_token is None and not client.is_signed_in


async def test_sign_out_is_best_effort(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply())
    server.post("/v8/token/logout").mock(side_effect=httpx.ConnectError("refused"))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    await client.sign_out()
    assert client.refresh_token is None


async def test_sign_out_on_v6_sends_nothing(server: respx.MockRouter, make_client):
    server.post("/v6/token").mock(return_value=token_reply())
    client = make_client("v6")
    await client.sign_in("admin", "pw")
    calls_before = len(server.calls)
    await client.sign_out()
    assert len(server.calls) == calls_before and not client.is_signed_in


async def test_no_secret_in_repr(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply("ACCESS-SECRET", "REFRESH-SECRET"))
    client = make_client("v8")
    await client.sign_in("admin", "PASSWORD-SECRET")
    text = repr(client) + repr(client._tokens)
    for secret in ("ACCESS-SECRET", "REFRESH-SECRET", "PASSWORD-SECRET"):
        assert secret not in text


async def test_detect_version_uses_the_newest_served_prefix(server, make_client):
    server.get("/v8/ServiceInstance").mock(return_value=httpx.Response(404))
    probe = server.get("/v7/ServiceInstance").mock(return_value=httpx.Response(401))
    server.post("/v7/token").mock(return_value=token_reply())
    client = make_client("auto")
    assert client.version is None
    await client.sign_in("admin", "pw")
    assert client.version == "v7"
    assert "authorization" not in probe.calls.last.request.headers  # the probe is anonymous


@pytest.mark.parametrize(
    ("expires_in", "refresh_at"),
    [(3600, 3540), (600, 540), (120, 60), (20, 10)],
    ids=["1h", "10min", "2min", "20s"],
)
async def test_the_refresh_comes_at_its_margin_neither_early_nor_late(
    server, make_client, clock, expires_in, refresh_at
):
    """60 s before expiry (half-life for short lifetimes): not a second earlier, and before expiry."""
    token = server.post("/v8/token").mock(
        side_effect=[token_reply("AT1", "RT1", expires_in), token_reply("AT2", "RT2", expires_in)]
    )
    jobs = server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    clock.advance(refresh_at - 1)
    await client.get_job("job-1")
    assert token.call_count == 1, "refreshed too early"
    assert jobs.calls.last.request.headers["authorization"] == "Bearer AT1"
    clock.advance(1)
    await client.get_job("job-1")
    assert token.call_count == 2, "not refreshed at the refresh point"
    assert jobs.calls.last.request.headers["authorization"] == "Bearer AT2"
    assert refresh_at < expires_in  # the old token was still valid when it was replaced
    clock.advance(refresh_at - 1)  # the next refresh is counted from the new token's issue
    await client.get_job("job-1")
    assert token.call_count == 2


@pytest.mark.parametrize("expires_in", [0, -5, "3600", None, True, 1e400])
async def test_a_token_lifetime_that_makes_no_sense_counts_as_the_documented_hour(
    server, make_client, clock, expires_in
):
    reply = {"access_token": "AT1", "refresh_token": "RT1", "expires_in": expires_in}
    content = json.dumps(reply).replace("Infinity", "1e400").encode()
    replies = [httpx.Response(200, content=content), token_reply("AT2")]
    token = server.post("/v8/token").mock(side_effect=replies)
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    clock.advance(3539)
    await client.get_job("job-1")
    assert token.call_count == 1
    clock.advance(1)
    await client.get_job("job-1")
    assert token.call_count == 2
