"""Sign-in for one server profile, headless: what the sign-in screen and `vbotui logout` call.

    store, notice = await open_token_store()          # once per run; show `notice` once if not None
    session = ServerSession(profile, store)
    outcome = await session.start()                   # stored refresh token, else VBOTUI_PASSWORD
    if outcome.status == "password_needed":
        outcome = await session.sign_in(password)     # AuthError: wrong password, ask again
    client = outcome.client                           # hand to the app; keep `session` for logout

Any call may raise `UntrustedServer` (the certificate is not trusted, or not the pinned one): show
`.certificate` and `.check` to the operator; if they accept, `session.accept_certificate(...)` and retry.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import httpx

from ..api.client import VboClient
from ..api.errors import AuthError, TlsError, TransportError, VboError
from ..config import Profile
from ..tls import (
    CertificateInfo,
    KnownServers,
    PinCheck,
    TlsTrust,
    build_ssl_context,
    fetch_certificate,
    find_pin_mismatch,
)
from .secret import Secret, as_secret
from .store import PROBE_TIMEOUT_S, StoredToken, TokenStore, TokenStoreError, run_in_thread

log = logging.getLogger(__name__)
T = TypeVar("T")

PASSWORD_ENV = "VBOTUI_PASSWORD"
REFUSED_STORED_TOKEN = "The saved sign-in was refused by the server (expired or revoked); password needed."


class UntrustedServer(Exception):
    """The server's certificate is not trusted (system/CA mode) or is not the pinned one.

    `certificate` is what the server presents now (None if it could not be fetched); `check` says
    whether this host:port is new or its pin changed (old and new fingerprints); `can_pin` is False
    when the profile's mode (ca_file, insecure) does not take pins.
    """

    def __init__(
        self,
        message: str,
        certificate: CertificateInfo | None,
        check: PinCheck | None,
        can_pin: bool,
        error: TlsError | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error = error
        self.certificate = certificate
        self.check = check
        self.can_pin = can_pin

    @property
    def changed(self) -> bool:
        return self.check is not None and self.check.state == "changed"


@dataclass
class SignInOutcome:
    status: Literal["signed_in", "password_needed"]
    client: VboClient | None = None
    method: Literal["refresh_token", "password"] | None = None
    notices: list[str] = field(default_factory=list)


@dataclass
class LogoutOutcome:
    signed_out_on_server: bool  # a logout was sent (v7+); the API client does not report its answer
    entry_deleted: bool
    notices: list[str] = field(default_factory=list)


class ServerSession:
    """Trust, sign-in, token persistence and logout for one profile. Owns one VboClient at a time."""

    def __init__(
        self,
        profile: Profile,
        store: TokenStore,
        *,
        known_servers: KnownServers | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = None,
        keyring_timeout: float = PROBE_TIMEOUT_S,
        env: Mapping[str, str] | None = None,
        fetch_certificate: Callable[[str, int, float], CertificateInfo] = fetch_certificate,
    ) -> None:
        self.profile = profile
        self.store = store
        self.known_servers = known_servers or KnownServers()
        self.transport = transport
        self.timeout = timeout
        self.keyring_timeout = keyring_timeout
        self.env = os.environ if env is None else env
        # How the server's certificate is read for the trust prompt (a fixed one in tests and screenshots).
        self.fetch_certificate = fetch_certificate
        self.notices: list[str] = []  # keyring trouble after sign-in, for the UI to show
        self.client: VboClient | None = None
        self._context: ssl.SSLContext | None = None
        self._token_generation = 0
        self._persist_lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()
        self._closing = False
        self._sign_in_user: str | None = None
        # The refresh token this session last read from or wrote to the store: the only one it may
        # delete when the server refuses it (another process may have saved a fresh one since).
        self.known_refresh_token: Secret | None = None

    def __repr__(self) -> str:
        return f"ServerSession({self.profile.name!r}, {self.profile.url!r}, store={self.store.description!r})"

    # --- TLS trust -------------------------------------------------------------------------------

    @property
    def trust(self) -> TlsTrust:
        """The trust in force: a pin from the known-servers file applies to system and pinned modes."""
        tls = self.profile.tls
        if tls.mode not in ("system", "pinned") or tls.pin_sha256:
            return tls
        known = self.known_servers.get(*self.profile.address)
        return TlsTrust("pinned", pin_sha256=known.sha256) if known else tls

    @property
    def insecure(self) -> bool:
        return self.trust.mode == "insecure"

    def _cert_sha256(self) -> str | None:
        trust = self.trust
        return trust.pin_sha256 if trust.mode == "pinned" else None

    def _new_client(self) -> VboClient:
        trust = self.trust
        # "pinned" with no fingerprint yet only gets here in-process (no TLS): any context will do.
        effective = TlsTrust("system") if trust.mode == "pinned" and not trust.pin_sha256 else trust
        self._context = build_ssl_context(effective)
        return VboClient(
            self.profile.url,
            api_version=self.profile.api_version,
            verify=self._context,
            transport=self.transport if self.transport is not None else direct_transport(self._context),
            timeout=self.timeout,  # None: the profile's request_deadline
            limits=self.profile.limits,
        )

    async def _client(self) -> VboClient:
        if self.client is None:
            self.client = self._new_client()
            self.client.on_refresh_token = self._on_refresh_token
        return self.client

    async def _untrusted(self, error: TlsError) -> UntrustedServer:
        host, port = self.profile.address
        mismatch = find_pin_mismatch(error, self._context)
        try:
            cert: CertificateInfo | None = await asyncio.to_thread(
                self.fetch_certificate, host, port, min(self.timeout or 10.0, 10.0)
            )
        except (OSError, ValueError) as exc:
            log.warning("could not fetch the certificate of %s:%s: %s", host, port, exc)
            cert = None
        check: PinCheck | None = None
        if mismatch is not None:
            check = PinCheck("changed", cert.sha256 if cert else mismatch.actual, mismatch.expected)
        elif cert is not None:
            check = self.known_servers.check(host, port, cert.sha256)
        return UntrustedServer(
            error.message, cert, check, can_pin=self.profile.tls.mode in ("system", "pinned"), error=error
        )

    async def _first_use(self) -> UntrustedServer:
        """A `pinned` profile with no pin yet: show the certificate before anything is sent."""
        host, port = self.profile.address
        try:
            cert = await asyncio.to_thread(
                self.fetch_certificate, host, port, min(self.timeout or 10.0, 10.0)
            )
        except (OSError, ValueError) as exc:
            raise TransportError(f"could not fetch the certificate of {host}:{port}: {exc}") from None
        message = f"{host}:{port} is not pinned yet; check its certificate fingerprint"
        return UntrustedServer(message, cert, PinCheck("new", cert.sha256), can_pin=True)

    async def accept_certificate(self, certificate: CertificateInfo, *, replace: bool = False) -> None:
        """Pin `certificate` for this server after the operator accepted it on the prompt.

        `replace=True` only when the operator explicitly chose to replace a changed pin.
        """
        host, port = self.profile.address
        if (certificate.host.lower(), certificate.port) != (host, port):
            raise ValueError(f"certificate of {certificate.host}:{certificate.port}, not of {host}:{port}")
        self.known_servers.pin(host, port, certificate.sha256, replace=replace)
        await self._drop_client()  # the next connection uses the pinned context

    async def _drop_client(self) -> None:
        if self.client is not None:
            self.client.on_refresh_token = None
            await self.client.aclose()
            self.client = None

    async def _tls_guarded(self, action: Callable[[VboClient], Awaitable[None]]) -> None:
        if self.trust.mode == "pinned" and not self.trust.pin_sha256 and self.transport is None:
            raise await self._first_use()
        client = await self._client()
        try:
            await action(client)
        except TlsError as exc:
            await self._drop_client()
            raise await self._untrusted(exc) from None

    # --- sign-in ---------------------------------------------------------------------------------

    async def start(self) -> SignInOutcome:
        """Sign in without asking: the stored refresh token, else VBOTUI_PASSWORD (never stored)."""
        notices: list[str] = []
        stored = await self._load_stored(notices)
        if stored is not None:
            self.known_refresh_token = stored.refresh_token
            try:
                await self._tls_guarded(lambda c: c.sign_in_with_refresh_token(stored.refresh_token.reveal()))
            except AuthError:
                await self._delete_stored(notices, only_if=stored.refresh_token)
                notices.append(REFUSED_STORED_TOKEN)
            else:
                await self._flush()
                notices += self._take_notices()
                return SignInOutcome("signed_in", self.client, "refresh_token", notices)
        env_password = self.env.get(PASSWORD_ENV)
        if env_password and self.profile.user:
            try:
                outcome = await self.sign_in(Secret(env_password))
            except AuthError as exc:
                notices.append(f"{PASSWORD_ENV} was refused: {exc.describe()}")
            else:
                outcome.notices[:0] = notices
                return outcome
        return SignInOutcome("password_needed", notices=notices)

    async def sign_in(self, password: str | Secret, user: str | None = None) -> SignInOutcome:
        """Password grant. Raises AuthError (wrong credentials), UntrustedServer, TransportError."""
        user = user or self.profile.user
        if not user:
            raise ValueError("a user name is needed to sign in")
        secret = as_secret(password)
        self._sign_in_user = user
        await self._tls_guarded(lambda c: c.sign_in(user, secret.reveal()))
        await self._flush()
        return SignInOutcome("signed_in", self.client, "password", self._take_notices())

    # --- keeping the refresh token ----------------------------------------------------------------

    def _on_refresh_token(self, refresh_token: str) -> None:
        """Called by VboClient (on the event loop) whenever a new refresh token arrives."""
        if self._closing:
            return
        self._token_generation += 1
        task = asyncio.get_running_loop().create_task(
            self._persist(Secret(refresh_token), self._token_generation)
        )
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _persist(self, refresh_token: Secret, generation: int) -> None:
        async with self._persist_lock:
            if generation != self._token_generation or self._closing:
                return  # a newer token arrived meanwhile, or we are signing out
            client = self.client
            user = (client.user if client else None) or self._sign_in_user or self.profile.user
            token = StoredToken(refresh_token, self.profile.url, user, self._cert_sha256())
            try:
                await self._keyring(lambda: self.store.save(self.profile.name, token))
                self.known_refresh_token = refresh_token
            except (TokenStoreError, asyncio.TimeoutError) as exc:
                self.notices.append(f"The sign-in could not be saved: {_describe(exc)}")
                log.warning("saving the refresh token of %s failed: %s", self.profile.name, _describe(exc))

    async def _flush(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _take_notices(self) -> list[str]:
        taken, self.notices = self.notices, []
        return taken

    async def _keyring(self, action: Callable[[], T]) -> T:
        return await run_in_thread(action, self.keyring_timeout)

    async def _load_stored(self, notices: list[str]) -> StoredToken | None:
        profile = self.profile
        try:
            return await self._keyring(
                lambda: self.store.load(profile.name, profile.url, profile.user, self._cert_sha256())
            )
        except (TokenStoreError, asyncio.TimeoutError) as exc:
            notices.append(f"The saved sign-in could not be read: {_describe(exc)}")
            return None

    async def _delete_stored(self, notices: list[str], only_if: Secret | None = None) -> bool:
        try:
            return await self._keyring(lambda: self.store.delete(self.profile.name, only_if=only_if))
        except (TokenStoreError, asyncio.TimeoutError) as exc:
            notices.append(f"The saved sign-in could not be deleted: {_describe(exc)}")
            return False

    async def forget_refused_token(self) -> bool:
        """The server refused this session's refresh token: delete the saved sign-in, but only while
        it still holds that token (re-read first). A fresh token another process saved stays; a
        session that never saw a stored token deletes nothing. Raises TokenStoreError/TimeoutError."""
        token = self.known_refresh_token
        if token is None:
            return False
        return await self._keyring(lambda: self.store.delete(self.profile.name, only_if=token))

    # --- logout -----------------------------------------------------------------------------------

    async def logout(self) -> LogoutOutcome:
        """Sign out on the server where the API can (v7+), and delete the saved sign-in.

        Works without a live session (`vbotui logout`): the saved refresh token is used once to get
        a session to revoke. The local entry is deleted whatever the server says.
        """
        notices: list[str] = []
        await self._flush()
        self._closing = True  # no refresh token may be saved from here on
        client = self.client
        if client is None or not client.is_signed_in:
            stored = await self._load_stored(notices)
            if stored is not None:
                try:
                    client = await self._client()
                    client.on_refresh_token = None
                    await client.sign_in_with_refresh_token(stored.refresh_token.reveal())
                except AuthError:
                    client = None  # already dead on the server: nothing to revoke
                except TransportError as exc:
                    client = None
                    notices.append(f"Could not reach the server ({exc.message}); signed out locally only.")
        on_server = False
        if client is not None and client.is_signed_in:
            on_server = client.capabilities is not None and client.capabilities.logout
            if not on_server:
                notices.append(f"API {client.version} has no logout; the server session ends at expiry.")
            try:
                await client.sign_out()
            except VboError as exc:  # sign_out is best effort already; be safe anyway
                on_server = False
                notices.append(f"Server sign-out failed: {exc.describe()}")
        deleted = await self._delete_stored(notices)
        self._closing = False
        return LogoutOutcome(on_server, deleted, notices)

    async def aclose(self) -> None:
        await self._flush()
        await self._drop_client()


def direct_transport(context: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    """The network transport: straight to the server, never through HTTPS_PROXY / HTTP_PROXY /
    ALL_PROXY (trust_env=False). The certificate prompt fetches the certificate directly too, so the
    fingerprint shown is the one of the server the sign-in then talks to, and no password or token
    ever goes to a proxy (in clear over an http:// proxy URL, or to one that terminates TLS)."""
    return httpx.AsyncHTTPTransport(verify=context, trust_env=False)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "the keyring did not answer in time"
    return str(exc)
