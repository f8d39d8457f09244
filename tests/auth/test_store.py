"""Which keyring backends may hold tokens, and the keyring store's behaviour on errors."""

from __future__ import annotations

import threading

import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked

from vbotui.auth import KeyringTokenStore, MemoryTokenStore, Secret, StoredToken, TokenStoreError
from vbotui.auth.store import open_token_store, pick_secure_backend, probe_keyring, run_in_thread

from ..helpers.keyrings import DictBackend


class PlaintextKeyring(DictBackend):
    pass


class LockedBackend(DictBackend):
    def get_password(self, *args):
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password


class CryptFileKeyring(DictBackend):
    pass


CryptFileKeyring.__module__ = "keyrings.cryptfile.cryptfile"  # would prompt with getpass


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), PlaintextKeyring(), CryptFileKeyring(), LockedBackend()],
    ids=["fail", "null", "plaintext", "cryptfile", "locked"],
)
def test_insecure_or_unusable_backends_are_refused(backend):
    probe = probe_keyring(backend)
    assert not probe.secure and probe.backend is None
    assert (
        probe.notice is not None
        and "memory" in probe.notice
        and "gnome-keyring-daemon --unlock" in probe.notice
    )


def test_a_secure_backend_is_accepted():
    backend = DictBackend()
    probe = probe_keyring(backend)
    assert probe.secure and probe.backend is backend and probe.notice is None
    assert backend.items == {}  # the probe only reads


def test_a_chainer_uses_its_first_secure_child_and_refuses_one_without(monkeypatch):
    secure = DictBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [CryptFileKeyring(), PlaintextKeyring(), secure])
    assert pick_secure_backend(chainer.ChainerBackend())[0] is secure
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextKeyring(), CryptFileKeyring()])
    chosen, reason = pick_secure_backend(chainer.ChainerBackend())
    assert chosen is None and "no secure backend" in reason


def test_an_unusable_configured_backend_is_not_secure(monkeypatch):
    import keyring

    def broken():
        raise RuntimeError("Unable to initialize SecretService: DBUS_SESSION_BUS_ADDRESS is unset")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    probe = probe_keyring()
    assert not probe.secure and "DBUS_SESSION_BUS_ADDRESS" in probe.reason


def test_keyring_store_round_trip_and_entry_format():
    backend = DictBackend()
    store = KeyringTokenStore(backend)
    token = StoredToken(Secret("rt"), "https://vbo:4443", "admin", None)
    store.save("prod", token)
    assert backend.items[("vbotui", "prod")] == (
        '{"v": 1, "refresh_token": "rt", "server": "https://vbo:4443", "user": "admin", "cert_sha256": null}'
    )
    assert store.load("prod", "https://vbo:4443/", "ADMIN", None) == token
    assert store.delete("prod") and not store.delete("prod")
    assert store.load("prod", "https://vbo:4443", "admin", None) is None


def test_a_corrupt_entry_is_treated_as_absent():
    backend = DictBackend()
    backend.items[("vbotui", "prod")] = "not json"
    assert KeyringTokenStore(backend).load("prod", "https://vbo:4443", None, None) is None


def test_keyring_errors_become_token_store_errors_without_the_token():
    store = KeyringTokenStore(LockedBackend())
    with pytest.raises(TokenStoreError) as caught:
        store.save("prod", StoredToken(Secret("rt-secret"), "https://vbo:4443", "admin"))
    assert "KeyringLocked" in str(caught.value) and "rt-secret" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_keyring_that_hangs_times_out_and_the_memory_store_is_used(monkeypatch):

    import vbotui.auth.store as store_module

    release = threading.Event()
    monkeypatch.setattr(store_module, "probe_keyring", lambda: release.wait(30))
    try:
        store, notice = await open_token_store(timeout=0.05)
    finally:
        release.set()
    assert isinstance(store, MemoryTokenStore) and notice is not None and "did not answer" in notice


async def test_run_in_thread_passes_results_and_errors():
    assert await run_in_thread(lambda: 42, timeout=5) == 42
    with pytest.raises(ZeroDivisionError):
        await run_in_thread(lambda: 1 / 0, timeout=5)
    # A daemon thread of its own: a keyring call stuck on an unlock prompt neither blocks the loop
    # nor keeps the process alive at exit.
    ran_in = await run_in_thread(threading.current_thread, timeout=5)
    assert ran_in is not threading.current_thread()
    assert ran_in.daemon and ran_in.name == "vbotui-keyring"
