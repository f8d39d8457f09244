"""ServerSession against the in-process simulator, with the memory store (no keyring needed)."""

from __future__ import annotations

import pytest

from vbotui.api.errors import AuthError
from vbotui.auth import MemoryTokenStore, Secret, ServerSession, StoredToken
from vbotui.auth.session import REFUSED_STORED_TOKEN
from vbotui.config import Profile
from vbotui.tls import KnownServers, TlsTrust

from .support_sim import SimServer


def session_for(server: SimServer, store, tmp_path, *, version="v8", env=None, user="admin", name="lab"):
    profile = Profile(name, "https://vbo.test:4443", user=user, api_version=version)
    return ServerSession(
        profile,
        store,
        known_servers=KnownServers(tmp_path / "known.json"),
        transport=server.transport(),
        env=env or {},
    )


def token_grants(server: SimServer) -> list[str]:
    return [r.form["grant_type"] for r in server.sim.requests if r.form and "grant_type" in r.form]


async def test_without_a_saved_sign_in_a_password_is_needed(tmp_path):
    server = SimServer()
    session = session_for(server, MemoryTokenStore(), tmp_path)
    outcome = await session.start()
    assert outcome.status == "password_needed" and outcome.client is None
    assert server.sim.requests == []  # nothing was sent without credentials


async def test_a_password_sign_in_is_resumed_by_the_next_session_without_a_password(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    first = session_for(server, store, tmp_path)
    outcome = await first.sign_in("secret")
    assert (outcome.status, outcome.method) == ("signed_in", "password")
    assert len(await outcome.client.list_jobs()) == 5
    await first.aclose()

    second = session_for(server, store, tmp_path)
    resumed = await second.start()
    assert (resumed.status, resumed.method) == ("signed_in", "refresh_token")
    assert len(await resumed.client.list_jobs()) == 5
    assert token_grants(server) == ["password", "refresh_token"]
    # The simulator rotates refresh tokens: the store must now hold the newest one.
    stored = store.load("lab", "https://vbo.test:4443", "admin", None)
    assert stored is not None and stored.refresh_token == Secret(resumed.client.refresh_token)
    await second.aclose()


async def test_a_refused_refresh_token_is_deleted_and_the_password_asked_for(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    store.save("lab", StoredToken(Secret("revoked-token"), "https://vbo.test:4443", "admin"))
    session = session_for(server, store, tmp_path)
    outcome = await session.start()
    assert outcome.status == "password_needed"
    assert REFUSED_STORED_TOKEN in outcome.notices
    assert store.load("lab", "https://vbo.test:4443", "admin", None) is None
    await session.aclose()


async def test_a_token_is_only_offered_to_the_server_and_user_it_was_issued_for(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    store.save("lab", StoredToken(Secret("elsewhere"), "https://other.test:4443", "admin"))
    outcome = await session_for(server, store, tmp_path).start()
    assert outcome.status == "password_needed" and server.sim.requests == []
    store.save("lab", StoredToken(Secret("someone-else"), "https://vbo.test:4443", "CORP\\other"))
    outcome = await session_for(server, store, tmp_path).start()
    assert outcome.status == "password_needed" and server.sim.requests == []


def test_a_pinned_token_is_only_offered_over_the_same_certificate():
    pin_a, pin_b = ":".join(["AA"] * 32), ":".join(["BB"] * 32)
    store = MemoryTokenStore()
    store.save("lab", StoredToken(Secret("t"), "https://vbo.test:4443", "admin", pin_a))
    assert store.load("lab", "https://vbo.test:4443", "admin", pin_a) is not None
    assert store.load("lab", "https://vbo.test:4443", "admin", pin_b) is None


async def test_vbotui_password_is_used_and_never_stored(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    session = session_for(server, store, tmp_path, env={"VBOTUI_PASSWORD": "secret"})
    outcome = await session.start()
    assert (outcome.status, outcome.method) == ("signed_in", "password")
    stored = store.load("lab", "https://vbo.test:4443", "admin", None)
    assert stored is not None and "secret" not in stored.to_json()
    await session.aclose()


async def test_a_wrong_vbotui_password_falls_back_to_asking(tmp_path):
    server = SimServer()
    session = session_for(server, MemoryTokenStore(), tmp_path, env={"VBOTUI_PASSWORD": "wrong"})
    outcome = await session.start()
    assert outcome.status == "password_needed"
    assert any("VBOTUI_PASSWORD was refused" in n for n in outcome.notices)


async def test_a_wrong_password_raises_auth_error_and_stores_nothing(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    session = session_for(server, store, tmp_path)
    with pytest.raises(AuthError):
        await session.sign_in("wrong")
    assert store.load("lab", "https://vbo.test:4443", "admin", None) is None


async def test_logout_on_v8_revokes_on_the_server_and_deletes_the_entry(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    session = session_for(server, store, tmp_path)
    outcome = await session.sign_in("secret")
    old_refresh = outcome.client.refresh_token
    result = await session.logout()
    assert result.signed_out_on_server and result.entry_deleted
    assert any(r.path == "/v8/token/logout" for r in server.sim.requests)
    assert store.load("lab", "https://vbo.test:4443", "admin", None) is None
    # The revoked refresh token no longer works: put it back, and the next start asks for the password.
    store.save("lab", StoredToken(Secret(old_refresh), "https://vbo.test:4443", "admin"))
    again = await session_for(server, store, tmp_path).start()
    assert again.status == "password_needed" and REFUSED_STORED_TOKEN in again.notices
    assert store.load("lab", "https://vbo.test:4443", "admin", None) is None


async def test_logout_without_a_live_session_uses_the_saved_token_to_revoke(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    first = session_for(server, store, tmp_path)
    await first.sign_in("secret")
    await first.aclose()
    result = await session_for(server, store, tmp_path).logout()  # what `vbotui logout` does
    assert result.signed_out_on_server and result.entry_deleted
    assert [r.path for r in server.sim.requests][-1] == "/v8/token/logout"


async def test_logout_on_v6_deletes_the_entry_and_says_the_server_has_no_logout(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    session = session_for(server, store, tmp_path, version="v6")
    await session.sign_in("secret")
    result = await session.logout()
    assert not result.signed_out_on_server and result.entry_deleted
    assert any("no logout" in n for n in result.notices)
    assert not any("logout" in r.path.lower() for r in server.sim.requests)


async def test_insecure_is_visible_on_the_session(tmp_path):
    profile = Profile("lab", "https://vbo.test:4443", user="admin", tls=TlsTrust("insecure"))
    session = ServerSession(profile, MemoryTokenStore(), known_servers=KnownServers(tmp_path / "k.json"))
    assert session.insecure


def test_secrets_do_not_show_in_reprs():
    token = StoredToken(Secret("rt-123"), "https://vbo.test:4443", "admin")
    assert "rt-123" not in repr(token) and "rt-123" not in str(token) and "rt-123" not in f"{token}"
    assert "rt-123" not in repr(Secret("rt-123")) and "rt-123" not in f"{Secret('rt-123')}"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(Secret("rt-123"))
