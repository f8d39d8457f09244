"""TLS trust per server profile, and the known-servers file for trust on first use.

Modes (a profile's `tls`):
  system          the OS trust store (OpenSSL default paths; `SSL_CERT_FILE`/`SSL_CERT_DIR` apply)
  ca_file:PATH    only the CAs in PATH (a corporate CA bundle)
  pinned:SHA256   exactly one certificate, by SHA-256 fingerprint, checked inside the TLS handshake
                  so that a different server is refused before any request byte (or password) is sent
  insecure        no checks at all; only when the operator asks for it explicitly

Pinning tolerates what VB365 servers really look like (self-signed, addressed by IP, expired),
like SSH known_hosts: the fingerprint is the identity. See shared/docs/keyring-and-tls.md §2.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs

from .privatefiles import private_write_text

TlsMode = Literal["system", "ca_file", "pinned", "insecure"]
TLS_MODES: tuple[TlsMode, ...] = ("system", "ca_file", "pinned", "insecure")


class TrustError(ValueError):
    """A TLS trust setting that cannot be used (bad fingerprint, missing CA file)."""


class PinMismatch(ssl.SSLCertVerificationError):
    """The server presented a certificate other than the pinned one."""

    def __init__(self, expected: str, actual: str) -> None:
        message = f"server certificate SHA-256 {actual} does not match the pinned fingerprint {expected}"
        super().__init__(message)
        self.expected = expected
        self.actual = actual
        # Set by OpenSSL on real verification errors; callers (vbotui.api.http) read them.
        self.verify_message = message
        self.verify_code = 0


class PinChanged(ValueError):
    """`KnownServers.pin` was asked to replace a different pin without `replace=True`."""

    def __init__(self, server: str, old: str, new: str) -> None:
        super().__init__(f"{server} is already pinned to {old}; refusing to replace it with {new}")
        self.server = server
        self.old = old
        self.new = new


# --- fingerprints -------------------------------------------------------------------------------


def format_fingerprint(digest: bytes) -> str:
    """`AA:BB:...`, the way `openssl x509 -fingerprint -sha256` prints it."""
    return ":".join(f"{b:02X}" for b in digest)


def normalize_fingerprint(text: str) -> str:
    """Accept `aa:bb..`, `AABB..` or `sha256:...`; return `AA:BB:...`, or raise TrustError."""
    cleaned = text.strip()
    if cleaned.lower().startswith("sha256:"):
        cleaned = cleaned[len("sha256:") :]
    cleaned = cleaned.replace(":", "").replace(" ", "")
    try:
        digest = bytes.fromhex(cleaned)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise TrustError(f"not a SHA-256 fingerprint (64 hex digits): {text!r}")
    return format_fingerprint(digest)


def der_fingerprint(der: bytes) -> str:
    return format_fingerprint(hashlib.sha256(der).digest())


# --- trust settings and SSL contexts --------------------------------------------------------------


@dataclass(frozen=True)
class TlsTrust:
    """How to decide whether a server's certificate is the right one."""

    mode: TlsMode = "system"
    ca_file: str | None = None
    pin_sha256: str | None = None  # AA:BB:...; for "pinned", None means "look it up in KnownServers"

    @classmethod
    def parse(cls, text: str, ca_file: str | None = None) -> TlsTrust:
        """Parse `system`, `insecure`, `ca_file` (+ ca_file), `ca_file:PATH`, `pinned`, `pinned:SHA256`."""
        mode, _, arg = text.strip().partition(":")
        if mode == "system" and not arg:
            return cls("system")
        if mode == "insecure" and not arg:
            return cls("insecure")
        if mode == "ca_file":
            path = arg or ca_file
            if not path:
                raise TrustError("tls = ca_file needs a path: ca_file:PATH or a ca_file setting")
            return cls("ca_file", ca_file=path)
        if mode == "pinned":
            return cls("pinned", pin_sha256=normalize_fingerprint(arg) if arg else None)
        raise TrustError(f"unknown TLS mode {text!r}; use system, ca_file:PATH, pinned:SHA256 or insecure")

    def __str__(self) -> str:
        if self.mode == "ca_file":
            return f"ca_file:{self.ca_file}"
        if self.mode == "pinned" and self.pin_sha256:
            return f"pinned:{self.pin_sha256}"
        return self.mode


def _check_pin(sslobj: ssl.SSLObject | ssl.SSLSocket) -> None:
    context = sslobj.context
    expected = getattr(context, "pin_sha256", None)
    der = sslobj.getpeercert(binary_form=True)  # present even with CERT_NONE
    actual = der_fingerprint(der) if der else "(no certificate)"
    if expected is None or actual != expected:
        if isinstance(context, PinnedContext):
            context.last_mismatch = PinMismatch(str(expected), actual)
        raise PinMismatch(str(expected), actual)


class _PinnedSSLObject(ssl.SSLObject):  # the asyncio/anyio path (httpx.AsyncClient)
    def do_handshake(self) -> None:
        super().do_handshake()
        _check_pin(self)


class _PinnedSSLSocket(ssl.SSLSocket):  # the blocking path (httpx.Client, fetch helpers)
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        _check_pin(self)


class PinnedContext(ssl.SSLContext):
    """An SSLContext that accepts exactly one certificate, by SHA-256, during the handshake.

    `last_mismatch` keeps the most recent refusal so that callers can show both fingerprints even
    when the HTTP library wraps the exception.
    """

    sslobject_class = _PinnedSSLObject
    sslsocket_class = _PinnedSSLSocket
    pin_sha256: str
    last_mismatch: PinMismatch | None


def pinned_context(pin_sha256: str) -> PinnedContext:
    ctx = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    # The pin is the identity; chain, name and expiry checks would only refuse real VB365 servers.
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.pin_sha256 = normalize_fingerprint(pin_sha256)
    ctx.last_mismatch = None
    return ctx


def build_ssl_context(trust: TlsTrust) -> ssl.SSLContext:
    """The SSLContext for `httpx.AsyncClient(verify=...)`. `pinned` needs its fingerprint resolved."""
    if trust.mode == "system":
        return ssl.create_default_context()
    if trust.mode == "ca_file":
        if not trust.ca_file or not Path(trust.ca_file).is_file():
            raise TrustError(f"CA file not found: {trust.ca_file}")
        try:
            return ssl.create_default_context(cafile=trust.ca_file)
        except ssl.SSLError as exc:
            raise TrustError(f"CA file {trust.ca_file} holds no usable certificate: {exc}") from exc
    if trust.mode == "pinned":
        if not trust.pin_sha256:
            raise TrustError("pinned TLS without a fingerprint: accept the server's certificate first")
        return pinned_context(trust.pin_sha256)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def find_pin_mismatch(exc: BaseException | None, context: ssl.SSLContext | None = None) -> PinMismatch | None:
    """The PinMismatch behind an error (walking causes), or the one the context last recorded."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, PinMismatch):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return context.last_mismatch if isinstance(context, PinnedContext) else None


# --- the certificate a server presents ----------------------------------------------------------


@dataclass(frozen=True)
class CertificateInfo:
    """What the first-use prompt shows about a server's certificate."""

    host: str
    port: int
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    sans: tuple[str, ...]
    sha256: str
    pem: str

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    def expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(timezone.utc)) > self.not_after

    @classmethod
    def from_pem(cls, pem: str, host: str = "", port: int = 0) -> CertificateInfo:
        from cryptography import x509  # only when a certificate is shown: not on every start

        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
        try:
            san_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            sans = tuple(
                [f"DNS:{n}" for n in san_ext.get_values_for_type(x509.DNSName)]
                + [f"IP:{ip}" for ip in san_ext.get_values_for_type(x509.IPAddress)]
            )
        except x509.ExtensionNotFound:
            sans = ()
        der = ssl.PEM_cert_to_DER_cert(pem)
        return cls(
            host=host,
            port=port,
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            sans=sans,
            sha256=der_fingerprint(der),
            pem=pem,
        )


def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> CertificateInfo:
    """The leaf certificate the server presents, without trusting it (blocking: run it in a thread).

    Raises OSError (including socket.timeout / ssl.SSLError) when the server cannot be reached.
    Note: like any direct TLS connect, it ignores HTTP proxies.
    """
    pem = ssl.get_server_certificate((host, port), timeout=timeout)
    return CertificateInfo.from_pem(pem, host, port)


# --- known servers: host:port -> accepted fingerprint --------------------------------------------


def server_address(url: str) -> tuple[str, int]:
    """(host, port) of an https URL; the port defaults to the scheme's."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in server URL {url!r}")
    port = parts.port or (80 if parts.scheme == "http" else 443)
    return parts.hostname.lower(), port


def server_key(host: str, port: int) -> str:
    """`host:port`, with IPv6 addresses in brackets, as the known-servers file keys them."""
    try:
        if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address):
            return f"[{host}]:{port}"
    except ValueError:
        pass
    return f"{host.lower()}:{port}"


@dataclass(frozen=True)
class KnownServer:
    sha256: str
    first_seen: str


@dataclass(frozen=True)
class PinCheck:
    """The outcome of `KnownServers.check`: new, matches, or changed (old pin vs the seen one)."""

    state: Literal["new", "matches", "changed"]
    seen: str
    pinned: str | None = None


def default_known_servers_path() -> Path:
    return platformdirs.user_data_path("vbotui") / "known_servers.json"


class KnownServersError(RuntimeError):
    """The known-servers file exists but cannot be read; it is never overwritten then."""


class KnownServers:
    """A JSON file `{"host:port": {"sha256": "AA:..", "first_seen": "ISO time"}}`. Not secret."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_known_servers_path()

    def _read(self) -> dict[str, KnownServer]:
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise KnownServersError(f"cannot read {self.path}: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise KnownServersError(f"{self.path}: expected a JSON object")
        entries: dict[str, KnownServer] = {}
        for key, value in raw.items():
            if isinstance(value, Mapping) and isinstance(value.get("sha256"), str):
                entries[str(key)] = KnownServer(value["sha256"], str(value.get("first_seen", "")))
        return entries

    def _write(self, entries: dict[str, KnownServer]) -> None:
        data = {k: {"sha256": v.sha256, "first_seen": v.first_seen} for k, v in sorted(entries.items())}
        # Write and rename (a crash never leaves a half-written pin file), 0600 in a 0700 folder:
        # which servers an operator uses is nobody else's business on a shared host.
        private_write_text(self.path, json.dumps(data, indent=2) + "\n")

    def get(self, host: str, port: int) -> KnownServer | None:
        return self._read().get(server_key(host, port))

    def check(self, host: str, port: int, sha256: str) -> PinCheck:
        seen = normalize_fingerprint(sha256)
        known = self.get(host, port)
        if known is None:
            return PinCheck("new", seen)
        state: Literal["matches", "changed"] = "matches" if known.sha256 == seen else "changed"
        return PinCheck(state, seen, known.sha256)

    def pin(self, host: str, port: int, sha256: str, *, replace: bool = False) -> KnownServer:
        """Remember `sha256` for host:port. A different existing pin is replaced only with `replace=True`,
        which must come from an explicit operator decision."""
        fingerprint = normalize_fingerprint(sha256)
        entries = self._read()
        key = server_key(host, port)
        existing = entries.get(key)
        if existing is not None and existing.sha256 == fingerprint:
            return existing
        if existing is not None and not replace:
            raise PinChanged(key, existing.sha256, fingerprint)
        entry = KnownServer(fingerprint, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        entries[key] = entry
        self._write(entries)
        return entry

    def forget(self, host: str, port: int) -> bool:
        entries = self._read()
        if entries.pop(server_key(host, port), None) is None:
            return False
        self._write(entries)
        return True


__all__ = [
    "TLS_MODES",
    "CertificateInfo",
    "KnownServer",
    "KnownServers",
    "KnownServersError",
    "PinChanged",
    "PinCheck",
    "PinMismatch",
    "PinnedContext",
    "TlsMode",
    "TlsTrust",
    "TrustError",
    "build_ssl_context",
    "der_fingerprint",
    "fetch_certificate",
    "find_pin_mismatch",
    "format_fingerprint",
    "normalize_fingerprint",
    "pinned_context",
    "server_address",
    "server_key",
]
