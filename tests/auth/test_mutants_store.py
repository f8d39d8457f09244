"""The keyring backend security check at the edges a mutmut run over vbotui/auth/store.py found
untested: keyring's own priority rule (below 1 is "not recommended"; a priority that raises means
the backend cannot work here), a module merely named like a refused one, the reason each refusal
gives, and the probe's reason and notice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, chainer, fail, null

from vbotui.auth.store import (
    HEADLESS_KEYRING_HINT,
    backend_name,
    pick_secure_backend,
    probe_keyring,
    refusal,
)


@pytest.fixture
def backend_class() -> Iterator[type[KeyringBackend]]:
    """A KeyringBackend subclass with a settable priority, removed again from keyring's registry."""

    class Backend(KeyringBackend):
        value: object = 5.0

        @property
        def priority(self) -> float:  # type: ignore[override]
            if isinstance(self.value, Exception):
                raise self.value
            return self.value  # type: ignore[return-value]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            pass

        def delete_password(self, service: str, username: str) -> None:
            pass

    Backend.__module__ = "vendor.osvault"
    yield Backend
    KeyringBackend._classes.discard(Backend)  # type: ignore[attr-defined]


def make(cls: type[KeyringBackend], value: object) -> KeyringBackend:
    backend = cls()
    backend.value = value  # type: ignore[attr-defined]
    return backend


@pytest.mark.parametrize("priority", [0.99, 0.5, 0, -1])
def test_a_backend_keyring_does_not_recommend_is_refused(backend_class, priority):
    backend = make(backend_class, priority)
    assert refusal(backend) == f"{backend_name(backend)} is not a recommended backend (priority {priority:g})"
    probe = probe_keyring(backend)
    assert not probe.secure and probe.backend is None and f"priority {priority:g}" in probe.reason


@pytest.mark.parametrize("priority", [1, 1.0, 5])
def test_a_backend_keyring_recommends_is_accepted(backend_class, priority):
    backend = make(backend_class, priority)
    assert refusal(backend) is None
    probe = probe_keyring(backend)
    assert (
        probe.secure
        and probe.backend is backend
        and probe.reason == "vendor.osvault." + backend_class.__qualname__
    )


def test_a_backend_whose_priority_raises_cannot_work_here(backend_class):
    backend = make(backend_class, RuntimeError("no D-Bus session"))
    assert refusal(backend) == f"{backend_name(backend)} is not usable: RuntimeError: no D-Bus session"


def test_secret_service_without_a_bus_is_refused_as_unusable(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    reason = refusal(SecretService.Keyring())
    assert reason is not None and reason.startswith("keyring.backends.SecretService.Keyring is not usable: ")


def test_each_refusal_says_why(backend_class):
    assert refusal(fail.Keyring()) == "no keyring backend is available"
    assert refusal(null.Keyring()) == "the keyring is disabled (null backend)"
    plain = make(backend_class, 5)
    type(plain).__module__ = "vendor.plaintext_store"
    assert refusal(plain) == f"{backend_name(plain)} stores secrets in plaintext"
    type(plain).__module__ = "keyrings.alt"  # the package itself, not only its submodules
    assert refusal(plain) == (
        f"{backend_name(plain)} keeps secrets in a file of its own "
        "(weakly encrypted, or behind a terminal prompt)"
    )


def test_a_module_only_named_like_a_refused_package_is_judged_on_its_own(backend_class):
    backend = make(backend_class, 5)
    type(backend).__module__ = "keyrings.alternative"  # not keyrings.alt, nor inside it
    assert refusal(backend) is None
    type(backend).__module__ = "keyrings.alt.file"
    assert refusal(backend) is not None


def test_a_chainer_without_a_secure_child_names_them_all(monkeypatch):
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [fail.Keyring(), null.Keyring()])
    chosen, reason = pick_secure_backend(chainer.ChainerBackend())
    assert chosen is None
    assert reason == "no secure backend among keyring.backends.fail.Keyring, keyring.backends.null.Keyring"
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert pick_secure_backend(chainer.ChainerBackend()) == (None, "no secure backend among none")


def test_the_probe_notice_says_why_and_how_to_keep_sign_ins():
    probe = probe_keyring(null.Keyring())
    assert probe.reason == "the keyring is disabled (null backend)"
    assert probe.notice == (
        "No secure OS keyring (the keyring is disabled (null backend)): "
        "sign-in kept in memory for this run only; " + HEADLESS_KEYRING_HINT
    )


def test_a_locked_keyring_is_named_with_its_error(backend_class):
    from keyring.errors import KeyringLocked

    backend = make(backend_class, 5)
    reads: list[tuple[str, str]] = []

    def locked(service: str, username: str) -> str | None:
        reads.append((service, username))
        raise KeyringLocked("Failed to unlock the collection!")

    backend.get_password = locked  # type: ignore[method-assign]
    probe = probe_keyring(backend)
    assert not probe.secure and probe.backend is None
    assert probe.reason == f"{backend_name(backend)}: KeyringLocked: Failed to unlock the collection!"
    assert reads == [("vbotui", "__vbotui_probe__")]  # one read of the probe entry, nothing written


def test_a_keyring_that_cannot_even_be_chosen_is_named_with_its_error(monkeypatch):
    import keyring

    def broken():
        raise RuntimeError("No recommended backend was available.")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    probe = probe_keyring()
    assert probe.reason == "RuntimeError: No recommended backend was available."
    assert not probe.secure and probe.backend is None


def test_a_chainer_reports_the_child_it_chose(monkeypatch, backend_class):
    good = make(backend_class, 5)
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [null.Keyring(), good])
    assert pick_secure_backend(chainer.ChainerBackend()) == (good, backend_name(good))
    assert pick_secure_backend(good) == (good, backend_name(good))
