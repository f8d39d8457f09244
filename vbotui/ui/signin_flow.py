"""Sign-in inside the app: the token store, one `ServerSession` at a time, trust prompts, logout, switch.

The app can start without a client. `SignInFlow.startup()` (an app worker) opens the token store,
tries the saved sign-in (or VBOTUI_PASSWORD), and shows the main screen or the sign-in screen.
Every network or keyring call here runs in an app worker, never on a screen's own worker: the
flow replaces screens, and a screen's workers die with it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rich.text import Text

from vbotui.api.errors import AuthError, TlsError, TransportError, VboError
from vbotui.auth import Secret, ServerSession, SignInOutcome, TokenStore, UntrustedServer, open_token_store
from vbotui.auth.session import PASSWORD_ENV
from vbotui.config import (
    ConfigError,
    LoadedConfig,
    Profile,
    ProfileFlags,
    load_config,
    normalize_url,
    resolve_profile,
    save_profile,
)
from vbotui.operations.audit import AuditLog

from .reconnect import Reconnect, unreachable
from .safe_text import clean
from .screens.certificate import REPLACE, TRUST, CertificateScreen
from .screens.signin import SignInScreen

if TYPE_CHECKING:
    from .app import VboApp

StoreOpener = Callable[[], Awaitable[tuple[TokenStore, "str | None"]]]
SessionFactory = Callable[[Profile, TokenStore], ServerSession]
AuditFactory = Callable[[Profile, str], "AuditLog | None"]

DEMO_HINT = "No server configured. To try vbotui without one: vbotui --demo"
EXPIRED = "Session expired (the server refused the token and its refresh): sign in again."
MAX_TRUST_PROMPTS = 3
# Sign-in failures are expected (refused, unreachable, untrusted, bad URL, keyring trouble) and
# each is shown where the operator is; `describe_failure` words them.
# Variables that name the server or user: a server typed into the screen must not be overridden.
_ENV_SERVER_KEYS = ("VBOTUI_SERVER", "VBOTUI_USER")


class CertificateRefused(Exception):
    """The operator said no to a certificate (or it cannot be trusted): nothing was sent."""


@dataclass
class SignInSetup:
    """What the command line resolved, for an app that signs in by itself."""

    profile: Profile | None  # None: nothing chosen, the sign-in screen starts empty
    config: LoadedConfig
    flags: ProfileFlags = field(default_factory=ProfileFlags)  # applied to servers typed in the screen
    problems: list[str] = field(default_factory=list)  # config errors, why no profile was chosen
    open_store: StoreOpener = open_token_store
    new_session: SessionFactory = ServerSession
    make_audit: AuditFactory | None = None
    save_profiles: bool = True  # remember a server typed into the screen, so the next run finds it
    env: Mapping[str, str] | None = None


def trust_text(
    profile: Profile | None, insecure: bool = False, *, session: ServerSession | None = None
) -> Text:
    """One line saying how the server's certificate is checked (red when it is not). With the
    `session`, the trust in force: a pin in the known-servers file (accepted on an earlier run)."""
    tls = session.trust if session is not None else profile.tls if profile else None
    if insecure or (tls is not None and tls.mode == "insecure"):
        return Text("INSECURE: TLS not verified (--insecure)", style="bold red")
    if tls is None or tls.mode == "system":
        return Text("TLS: system trust store; a self-signed certificate is shown to accept")
    if tls.mode == "ca_file":
        return Text(f"TLS: certificates signed by the CA file {clean(tls.ca_file)}")
    return Text(f"TLS: pinned SHA-256 {tls.pin_sha256 or '(accepted on first use)'}")


def describe_failure(error: BaseException, url: str) -> str:
    """The inline line for a failed sign-in; server text is cleaned where it is shown."""
    if isinstance(error, AuthError):
        return f"Sign-in refused by the server: {error.message}"
    if isinstance(error, CertificateRefused):
        return f"Certificate not trusted: {error}. Nothing was sent to the server."
    if isinstance(error, UntrustedServer):
        seen = f" (it presents SHA-256 {error.certificate.sha256})" if error.certificate else ""
        return f"TLS refused the server{seen}: {error.message}. Nothing was sent."
    if isinstance(error, TlsError):
        return f"TLS error with {url}: {error.describe()}"
    if isinstance(error, TransportError):
        return f"Cannot reach {url}: {error.describe()}"
    if isinstance(error, VboError):
        return f"Sign-in failed: {error.describe()}"
    return str(error)  # ConfigError, TrustError, KnownServersError: already say what is wrong


class SignInFlow:
    def __init__(self, app: VboApp, setup: SignInSetup) -> None:
        self.app = app
        self.setup = setup
        self.profile = setup.profile
        self.session: ServerSession | None = None
        self.busy = False  # signing out or switching: a signed-out client is expected, not "expired"
        self._store: TokenStore | None = None
        self._store_lock = asyncio.Lock()
        self.reconnect: Reconnect | None = None  # waiting for a server that could not be reached

    @property
    def profiles(self) -> Mapping[str, Profile]:
        return self.setup.config.profiles

    @property
    def insecure(self) -> bool:
        return self.session is not None and self.session.insecure

    @property
    def plain_http(self) -> bool:
        """The signed-in profile talks plain HTTP (allowed by flag or setting): the header says so."""
        return self.session is not None and self.session.profile.plain_http

    # --- helpers --------------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = os.environ if self.setup.env is None else self.setup.env
        return {k: v for k, v in env.items() if k not in _ENV_SERVER_KEYS}

    def tell(self, action: str, text: str, severity: str = "information") -> None:
        """A line in the status panel (and on a screen without it)."""
        self.app.say(text, severity, action=action)

    async def store(self) -> TokenStore:
        async with self._store_lock:
            if self._store is None:
                store, notice = await self.setup.open_store()
                self._store = store
                if notice:
                    # The fact first (a panel line is cut at the terminal's width), then the recipe.
                    fact, _, recipe = notice.partition("; ")
                    self.app.activity.note("keyring", fact)
                    if recipe:
                        self.app.activity.note("keyring", recipe)
                    # The sign-in screen's own line says only the fact (one line; the panel has both).
                    self.app.say(fact, "warning", logged=True)
            return self._store

    def sign_in_screen(self, profile: Profile | None, **options: object) -> SignInScreen:
        return SignInScreen(
            server=profile.url if profile else "",
            user=(profile.user or "") if profile else "",  # the screen never shows it uncleaned
            profile_name=profile.name if profile else None,
            trust=trust_text(profile),
            profiles=sorted(self.profiles),
            config_problems=list(self.setup.problems),
            **options,  # type: ignore[arg-type]
        )

    def profile_for(self, server: str, user: str) -> Profile:
        """The profile for what was typed: the current one if it is the same server, else ad hoc."""
        url = normalize_url(server)
        current = self.profile
        if current is not None and current.url.rstrip("/").lower() == url.lower():
            return replace(current, user=user or current.user)
        flags = replace(self.setup.flags, profile=None, server=url, user=user or None)
        return resolve_profile(flags, self.setup.config, self._env())

    def named_profile(self, name: str) -> Profile:
        given = self.setup.flags
        flags = ProfileFlags(
            profile=name,
            read_only=given.read_only,
            refresh=given.refresh,
            allow_plain_http=given.allow_plain_http,
        )
        return resolve_profile(flags, self.setup.config, self._env())

    async def _trusting(
        self, session: ServerSession, attempt: Callable[[], Awaitable[SignInOutcome]]
    ) -> SignInOutcome:
        """Run `attempt`; when the certificate is not trusted, ask (certificate screen) and retry."""
        for _ in range(MAX_TRUST_PROMPTS):
            try:
                return await attempt()
            except UntrustedServer as problem:
                if not problem.can_pin or problem.certificate is None:
                    raise
                answer = await self.app.push_screen_wait(CertificateScreen(problem, now=self.app.clock()))
                if answer not in (TRUST, REPLACE) or (problem.changed and answer != REPLACE):
                    what = "changed certificate refused" if problem.changed else "you declined it"
                    raise CertificateRefused(what) from None
                await session.accept_certificate(problem.certificate, replace=answer == REPLACE)
                verb = "replaced the pin with" if answer == REPLACE else "trusted"
                self.app.activity.note("certificate", f"{verb} {problem.certificate.sha256}")
                pinned = Text(f"TLS: pinned SHA-256 {problem.certificate.sha256} (accepted now)")
                for screen in self.app.screen_stack:  # no longer "system trust store"
                    if isinstance(screen, SignInScreen):
                        screen.set_trust(pinned)
        raise CertificateRefused("the certificate kept changing")

    # --- start, sign in ------------------------------------------------------------------------

    async def startup(self) -> None:
        """At app start: config problems, keyring, then the saved sign-in or the sign-in screen."""
        for problem in self.setup.problems:
            self.tell("config", problem, "warning")
        if self.profile is not None and self.profile.notice:
            self.tell("profile", self.profile.notice, "warning")  # e.g. --server over a saved profile
        screen = self.sign_in_screen(self.profile, busy="Opening the keyring...")
        await self.app.show_only(screen)
        await self.store()
        if self.profile is None:
            hint = "" if self.profiles else DEMO_HINT
            if self.profiles:
                hint = "Profiles: " + ", ".join(sorted(self.profiles)) + " (ctrl+p: Switch profile)"
            screen.ready(message=hint)
            return
        await self._resume(self.profile, screen)

    async def _resume(self, profile: Profile, screen: SignInScreen) -> None:
        """Sign in without asking (saved token, VBOTUI_PASSWORD); else leave `screen` asking.

        A server that cannot be reached is tried again by itself, with a countdown on the screen,
        until it answers or the operator signs in by hand (or leaves).
        """
        self.reconnect = retry = Reconnect()

        def still_wanted() -> bool:  # nobody typed a sign-in, and the screen is still the one shown
            return self.reconnect is retry and not screen.busy and self.app.screen is screen

        while True:
            screen.set_busy(f"Signing in to {profile.name}...")
            session = self.setup.new_session(profile, await self.store())
            screen.set_trust(trust_text(profile, session=session))  # a pin from an earlier run
            try:
                outcome = await self._trusting(session, session.start)
                break
            except Exception as error:  # noqa: BLE001 - shown inline; the screen must never stay busy
                await session.aclose()
                why = describe_failure(error, profile.url)
                if not unreachable(error):
                    screen.ready(error=why)
                    return
                if retry.attempt == 0:
                    self.app.activity.note("sign-in", why)
                screen.ready(error=why)
                if not await retry.wait(screen, why, still_wanted):
                    return
        if outcome.status == "signed_in":
            await self._connected(session, outcome)
            return
        await session.aclose()
        for notice in outcome.notices:
            self.app.activity.note("sign-in", notice)
        screen.ready(message=" ".join(outcome.notices))

    def retry_now(self) -> None:
        """ctrl+r on the sign-in screen: a server being waited for is tried at once."""
        if self.reconnect is not None:
            self.reconnect.now()

    async def submit(self, screen: SignInScreen, server: str, user: str, password: Secret) -> None:
        """The sign-in screen's Enter: a password grant (after a certificate prompt if needed)."""
        self.reconnect = None  # the operator took over: no countdown goes on beside this
        reuse = screen.expired and self.session is not None
        try:
            if reuse:
                assert self.session is not None
                session = self.session
            else:
                profile = self.profile_for(server, user)
                session = self.setup.new_session(profile, await self.store())
        except (ConfigError, ValueError) as error:
            screen.ready(error=str(error))
            return
        try:
            outcome = await self._trusting(session, lambda: session.sign_in(password, user=user or None))
        except Exception as error:  # noqa: BLE001 - shown inline; the screen must never stay busy
            if not reuse:
                await session.aclose()
            screen.ready(error=describe_failure(error, session.profile.url))
            return
        await self._connected(session, outcome)

    async def _connected(self, session: ServerSession, outcome: SignInOutcome) -> None:
        client = outcome.client
        assert client is not None
        old = self.session
        self.session, self.profile = session, session.profile
        how = "saved sign-in" if outcome.method == "refresh_token" else "password"
        who = clean(client.user)  # from the token reply: server text
        self.app.activity.note("sign-in", f"{clean(session.profile.name)}: signed in as {who} ({how})")
        for notice in outcome.notices:
            self.tell("sign-in", notice, "warning")
        self._remember(session.profile)
        audit = self.setup.make_audit(session.profile, client.user or "") if self.setup.make_audit else None
        await self.app.attach(client, session.profile, audit)
        if old is not None and old is not session:
            await old.aclose()  # after the main screen moved to the new client

    def _remember(self, profile: Profile) -> None:
        """A server typed into the screen becomes a profile, so that a plain `vbotui` finds it."""
        if not self.setup.save_profiles or profile.name in self.profiles:
            return
        path = self.setup.config.path
        try:
            saved = save_profile(profile, path=path)
        except OSError as error:
            self.app.activity.note("profile", f"not saved in {path}: {error}")
            return
        if saved:
            self.app.activity.note("profile", f"saved as {profile.name!r} in {path}")
            self.setup.config = load_config(path)

    # --- mid-session expiry, sign out, switch ---------------------------------------------------

    def session_expired(self) -> None:
        """The token and its refresh were refused: ask for the password again, on top of everything."""
        session = self.session
        if self.busy or session is None or any(isinstance(s, SignInScreen) for s in self.app.screen_stack):
            return
        self.app.activity.note("session", EXPIRED)
        self.app.run_worker(self._forget_saved(session), group="keyring", exit_on_error=False)
        password = session.env.get(PASSWORD_ENV)
        if password and session.profile.user:  # automation: sign in again as at start, never ask
            self.busy = True
            self.app.run_worker(
                self._sign_in_again(session, Secret(password)), group="sign-in", exit_on_error=False
            )
            return
        self._ask_again(session)

    def _ask_again(self, session: ServerSession, error: str = "") -> None:
        screen = self.sign_in_screen(session.profile, message=EXPIRED, expired=True)
        self.app.push_screen(screen)
        if error:
            screen.call_after_refresh(screen.show_error, error)

    async def _sign_in_again(self, session: ServerSession, password: Secret) -> None:
        """After a server restart (tokens gone): VBOTUI_PASSWORD signs in again by itself."""
        try:
            outcome = await session.sign_in(password)
        except Exception as error:  # noqa: BLE001 - then it asks, saying why
            self.busy = False
            why = f"{PASSWORD_ENV} did not sign in again: {describe_failure(error, session.profile.url)}"
            self.app.activity.note("session", why)
            self._ask_again(session, why)
            return
        self.busy = False
        self.app.activity.note("session", f"signed in again with {PASSWORD_ENV}")
        await self._connected(session, outcome)

    async def _forget_saved(self, session: ServerSession) -> None:
        """The server refused the session's refresh token: forget it, but re-read the entry first
        and keep it when another process (a script on the same profile) saved a fresh token."""
        try:
            await session.forget_refused_token()
        except Exception as error:  # noqa: BLE001 - any keyring trouble is only worth a line
            self.app.activity.note("keyring", f"the saved sign-in could not be deleted: {error}")

    async def sign_out(self) -> None:
        session = self.session
        if session is None or self.busy:
            return
        self.busy = True
        try:
            profile = session.profile
            screen = self.sign_in_screen(profile, busy=f"Signing out of {profile.name}...")
            await self.app.show_only(screen)  # the main screen and its polls go first
            self.app.detach()
            result = await session.logout()
            await session.aclose()
            self.session = None
            parts = ["revoked on the server" if result.signed_out_on_server else "not revoked on the server"]
            parts.append("saved sign-in deleted" if result.entry_deleted else "no saved sign-in was stored")
            line = f"Signed out of {profile.name}: " + ", ".join(parts) + "."
            for notice in result.notices:
                self.app.activity.note("sign-out", notice)
            self.tell("sign-out", line)
            screen.ready(message=" ".join([line, *result.notices]))
        finally:
            self.busy = False

    async def switch(self, name: str) -> None:
        """Sign in to another profile; the old session is closed once the new one is in."""
        if self.busy:
            return
        try:
            profile = self.named_profile(name)
        except ConfigError as error:
            self.tell("switch", str(error), "error")
            return
        self.busy = True
        try:
            self.app.activity.note("switch", f"signing in to {profile.name}...")
            session = self.setup.new_session(profile, await self.store())
            try:
                outcome = await self._trusting(session, session.start)
            except Exception as error:  # noqa: BLE001 - shown inline; the screen must never stay busy
                await session.aclose()
                self.tell("switch", describe_failure(error, profile.url), "error")
                return
            if outcome.status == "signed_in":
                await self._connected(session, outcome)
                return
            await session.aclose()
        finally:
            self.busy = False
        self.profile = profile
        screen = self.sign_in_screen(
            profile, message=" ".join(outcome.notices), cancellable=self.app.client is not None
        )
        if self.app.client is None:
            await self.app.show_only(screen)
        else:
            await self.app.push_screen(screen)  # esc goes back to the profile still signed in

    def cancel_switch(self) -> None:
        if self.session is not None:
            self.profile = self.session.profile

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.aclose()
            self.session = None
