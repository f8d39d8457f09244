"""Against a real Secret Service keyring.

Run: scripts/with-keyring.sh python -m pytest -q tests/auth -m keyring
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from vbotui.auth import KeyringTokenStore, Secret, ServerSession, StoredToken, probe_keyring
from vbotui.auth.session import REFUSED_STORED_TOKEN
from vbotui.config import Profile
from vbotui.tls import KnownServers

from .support_sim import SimServer

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.skipif(
        not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus session: use scripts/with-keyring.sh"
    ),
]

URL = "https://vbo.test:4443"


@pytest.fixture
def store() -> KeyringTokenStore:
    probe = probe_keyring()
    if not probe.secure or probe.backend is None:
        pytest.skip(f"no usable Secret Service here: {probe.reason}")
    return KeyringTokenStore(probe.backend)


@pytest.fixture
def profile_name(store: KeyringTokenStore):
    name = f"vbotui-test-{uuid.uuid4()}"  # unique per test: never touches a real profile's entry
    yield name
    store.delete(name)


def session(server: SimServer, store, name: str, tmp_path, version: str = "v8") -> ServerSession:
    profile = Profile(name, URL, user="admin", api_version=version)
    return ServerSession(
        profile,
        store,
        known_servers=KnownServers(tmp_path / "known.json"),
        transport=server.transport(),
        env={},
    )


async def test_a_new_session_signs_in_with_the_refresh_token_from_the_keyring(store, profile_name, tmp_path):
    server = SimServer()
    first = session(server, store, profile_name, tmp_path)
    await first.sign_in("secret")
    await first.aclose()
    raw = store.backend.get_password("vbotui", profile_name)
    entry = json.loads(raw or "{}")
    assert set(entry) == {"v", "refresh_token", "server", "user", "cert_sha256"}
    assert (entry["v"], entry["server"], entry["user"]) == (1, URL, "admin")
    assert "secret" not in entry.values()  # never the password

    resumed = await session(server, store, profile_name, tmp_path).start()
    assert (resumed.status, resumed.method) == ("signed_in", "refresh_token")
    assert len(await resumed.client.list_jobs()) == 5
    stored = store.load(profile_name, URL, "admin", None)
    assert stored is not None and stored.refresh_token == Secret(resumed.client.refresh_token)
    await resumed.client.aclose()


async def test_logout_removes_the_keyring_entry(store, profile_name, tmp_path):
    server = SimServer()
    active = session(server, store, profile_name, tmp_path)
    await active.sign_in("secret")
    result = await active.logout()
    assert result.entry_deleted and result.signed_out_on_server
    assert store.backend.get_password("vbotui", profile_name) is None


async def test_a_token_the_server_refuses_clears_the_entry_and_asks_for_the_password(
    store, profile_name, tmp_path
):
    server = SimServer()
    active = session(server, store, profile_name, tmp_path)
    outcome = await active.sign_in("secret")
    revoked = outcome.client.refresh_token
    await active.logout()  # v8 revokes it on the server
    store.save(profile_name, StoredToken(Secret(revoked), URL, "admin"))

    again = await session(server, store, profile_name, tmp_path).start()
    assert again.status == "password_needed" and REFUSED_STORED_TOKEN in again.notices
    assert store.backend.get_password("vbotui", profile_name) is None
