"""HTTPS in tests: self-signed certificates, and uvicorn serving an ASGI app on 127.0.0.1 in a thread.

The server's socket is bound to port 0 by the server itself and handed to uvicorn, so the port it
yields is the one it listens on: no port is picked first and bound later (another test, or another
xdist worker, could take it in between). A test that needs "the same address, another certificate"
pins the first certificate for the second server's port instead of reusing a port."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from vbotui.tls import CertificateInfo


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path

    @property
    def pem(self) -> str:
        return self.cert.read_text()

    @property
    def sha256(self) -> str:
        """The certificate's SHA-256 fingerprint, as vbotui shows and pins it."""
        return CertificateInfo.from_pem(self.pem).sha256


def self_signed(folder: Path, name: str, common_name: str = "vbo01.corp.local") -> CertFiles:
    """A self-signed leaf for `common_name` and 127.0.0.1, as a VB365 server makes for itself."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(common_name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    files = CertFiles(folder / f"{name}.crt", folder / f"{name}.key")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


@contextmanager
def serve_https(app: Any, cert: CertFiles | tuple[str, str]) -> Iterator[int]:
    """Serve `app` with uvicorn over HTTPS on 127.0.0.1, a port the system gives, in a thread; yield
    the port. `cert` is a CertFiles or (certificate file, key file). On exit the server stops at
    once, without waiting for a request a fault holds open."""
    import uvicorn

    cert_file, key_file = (str(cert.cert), str(cert.key)) if isinstance(cert, CertFiles) else cert
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        ssl_certfile=cert_file,
        ssl_keyfile=key_file,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    idle = threading.Event()
    while not server.started and thread.is_alive():
        idle.wait(0.01)
    if not server.started:
        sock.close()
        raise RuntimeError("the test HTTPS server did not start")
    try:
        yield port
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
        sock.close()
