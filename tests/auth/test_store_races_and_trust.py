"""Issue 9 §9, §10 and the planted-bug kinds: a fresh token of another process is never deleted;
encrypted-file keyring backends are refused; a pin is the whole fingerprint; no proxy is used."""

from __future__ import annotations

import hashlib
import ssl

import httpx
import pytest

from vbotui.auth import KeyringTokenStore, MemoryTokenStore, Secret, ServerSession, StoredToken
from vbotui.auth.session import REFUSED_STORED_TOKEN, direct_transport
from vbotui.auth.store import pick_secure_backend, probe_keyring, refusal
from vbotui.config import Profile
from vbotui.tls import KnownServers, PinMismatch, _check_pin, format_fingerprint, pinned_context

from ..helpers.keyrings import DictBackend
from .support_sim import SimServer

URL = "https://vbo.test:4443"


def fake_backend(module: str, name: str) -> object:
    cls = type(name, (DictBackend,), {})
    cls.__module__ = module
    return cls()


# --- encrypted-file keyring backends are not secure -------------------------------------------


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("keyrings.alt.file", "EncryptedKeyring"),  # PBKDF2 1000 iterations, no MAC, getpass prompt
        ("keyrings.alt.file", "PlaintextKeyring"),
        ("keyrings.alt.pyfs", "EncryptedKeyring"),
        ("keyrings.alt.Gnome", "Keyring"),
        ("keyrings.cryptfile.cryptfile", "CryptFileKeyring"),
        ("some.plugin", "EncryptedFileKeyring"),
    ],
)
def test_encrypted_and_plaintext_file_backends_are_refused(module, name):
    backend = fake_backend(module, name)
    assert refusal(backend) is not None
    probe = probe_keyring(backend)
    assert not probe.secure and probe.backend is None and probe.notice and "memory" in probe.notice


def test_a_chainer_with_only_an_encrypted_file_backend_is_refused(monkeypatch):
    from keyring.backends import chainer

    encrypted = fake_backend("keyrings.alt.file", "EncryptedKeyring")
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [encrypted])
    assert pick_secure_backend(chainer.ChainerBackend())[0] is None
    secure = DictBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [encrypted, secure])
    assert pick_secure_backend(chainer.ChainerBackend())[0] is secure


# --- two processes on one profile never delete each other's fresh token -----------------------


def test_the_keyring_store_re_reads_before_deleting_a_refused_token():
    backend = DictBackend()
    store = KeyringTokenStore(backend)  # type: ignore[arg-type]
    store.save("lab", StoredToken(Secret("fresh-from-the-script"), URL, "admin"))
    assert not store.delete("lab", only_if=Secret("refused-old"))
    assert store.load("lab", URL, "admin", None).refresh_token == Secret("fresh-from-the-script")
    assert store.delete("lab", only_if=Secret("fresh-from-the-script"))
    assert backend.items == {}


def test_the_memory_store_re_reads_before_deleting_a_refused_token():
    store = MemoryTokenStore()
    store.save("lab", StoredToken(Secret("new"), URL, "admin"))
    assert not store.delete("lab", only_if=Secret("old"))
    assert store.delete("lab", only_if=Secret("new"))
    assert not store.delete("lab")


class RacingStore(MemoryTokenStore):
    """Another process saves a fresh token right after this one read the old one."""

    def __init__(self, fresh: StoredToken) -> None:
        super().__init__()
        self.fresh = fresh

    def load(self, profile, server, user, cert):
        token = super().load(profile, server, user, cert)
        self._entries[profile] = self.fresh  # the script refreshed meanwhile
        return token


def session_for(server: SimServer, store, tmp_path) -> ServerSession:
    profile = Profile("lab", URL, user="admin", api_version="v8")
    return ServerSession(
        profile, store, known_servers=KnownServers(tmp_path / "k.json"), transport=server.transport(), env={}
    )


async def test_a_refused_token_does_not_delete_the_fresh_one_another_process_saved(tmp_path):
    server = SimServer()
    fresh = StoredToken(Secret("the-scripts-fresh-token"), URL, "admin")
    store = RacingStore(fresh)
    store.save("lab", StoredToken(Secret("revoked-token"), URL, "admin"))
    session = session_for(server, store, tmp_path)
    outcome = await session.start()
    assert outcome.status == "password_needed" and REFUSED_STORED_TOKEN in outcome.notices
    assert store._entries["lab"] is fresh  # still there
    await session.aclose()


async def test_forgetting_after_expiry_keeps_a_token_saved_since(tmp_path):
    server, store = SimServer(), MemoryTokenStore()
    session = session_for(server, store, tmp_path)
    await session.sign_in("secret")
    ours = session.known_refresh_token
    assert ours is not None
    store.save("lab", StoredToken(Secret("saved-by-a-script"), URL, "admin"))
    assert not await session.forget_refused_token()
    assert store._entries["lab"].refresh_token == Secret("saved-by-a-script")
    store.save("lab", StoredToken(ours, URL, "admin"))
    assert await session.forget_refused_token()
    assert "lab" not in store._entries
    await session.aclose()


# --- the pin is the whole fingerprint -----------------------------------------------------------


class FakeTls:
    def __init__(self, der: bytes, pin: str) -> None:
        self.der = der
        self.context = pinned_context(pin)

    def getpeercert(self, binary_form=False):
        return self.der


DER = b"0\x82 a certificate's DER bytes, for the fingerprint only"
REAL = hashlib.sha256(DER).digest()


def flip(digest: bytes, index: int) -> str:
    changed = bytearray(digest)
    changed[index] ^= 0x01
    return format_fingerprint(bytes(changed))


def test_the_pin_check_accepts_exactly_the_pinned_fingerprint():
    fake = FakeTls(DER, format_fingerprint(REAL))
    _check_pin(fake)  # type: ignore[arg-type]
    assert fake.context.last_mismatch is None


@pytest.mark.parametrize("index", [0, 15, 16, 24, 31], ids=lambda i: f"byte{i}")
def test_the_pin_check_refuses_a_fingerprint_differing_in_any_byte(index):
    # The planted bug compared only the first half: a certificate matching 16 bytes got through.
    fake = FakeTls(DER, flip(REAL, index))
    with pytest.raises(PinMismatch) as caught:
        _check_pin(fake)  # type: ignore[arg-type]
    assert caught.value.actual == format_fingerprint(REAL)
    assert fake.context.last_mismatch is not None


def test_the_pin_check_refuses_a_server_without_a_certificate():
    with pytest.raises(PinMismatch):
        _check_pin(FakeTls(b"", format_fingerprint(REAL)))  # type: ignore[arg-type]


# --- proxies: honoured by neither the certificate fetch nor the connection ----------------------


def test_the_connection_never_goes_through_an_environment_proxy(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = direct_transport(ssl.create_default_context())
    client = httpx.AsyncClient(base_url=URL, transport=transport)
    assert client._mounts == {}  # httpx mounts env proxies only without an explicit transport
    assert transport._pool._network_backend is not None
    assert type(transport._pool).__name__ == "AsyncConnectionPool"  # not AsyncHTTPProxy


def test_a_session_without_a_test_transport_connects_directly(tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = ServerSession(Profile("p", URL), MemoryTokenStore(), known_servers=KnownServers(tmp_path / "k"))
    client = session._new_client()
    inner = client._http._client  # the httpx.AsyncClient
    assert inner._mounts == {}
    assert type(inner._transport._pool).__name__ == "AsyncConnectionPool"
