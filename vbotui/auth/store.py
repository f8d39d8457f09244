"""Where the refresh token lives between runs: the OS keyring, or memory when no keyring is secure.

Only the refresh token is ever persisted: service `vbotui`, username = the profile name, value a
small JSON `{"v":1,"refresh_token","server","user","cert_sha256"}`. `load()` offers a token only to
the server (and pinned certificate) it was issued by. There is no plaintext fallback, ever.

Keyring calls talk to D-Bus and may wait on an unlock prompt, so callers run them through
`run_in_thread` with a timeout; `probe_keyring` decides once, at start, whether the keyring is usable.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import PasswordDeleteError

from .secret import Secret

SERVICE = "vbotui"
PROBE_USERNAME = "__vbotui_probe__"
PROBE_TIMEOUT_S = 5.0
# Backends that ask for a passphrase with getpass (it would grab the Textual terminal), or that
# write a file that is plaintext or weakly encrypted (keyrings.alt's EncryptedKeyring: PBKDF2 with
# 1000 iterations, no MAC): never used, even when keyring picks them. All of keyrings.alt is
# refused (its README: "not recommended"), whatever the class is called.
_REFUSED_MODULES = ("keyrings.cryptfile", "keyrings.alt", "keyrings.efile")
# A class name saying it keeps secrets in a file of its own, in any package.
_REFUSED_NAME_PARTS = ("plaintext", "encrypted", "cryptfile", "file")

# The same line as the README's (a test compares them). `sh` is dash on Debian and Ubuntu and busybox
# on Alpine, whose `read` has no `-s`; bash may not be installed at all. `stty -echo` hides the typed
# password in every POSIX shell, and the prompt says the next thing typed goes to the keyring.
KEYRING_SESSION_COMMAND = (
    'dbus-run-session -- sh -c \'printf "Keyring password: "; stty -echo; read -r P; stty echo; echo; '
    'printf %s "$P" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec vbotui\''
)
HEADLESS_KEYRING_HINT = (
    "to keep it across runs on a headless host, start vbotui inside a keyring session: "
    + KEYRING_SESSION_COMMAND
)

T = TypeVar("T")


class TokenStoreError(RuntimeError):
    """The keyring failed (locked, gone, refused). The message never holds a token."""


@dataclass(frozen=True)
class StoredToken:
    refresh_token: Secret
    server: str
    user: str | None
    cert_sha256: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "refresh_token": self.refresh_token.reveal(),
                "server": self.server,
                "user": self.user,
                "cert_sha256": self.cert_sha256,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> StoredToken | None:
        """None for anything that is not a v1 entry (a corrupt entry is treated as absent)."""
        try:
            data: Any = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("v") != 1:
            return None
        token, server = data.get("refresh_token"), data.get("server")
        if not isinstance(token, str) or not token or not isinstance(server, str):
            return None
        user, cert = data.get("user"), data.get("cert_sha256")
        return cls(
            Secret(token),
            server,
            user if isinstance(user, str) else None,
            cert if isinstance(cert, str) else None,
        )

    def issued_for(self, server: str, user: str | None, cert_sha256: str | None) -> bool:
        """Was this token issued by `server` (and, when pinned, the server with that certificate)?"""
        if not _same_url(self.server, server):
            return False
        if user and self.user and user.casefold() != self.user.casefold():
            return False  # another account's session must not be resumed under this user's name
        return cert_sha256 is None or self.cert_sha256 == cert_sha256


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/").lower() == b.rstrip("/").lower()


class TokenStore(Protocol):
    persistent: bool
    description: str

    def load(
        self, profile: str, server: str, user: str | None, cert_sha256: str | None
    ) -> StoredToken | None: ...

    def save(self, profile: str, token: StoredToken) -> None: ...

    def delete(self, profile: str, only_if: Secret | None = None) -> bool: ...


def _deletable(stored: StoredToken | None, only_if: Secret | None) -> bool:
    """May an entry be deleted? Always without `only_if`; with it, only while the entry still holds
    that refresh token (or is not a token at all): another process (the TUI and a script on one
    profile) may have saved a fresh one since ours was refused."""
    return only_if is None or stored is None or stored.refresh_token == only_if


class MemoryTokenStore:
    """This run only: nothing is written anywhere."""

    persistent = False
    description = "memory (this run only)"

    def __init__(self) -> None:
        self._entries: dict[str, StoredToken] = {}

    def load(
        self, profile: str, server: str, user: str | None, cert_sha256: str | None
    ) -> StoredToken | None:
        token = self._entries.get(profile)
        return token if token is not None and token.issued_for(server, user, cert_sha256) else None

    def save(self, profile: str, token: StoredToken) -> None:
        self._entries[profile] = token

    def delete(self, profile: str, only_if: Secret | None = None) -> bool:
        if profile not in self._entries or not _deletable(self._entries[profile], only_if):
            return False
        del self._entries[profile]
        return True


class KeyringTokenStore:
    """The OS keyring, through the one backend `probe_keyring` found secure (never keyring's global pick)."""

    persistent = True

    def __init__(self, backend: KeyringBackend, service: str = SERVICE) -> None:
        self.backend = backend
        self.service = service
        self.description = f"OS keyring ({backend_name(backend)})"

    def _call(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except Exception as exc:  # KeyringError, KeyringLocked, InitError, RuntimeError, D-Bus errors
            raise TokenStoreError(f"keyring {what} failed: {type(exc).__name__}: {exc}") from None

    def load(
        self, profile: str, server: str, user: str | None, cert_sha256: str | None
    ) -> StoredToken | None:
        raw = self._call("read", lambda: self.backend.get_password(self.service, profile))
        token = StoredToken.from_json(raw) if raw else None
        return token if token is not None and token.issued_for(server, user, cert_sha256) else None

    def save(self, profile: str, token: StoredToken) -> None:
        self._call("write", lambda: self.backend.set_password(self.service, profile, token.to_json()))

    def delete(self, profile: str, only_if: Secret | None = None) -> bool:
        """Delete the entry; with `only_if`, re-read it first and delete it only while it still holds
        that (refused) refresh token, never a fresh one another process saved meanwhile."""

        def delete() -> bool:
            if only_if is not None:
                raw = self.backend.get_password(self.service, profile)
                if raw is None:
                    return False
                if not _deletable(StoredToken.from_json(raw), only_if):
                    return False  # someone signed in again meanwhile: their token stays
            try:
                self.backend.delete_password(self.service, profile)
            except PasswordDeleteError:
                return False  # nothing stored: fine
            return True

        return self._call("delete", delete)


# --- is there a secure keyring? ----------------------------------------------------------------


@dataclass(frozen=True)
class KeyringProbe:
    secure: bool
    backend: KeyringBackend | None
    reason: str  # why not secure (or which backend is used), one line for the UI

    @property
    def notice(self) -> str | None:
        """The one line the UI shows once when sign-ins cannot be kept; None when they can."""
        if self.secure:
            return None
        return f"No secure OS keyring ({self.reason}): sign-in kept in memory for this run only; " + (
            HEADLESS_KEYRING_HINT
        )


def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def refusal(backend: KeyringBackend) -> str | None:
    """Why `backend` must not hold tokens, or None when it is acceptable."""
    name = backend_name(backend)
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend)"
    if "plaintext" in name.lower():
        return f"{name} stores secrets in plaintext"
    module, class_name = type(backend).__module__, type(backend).__qualname__.lower()
    if any(module == m or module.startswith(m + ".") for m in _REFUSED_MODULES) or any(
        part in class_name for part in _REFUSED_NAME_PARTS
    ):
        return f"{name} keeps secrets in a file of its own (weakly encrypted, or behind a terminal prompt)"
    # keyring's own rule: priority below 1 is "not recommended" (keyrings.alt's file backends have
    # 0.5 and 0.6); a priority that raises means the backend cannot work here.
    if isinstance(backend, KeyringBackend):
        try:
            priority = float(backend.priority)
        except Exception as exc:  # noqa: BLE001 - keyring signals "not viable" by raising anything
            return f"{name} is not usable: {type(exc).__name__}: {exc}"
        if priority < 1:
            return f"{name} is not a recommended backend (priority {priority:g})"
    return None


def pick_secure_backend(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend to use (a chainer's first secure child), or None and the reason."""
    if isinstance(backend, chainer.ChainerBackend):
        children = list(backend.backends)
        for child in children:
            if refusal(child) is None:
                return child, backend_name(child)
        names = ", ".join(backend_name(c) for c in children) or "none"
        return None, f"no secure backend among {names}"
    reason = refusal(backend)
    return (None, reason) if reason else (backend, backend_name(backend))


def probe_keyring(backend: KeyringBackend | None = None) -> KeyringProbe:
    """Blocking: pick a secure backend and check that it answers (unlocked). Run it in a thread."""
    try:
        chosen_from = backend if backend is not None else keyring.get_keyring()
    except Exception as exc:  # RuntimeError when PYTHON_KEYRING_BACKEND names an unusable backend
        return KeyringProbe(False, None, f"{type(exc).__name__}: {exc}")
    chosen, reason = pick_secure_backend(chosen_from)
    if chosen is None:
        return KeyringProbe(False, None, reason)
    try:
        chosen.get_password(SERVICE, PROBE_USERNAME)  # a read: unlocks, or fails when locked / no daemon
    except Exception as exc:
        return KeyringProbe(False, None, f"{backend_name(chosen)}: {type(exc).__name__}: {exc}")
    return KeyringProbe(True, chosen, backend_name(chosen))


async def run_in_thread(action: Callable[[], T], timeout: float) -> T:
    """Run a blocking keyring call in a daemon thread; give up after `timeout` seconds.

    A daemon thread, not the default executor: a call stuck on an unlock prompt must not keep the
    process alive at exit. Raises TimeoutError (asyncio.TimeoutError) on timeout.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def target() -> None:
        deliver: Callable[[], None]
        try:
            deliver = functools.partial(future.set_result, action())
        except BaseException as exc:
            deliver = functools.partial(future.set_exception, exc)
        try:
            loop.call_soon_threadsafe(settle, deliver)
        except RuntimeError:
            pass  # the loop is gone; nobody is waiting any more

    threading.Thread(target=target, name="vbotui-keyring", daemon=True).start()
    return await asyncio.wait_for(future, timeout)


async def open_token_store(timeout: float = PROBE_TIMEOUT_S) -> tuple[TokenStore, str | None]:
    """The store for this run and the one-line notice to show once (None when the keyring is used)."""
    try:
        probe = await run_in_thread(probe_keyring, timeout)
    except asyncio.TimeoutError:
        probe = KeyringProbe(False, None, f"the keyring did not answer within {timeout:g} s")
    if probe.secure and probe.backend is not None:
        return KeyringTokenStore(probe.backend), None
    return MemoryTokenStore(), probe.notice
