"""TLS trust over real HTTPS on 127.0.0.1: the simulator under uvicorn, self-signed certificates."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from vbotui.api.client import VboClient
from vbotui.api.errors import TlsError
from vbotui.auth import MemoryTokenStore, ServerSession, UntrustedServer
from vbotui.config import Profile
from vbotui.sim import SimConfig, Simulator
from vbotui.tls import (
    KnownServers,
    PinChanged,
    TlsTrust,
    TrustError,
    build_ssl_context,
    fetch_certificate,
    normalize_fingerprint,
)

from ..helpers.tls import CertFiles, self_signed, serve_https


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimConfig(jobs=3, user="admin", password="secret"))


@pytest.fixture
def certs(tmp_path: Path) -> tuple[CertFiles, CertFiles]:
    return self_signed(tmp_path, "a"), self_signed(tmp_path, "b")


def openssl_fingerprint(cert: Path) -> str:
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(cert)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().split("=", 1)[1]  # "sha256 Fingerprint=AA:BB:..."


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_fetched_certificate_shows_the_fingerprint_openssl_prints(sim, certs):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        info = fetch_certificate("127.0.0.1", port, timeout=10)
    assert info.sha256 == openssl_fingerprint(a.cert)
    assert info.subject == "CN=vbo01.corp.local" and info.self_signed
    assert set(info.sans) == {"DNS:vbo01.corp.local", "IP:127.0.0.1"}
    assert info.not_before < info.not_after and not info.expired()
    assert ssl.PEM_cert_to_DER_cert(info.pem) == ssl.PEM_cert_to_DER_cert(a.pem)


async def test_pinned_mode_accepts_the_pinned_server(sim, certs):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        pin = fetch_certificate("127.0.0.1", port).sha256
        context = build_ssl_context(TlsTrust.parse(f"pinned:{pin}"))
        async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=context) as client:
            await client.sign_in("admin", "secret")
            assert len(await client.list_jobs()) == 3


async def test_another_certificate_on_the_same_address_is_refused_before_the_token_request(sim, certs):
    a, b = certs
    pin = a.sha256
    with serve_https(sim.app, b) as port:  # the pinned address shows another key: an impostor
        context = build_ssl_context(TlsTrust("pinned", pin_sha256=pin))
        async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=context) as client:
            with pytest.raises(TlsError) as caught:
                await client.sign_in("admin", "secret")
    assert sim.requests == []  # not even the token request (with the password) reached it
    assert pin in caught.value.message
    assert normalize_fingerprint(openssl_fingerprint(b.cert)) in caught.value.message


async def test_session_reports_a_changed_pin_with_both_fingerprints(sim, certs, tmp_path):
    a, b = certs
    known = KnownServers(tmp_path / "known.json")
    old = a.sha256
    with serve_https(sim.app, b) as port:  # a was pinned for this address; b is presented
        known.pin("127.0.0.1", port, old)
        profile = Profile("lab", f"https://127.0.0.1:{port}", user="admin", api_version="v8")
        session = ServerSession(profile, MemoryTokenStore(), known_servers=known, env={})
        with pytest.raises(UntrustedServer) as caught:
            await session.sign_in("secret")
    await session.aclose()
    problem = caught.value
    assert problem.changed and problem.check is not None
    assert problem.check.pinned == old
    assert problem.check.seen == problem.certificate.sha256 != old
    assert sim.requests == []
    assert known.get("127.0.0.1", port).sha256 == old  # the pin was not touched


async def test_first_use_prompt_then_accepting_pins_and_signs_in(sim, certs, tmp_path):
    a, _ = certs
    known = KnownServers(tmp_path / "known.json")
    with serve_https(sim.app, a) as port:
        profile = Profile("lab", f"https://127.0.0.1:{port}", user="admin", api_version="v8")
        session = ServerSession(profile, MemoryTokenStore(), known_servers=known, env={})
        with pytest.raises(UntrustedServer) as caught:  # system trust refuses the self-signed cert
            await session.sign_in("secret")
        assert caught.value.check is not None and caught.value.check.state == "new"
        assert caught.value.can_pin and sim.requests == []
        await session.accept_certificate(caught.value.certificate)
        outcome = await session.sign_in("secret")
        assert outcome.status == "signed_in"
        assert session.trust.mode == "pinned"
        await session.aclose()
    assert known.get("127.0.0.1", port).sha256 == normalize_fingerprint(openssl_fingerprint(a.cert))


async def test_ca_file_mode_trusts_the_certificate_in_the_file(sim, certs):
    a, _ = certs
    with serve_https(sim.app, a) as port:
        context = build_ssl_context(TlsTrust.parse("ca_file", ca_file=str(a.cert)))
        # The certificate names 127.0.0.1, so the hostname check passes too.
        async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=context) as client:
            await client.sign_in("admin", "secret")
            assert {job.id for job in await client.list_jobs()} == set(sim.jobs)


async def test_ca_file_mode_refuses_a_server_the_file_does_not_vouch_for(sim, certs):
    a, b = certs
    with serve_https(sim.app, b) as port:
        context = build_ssl_context(TlsTrust("ca_file", ca_file=str(a.cert)))
        async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=context) as client:
            with pytest.raises(TlsError):
                await client.sign_in("admin", "secret")
    assert sim.requests == []


async def test_system_mode_refuses_a_self_signed_certificate(sim, certs, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    a, _ = certs
    with serve_https(sim.app, a) as port:
        async with VboClient(
            f"https://127.0.0.1:{port}", "v8", verify=build_ssl_context(TlsTrust())
        ) as client:
            with pytest.raises(TlsError) as caught:
                await client.sign_in("admin", "secret")
    assert "self-signed" in caught.value.message
    assert sim.requests == []


def test_a_missing_ca_file_is_a_trust_error(tmp_path):
    with pytest.raises(TrustError, match="not found"):
        build_ssl_context(TlsTrust("ca_file", ca_file=str(tmp_path / "nope.pem")))


@pytest.mark.parametrize("text", ["pinned:abc", "pinned:" + "zz" * 32, "tofu", "system:x"])
def test_bad_trust_settings_are_refused(text):
    with pytest.raises(TrustError):
        TlsTrust.parse(text)


def test_fingerprint_spellings_normalize_to_openssl_form():
    digest = "ab" * 32
    expected = ":".join(["AB"] * 32)
    assert normalize_fingerprint(digest) == expected
    assert normalize_fingerprint("sha256:" + ":".join(["ab"] * 32)) == expected
    assert TlsTrust.parse(f"pinned:{digest}").pin_sha256 == expected


# --- known servers ---------------------------------------------------------------------------------

A = ":".join(["AA"] * 32)
B = ":".join(["BB"] * 32)


def test_known_servers_new_then_matches_then_changed(tmp_path):
    known = KnownServers(tmp_path / "sub" / "known.json")
    assert known.check("vbo01", 4443, A).state == "new"
    known.pin("vbo01", 4443, A)
    assert known.check("VBO01", 4443, A).state == "matches"
    changed = known.check("vbo01", 4443, B)
    assert (changed.state, changed.pinned, changed.seen) == ("changed", A, B)
    assert known.check("vbo01", 4444, B).state == "new"  # pins are per host:port


def test_known_servers_never_replace_a_pin_silently(tmp_path):
    known = KnownServers(tmp_path / "known.json")
    first = known.pin("vbo01", 4443, A)
    with pytest.raises(PinChanged) as caught:
        known.pin("vbo01", 4443, B)
    assert (caught.value.old, caught.value.new) == (A, B)
    assert KnownServers(known.path).get("vbo01", 4443).sha256 == A  # the file still has the old pin
    assert known.pin("vbo01", 4443, A) == first  # re-pinning the same one is a no-op
    known.pin("vbo01", 4443, B, replace=True)  # only an explicit decision replaces it
    assert KnownServers(known.path).get("vbo01", 4443).sha256 == B


def test_a_corrupt_known_servers_file_is_an_error_not_an_empty_list(tmp_path):
    from vbotui.tls import KnownServersError

    path = tmp_path / "known.json"
    path.write_text("{not json")
    with pytest.raises(KnownServersError):
        KnownServers(path).pin("vbo01", 4443, A)
    assert path.read_text() == "{not json"  # never overwritten
