"""Tokens at the edges a mutmut run over vbotui/api/tokens.py found untested: a lifetime under a
second, a 401 with no refresh token to fall back on, an access token that is not a usable string, a
keyring that fails to store the new refresh token, the refresh count and the repr."""

from __future__ import annotations

import logging

import httpx
import pytest

from vbotui.api import AuthError, MalformedResponse
from vbotui.api.tokens import AccessTokens

from .helpers import FakeClock, job_json, token_reply


async def test_a_lifetime_under_a_second_is_taken_as_given_and_refreshed_at_half_life(
    server, make_client, clock
):
    reply = httpx.Response(200, json={"access_token": "AT1", "refresh_token": "RT1", "expires_in": 0.5})
    token = server.post("/v8/token").mock(side_effect=[reply, token_reply("AT2", "RT2")])
    jobs = server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    clock.advance(0.2)
    await client.get_job("job-1")
    assert token.call_count == 1
    clock.advance(0.05)  # 0.25 s: half of the 0.5 s it was given, not the documented hour
    await client.get_job("job-1")
    assert token.call_count == 2
    assert jobs.calls.last.request.headers["authorization"] == "Bearer AT2"


async def test_a_401_without_a_refresh_token_ends_the_session(server, make_client):
    reply = httpx.Response(200, json={"access_token": "AT1", "expires_in": 3600})
    token = server.post("/v8/token").mock(return_value=reply)
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(401))
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    with pytest.raises(AuthError) as caught:
        await client.get_job("job-1")
    assert caught.value.status == 401
    assert caught.value.message == "the session has expired; sign in again"
    assert not client.is_signed_in and token.call_count == 1  # nothing to refresh with: no grant sent


@pytest.mark.parametrize("access", ["", 123, None, ["AT"]])
async def test_a_token_reply_whose_access_token_is_not_a_string_is_unreadable(server, make_client, access):
    server.post("/v8/token").mock(return_value=httpx.Response(200, json={"access_token": access}))
    client = make_client("v8")
    with pytest.raises(MalformedResponse) as caught:
        await client.sign_in("admin", "pw")
    assert (
        caught.value.message == "the server's answer could not be read: the token reply has no access_token"
    )
    assert caught.value.method == "POST" and caught.value.may_have_reached_server
    assert not client.is_signed_in


async def test_a_keyring_that_fails_to_store_the_refresh_token_is_a_warning(server, make_client, caplog):
    server.post("/v8/token").mock(return_value=token_reply("AT1", "RT1"))
    client = make_client("v8")

    def broken_keyring(refresh_token: str) -> None:
        raise RuntimeError("keyring locked")

    client.on_refresh_token = broken_keyring
    with caplog.at_level(logging.WARNING, logger="vbotui.api.tokens"):
        await client.sign_in("admin", "pw")
    assert client.is_signed_in and client.refresh_token == "RT1"
    [record] = [r for r in caplog.records if r.name == "vbotui.api.tokens"]
    assert record.getMessage() == "storing the new refresh token failed"
    assert record.exc_info is not None and "keyring locked" in str(record.exc_info[1])
    assert "RT1" not in caplog.text


async def test_each_refresh_grant_is_counted_once() -> None:
    clock = FakeClock()
    grants: list[dict[str, str]] = []

    async def send(form: dict[str, str]) -> dict[str, object]:
        grants.append(form)
        n = len(grants)
        return {
            "access_token": f"AT{n}",
            "refresh_token": f"RT{n}",
            "expires_in": 100,
            "userName": "CORP\\admin",
        }

    tokens = AccessTokens(send, clock=clock)
    await tokens.password_grant("admin", "pw")
    assert tokens.refresh_count == 0
    await tokens.ensure_fresh()
    assert tokens.refresh_count == 0  # not due yet
    clock.advance(50)
    await tokens.ensure_fresh()
    assert tokens.refresh_count == 1
    clock.advance(50)
    await tokens.ensure_fresh()
    assert tokens.refresh_count == 2 and len(grants) == 3
    assert repr(tokens) == "AccessTokens(signed in, user='CORP\\\\admin')"
    assert "AT3" not in repr(tokens) and "RT3" not in repr(tokens)
    await tokens.sign_out()
    assert repr(tokens) == "AccessTokens(signed out, user='CORP\\\\admin')"
    await tokens.ensure_fresh()  # signed out: nothing is due, nothing is sent
    assert len(grants) == 3


async def test_a_refresh_reply_without_a_new_refresh_token_keeps_the_old_one_unannounced(
    server, make_client, clock
):
    same = httpx.Response(200, json={"access_token": "AT2", "refresh_token": "RT1", "expires_in": 3600})
    none = httpx.Response(200, json={"access_token": "AT3", "expires_in": 3600})
    server.post("/v8/token").mock(side_effect=[token_reply("AT1", "RT1"), same, none])
    server.get("/v8/Jobs/job-1").mock(return_value=httpx.Response(200, json=job_json(1)))
    client = make_client("v8")
    seen: list[str] = []
    client.on_refresh_token = seen.append
    await client.sign_in("admin", "pw")
    for _ in range(2):
        clock.advance(3540)
        await client.get_job("job-1")
    assert client.refresh_token == "RT1" and client.is_signed_in
    assert seen == ["RT1"]  # announced once: neither the repeat nor the absent one is news for the keyring


@pytest.mark.parametrize("user", [42, "", None, ["CORP\\\\admin"]])
async def test_a_user_name_that_is_not_a_non_empty_string_is_not_taken(server, make_client, user):
    reply = {"access_token": "AT1", "refresh_token": "RT1", "expires_in": 3600, "userName": user}
    server.post("/v8/token").mock(return_value=httpx.Response(200, json=reply))
    client = make_client("v8")
    await client.sign_in_with_refresh_token("RT0")
    assert client.is_signed_in and client.user is None


async def test_a_sign_in_without_a_keyring_callback_warns_of_nothing(server, make_client, caplog):
    server.post("/v8/token").mock(return_value=token_reply("AT1", "RT1"))
    client = make_client("v8")
    with caplog.at_level(logging.WARNING, logger="vbotui.api.tokens"):
        await client.sign_in("admin", "pw")
    assert client.is_signed_in and client.on_refresh_token is None
    assert not [r for r in caplog.records if r.name == "vbotui.api.tokens"]
