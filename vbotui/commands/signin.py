"""Sign-in for a one-shot command, without a prompt unless there is a terminal to ask on.

Where the password comes from, in order: the profile's saved sign-in (keyring refresh token), then
VBOTUI_PASSWORD, `--password-file PATH` (refused unless the file is the user's and 0600, or
stricter), `--password-stdin`, and a prompt only when stdin and stderr are a terminal. The password
is never stored; only the refresh token the server gives is kept in the keyring, as by the app.

Trust is the app's: pins in known_servers.json are checked in the handshake. With no terminal an
unknown or changed certificate is refused (exit 3) with its SHA-256; `--fingerprint SHA256:...`
pins the certificate on first use when it is the one the server presents.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import IO, TextIO

from vbotui.api.client import VboClient
from vbotui.api.errors import AuthError, TransportError, VboError
from vbotui.auth import Secret, ServerSession, SignInOutcome, UntrustedServer, open_token_store
from vbotui.config import Profile
from vbotui.textclean import clean
from vbotui.tls import (
    CertificateInfo,
    KnownServers,
    KnownServersError,
    PinChanged,
    TlsTrust,
    TrustError,
    normalize_fingerprint,
)

from .ending import stop_signals
from .exits import EXIT_UNREACHABLE, EXIT_USAGE, CommandError

MAX_TRUST_ROUNDS = 3


@dataclass
class Terminal:
    """Where prompts go (stderr) and come from (stdin), when both are a terminal."""

    stdin: IO[str]
    stderr: TextIO
    interactive: bool

    @classmethod
    def detect(cls, *, stdin_taken: bool = False) -> Terminal:
        interactive = not stdin_taken and sys.stdin.isatty() and sys.stderr.isatty()
        return cls(sys.stdin, sys.stderr, interactive)

    def say(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()

    # A prompt blocks the loop, which then cannot hear ctrl+c: while it waits, a signal ends the
    # command at once (nothing has been sent).
    def ask(self, question: str) -> str:
        self.stderr.write(question)
        self.stderr.flush()
        with stop_signals():
            return self.stdin.readline().strip()

    def password(self, prompt: str) -> str:
        with stop_signals():
            return getpass.getpass(prompt, stream=self.stderr)


def read_password_file(path: str) -> Secret:
    """The password in `path` (one trailing newline dropped); CommandError(2) unless the file is
    a regular file of this user's with no access for group or others, and holds a password."""
    try:
        # O_NONBLOCK: opening a FIFO waits for a writer (for ever) without it; O_NOFOLLOW: the
        # mode checked is the file's own, not a link's target chosen by someone else.
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags)
    except OSError as error:
        raise CommandError(EXIT_USAGE, f"--password-file {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        mode = stat.S_IMODE(info.st_mode)
        if not stat.S_ISREG(info.st_mode):
            raise CommandError(EXIT_USAGE, f"--password-file {path}: not a regular file")
        if info.st_uid != os.getuid() or mode & 0o077:
            raise CommandError(
                EXIT_USAGE,
                f"--password-file {path} is mode {mode:04o}"
                + ("" if info.st_uid == os.getuid() else ", owned by another user")
                + ": refused (it must be yours and 0600: chmod 600 it)",
            )
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as file:
            return _not_empty(_one_line(file.read()), f"--password-file {path}")
    finally:
        os.close(fd)


def read_password_stdin(stdin: IO[str]) -> Secret:
    return _not_empty(_one_line(stdin.read()), "--password-stdin")


def _not_empty(password: str, source: str) -> Secret:
    """An empty password is a mistake (an empty file, a variable not set): refused before sending."""
    if not password:
        raise CommandError(EXIT_USAGE, f"{source}: the password is empty: nothing sent")
    return Secret(password)


def _one_line(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def with_fingerprint(profile: Profile, fingerprint: str | None, known: KnownServers) -> Profile:
    """The profile for this run when `--fingerprint` is given: its trust pinned (first use shows the
    certificate, which must be that one). CommandError when it contradicts a pin or the mode."""
    if fingerprint is None:
        return profile
    try:
        wanted = normalize_fingerprint(fingerprint)
    except TrustError as error:
        raise CommandError(EXIT_USAGE, f"--fingerprint: {error}") from None
    tls = profile.tls
    if tls.mode not in ("system", "pinned"):
        raise CommandError(
            EXIT_USAGE, f"--fingerprint does not go with TLS mode {tls.mode} (--ca-file, --insecure)"
        )
    try:
        pinned = tls.pin_sha256 or (entry.sha256 if (entry := known.get(*profile.address)) else None)
    except KnownServersError as error:
        raise CommandError(EXIT_UNREACHABLE, str(error)) from None
    if pinned is not None and pinned != wanted:
        raise CommandError(
            EXIT_UNREACHABLE,
            f"--fingerprint {wanted} is not the certificate pinned for {profile.url} ({pinned}): refused, "
            "nothing sent",
        )
    return replace(profile, tls=TlsTrust("pinned", pin_sha256=tls.pin_sha256))


@dataclass
class SignedIn:
    session: ServerSession
    client: VboClient
    outcome: SignInOutcome


async def sign_in(
    profile: Profile,
    *,
    fingerprint: str | None,
    password: Secret | None,
    terminal: Terminal,
    known: KnownServers | None = None,
    env: Mapping[str, str] | None = None,
    new_session: Callable[..., ServerSession] = ServerSession,
    keyring_note: bool = True,
) -> SignedIn:
    """Signed in, or CommandError: 3 (refused, unreachable, certificate) or 2 (nothing to sign in with).
    `keyring_note`: say it when no keyring keeps the sign-in (a script's stderr need not hear it)."""
    known = known or KnownServers()
    profile = with_fingerprint(profile, fingerprint, known)
    store, notice = await open_token_store()
    if notice and keyring_note:
        terminal.say(f"vbotui: {notice.partition('; ')[0]}")
    session: ServerSession = new_session(
        profile, store, known_servers=known, env=os.environ if env is None else env
    )
    try:
        for _ in range(MAX_TRUST_ROUNDS):
            try:
                outcome = await _attempt(session, profile, password, terminal)
            except UntrustedServer as problem:
                await _trust(session, problem, fingerprint, terminal)
                continue
            assert outcome.client is not None
            for line in outcome.notices:
                terminal.say(f"vbotui: {clean(line)}")
            return SignedIn(session, outcome.client, outcome)
        raise CommandError(EXIT_UNREACHABLE, "the server's certificate kept changing: refused")
    except CommandError:
        await session.aclose()
        raise
    except AuthError as error:
        await session.aclose()
        raise CommandError(
            EXIT_UNREACHABLE, f"sign-in refused by {profile.url}: {clean(error.message)}"
        ) from None
    except TransportError as error:
        await session.aclose()
        raise CommandError(
            EXIT_UNREACHABLE, f"cannot reach {profile.url}: {clean(error.describe())}"
        ) from None
    except VboError as error:
        await session.aclose()
        raise CommandError(
            EXIT_UNREACHABLE, f"sign-in to {profile.url} failed: {clean(error.describe())}"
        ) from None
    except (TrustError, KnownServersError) as error:
        await session.aclose()
        raise CommandError(EXIT_UNREACHABLE, clean(str(error))) from None


async def _attempt(
    session: ServerSession, profile: Profile, password: Secret | None, terminal: Terminal
) -> SignInOutcome:
    outcome = await session.start()  # the saved sign-in, else VBOTUI_PASSWORD
    if outcome.status == "signed_in":
        return outcome
    for line in outcome.notices:
        terminal.say(f"vbotui: {clean(line)}")
    if not profile.user:
        raise CommandError(EXIT_USAGE, f"no saved sign-in for {profile.name} and no user: give --user")
    if password is None and terminal.interactive:
        password = Secret(terminal.password(f"Password for {clean(profile.user)} at {clean(profile.url)}: "))
    if password is None:
        raise CommandError(
            EXIT_UNREACHABLE,
            f"no saved sign-in for {profile.name} and no password: use --password-file, --password-stdin "
            "or VBOTUI_PASSWORD (no terminal to ask on)",
        )
    return await session.sign_in(password)


async def _trust(
    session: ServerSession, problem: UntrustedServer, fingerprint: str | None, terminal: Terminal
) -> None:
    """Pin the certificate (first use with --fingerprint, or the operator's y on a terminal), else
    CommandError(3) with its SHA-256: nothing has been sent to the server."""
    cert = problem.certificate
    where = f"{session.profile.address[0]}:{session.profile.address[1]}"
    if cert is None or not problem.can_pin:
        seen = f" (it presents SHA-256 {cert.sha256})" if cert else ""
        raise CommandError(
            EXIT_UNREACHABLE, f"TLS refused {where}{seen}: {clean(problem.message)}; nothing sent"
        )
    if problem.changed:
        pinned = problem.check.pinned if problem.check else None
        message = (
            f"the certificate of {where} CHANGED: pinned SHA-256 {pinned}, the server now presents SHA-256 "
            f"{cert.sha256}. Refused; nothing sent. If the change is expected, replace the pin in vbotui "
            "(the app asks you to type 'replace')."
        )
        if not terminal.interactive:
            raise CommandError(EXIT_UNREACHABLE, message)
        terminal.say(message)
        if terminal.ask("Type 'replace' to pin the new certificate: ") != "replace":
            raise CommandError(EXIT_UNREACHABLE, "changed certificate refused; nothing sent")
        await _pin(session, cert, terminal, replace_pin=True)
        return
    if fingerprint is not None:
        wanted = normalize_fingerprint(fingerprint)
        if wanted != cert.sha256:
            raise CommandError(
                EXIT_UNREACHABLE,
                f"{where} presents SHA-256 {cert.sha256}, not the --fingerprint {wanted}: "
                "refused, nothing sent",
            )
        await _pin(session, cert, terminal)
        return
    text = (
        f"{where} presents a certificate that is not trusted: SHA-256 {cert.sha256}\n"
        f"  subject {clean(cert.subject)}, issuer {clean(cert.issuer)}, valid until {cert.not_after:%Y-%m-%d}"
    )
    if not terminal.interactive:
        raise CommandError(
            EXIT_UNREACHABLE,
            f"{text}\nRefused; nothing sent. If it is your server's, pin it with "
            f"--fingerprint SHA256:{cert.sha256}",
        )
    terminal.say(text)
    if terminal.ask("Trust it and pin it? [y/N] ").lower() not in ("y", "yes"):
        raise CommandError(EXIT_UNREACHABLE, "certificate not trusted; nothing sent")
    await _pin(session, cert, terminal)


async def _pin(
    session: ServerSession, cert: CertificateInfo, terminal: Terminal, *, replace_pin: bool = False
) -> None:
    try:
        await session.accept_certificate(cert, replace=replace_pin)
    except PinChanged as error:
        raise CommandError(EXIT_UNREACHABLE, str(error)) from None
    terminal.say(f"vbotui: pinned {cert.host}:{cert.port} to SHA-256 {cert.sha256}")
