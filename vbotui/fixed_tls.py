"""A fixed self-signed certificate and a TLS stand-in in front of the in-process simulator.

The screenshots and the snapshot tests show the certificate screens; their fingerprints must be the
same on every run, and no port may appear. So the certificate comes from an Ed25519 key derived from a
seed (Ed25519 signatures are deterministic: same key, same bytes), and `TlsFront` refuses requests as a
failed handshake would until that certificate is pinned. Test material only: the keys belong to
nothing real and are never written anywhere.
"""

from __future__ import annotations

import hashlib
import ssl
from datetime import datetime, timezone

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from .tls import CertificateInfo, KnownServers

HOST, PORT = "vbo01.corp.local", 4443
URL = f"https://{HOST}:{PORT}"


def fixed_certificate(seed: str, common_name: str = HOST) -> str:
    """A self-signed certificate (PEM) from a key derived from `seed`: the same PEM on every run.

    Valid 2024-01-15 to 2034-01-15, as a real one is: screens check it against the app's clock.
    """
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"vbotui fixed {seed}".encode()).digest())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    sans = x509.SubjectAlternativeName([x509.DNSName(common_name), x509.DNSName(common_name.split(".")[0])])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
        .not_valid_before(datetime(2024, 1, 15, 8, 0, tzinfo=timezone.utc))
        .not_valid_after(datetime(2034, 1, 15, 8, 0, tzinfo=timezone.utc))
        .add_extension(sans, critical=False)
        .sign(key, None)
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


PRESENTED_PEM = fixed_certificate("presented")  # what the server shows
PINNED_PEM = fixed_certificate("pinned before")  # what an earlier visit pinned (a changed certificate)


def fetch_presented(host: str, port: int, timeout: float = 10.0) -> CertificateInfo:
    """A `ServerSession(fetch_certificate=...)`: the server always presents PRESENTED_PEM."""
    return CertificateInfo.from_pem(PRESENTED_PEM, host, port)


class TlsFront(httpx.AsyncBaseTransport):
    """The simulator behind TLS as a client sees it: it presents PRESENTED_PEM, and a client that has
    not pinned it fails as it would on a self-signed certificate."""

    def __init__(self, inner: httpx.AsyncBaseTransport, known: KnownServers) -> None:
        self.inner, self.known = inner, known
        self.sha256 = CertificateInfo.from_pem(PRESENTED_PEM).sha256

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pinned = self.known.get(HOST, PORT)
        if pinned is None or pinned.sha256 != self.sha256:
            cause = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
            cause.verify_message = "self-signed certificate"
            raise httpx.ConnectError("certificate verify failed", request=request) from cause
        return await self.inner.handle_async_request(request)
