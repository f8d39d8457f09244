"""TLS trust at the edges a mutmut run over vbotui/tls.py found untested: what a refused pin records
(both fingerprints, on the exception and on the context), finding it behind wrapped errors, the
spellings of a trust setting and of a fingerprint, insecure mode, and the known-servers file."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import httpx
import pytest

from vbotui.sim import SimConfig, Simulator
from vbotui.tls import (
    KnownServers,
    PinChanged,
    PinMismatch,
    TlsTrust,
    TrustError,
    build_ssl_context,
    find_pin_mismatch,
    normalize_fingerprint,
)

from ..helpers.tls import CertFiles, self_signed, serve_https

FP = ":".join(["AB"] * 32)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimConfig(jobs=2, user="admin", password="secret"))


@pytest.fixture
def certs(tmp_path: Path) -> tuple[CertFiles, CertFiles]:
    return self_signed(tmp_path, "a"), self_signed(tmp_path, "b")


async def test_a_refused_pin_keeps_both_fingerprints_on_the_error_and_on_the_context(sim, certs):
    a, b = certs
    context = build_ssl_context(TlsTrust("pinned", pin_sha256=a.sha256))
    with serve_https(sim.app, b) as port:
        async with httpx.AsyncClient(verify=context) as client:
            with pytest.raises(httpx.ConnectError) as caught:
                await client.get(f"https://127.0.0.1:{port}/v8/Jobs")
    assert sim.requests == []
    recorded = context.last_mismatch  # type: ignore[attr-defined]
    assert isinstance(recorded, PinMismatch)
    assert (recorded.expected, recorded.actual) == (a.sha256, b.sha256)
    assert a.sha256 in str(recorded) and b.sha256 in str(recorded)
    # Behind httpx's wrapping, without the context: found by walking the causes.
    found = find_pin_mismatch(caught.value)
    assert found is not None and (found.expected, found.actual) == (a.sha256, b.sha256)
    # An error that does not carry it: the context's record.
    assert find_pin_mismatch(RuntimeError("wrapped elsewhere"), context) is recorded
    assert find_pin_mismatch(RuntimeError("wrapped elsewhere")) is None


async def test_the_pinned_server_itself_leaves_no_mismatch(sim, certs):
    a, _ = certs
    context = build_ssl_context(TlsTrust("pinned", pin_sha256=a.sha256))
    with serve_https(sim.app, a) as port:
        async with httpx.AsyncClient(verify=context) as client:
            response = await client.post(
                f"https://127.0.0.1:{port}/v8/token",
                data={"grant_type": "password", "username": "admin", "password": "secret"},
            )
    assert response.status_code == 200
    assert context.last_mismatch is None  # type: ignore[attr-defined]
    assert find_pin_mismatch(RuntimeError("x"), context) is None


async def test_insecure_mode_talks_to_any_certificate(sim, certs):
    a, _ = certs
    context = build_ssl_context(TlsTrust.parse("insecure"))
    assert context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    with serve_https(sim.app, a) as port:
        async with httpx.AsyncClient(verify=context) as client:
            response = await client.post(
                f"https://localhost:{port}/v8/token",  # not a name the certificate has
                data={"grant_type": "password", "username": "admin", "password": "secret"},
            )
    assert response.status_code == 200


def test_a_mismatch_is_found_through_cause_or_context_and_cycles_end():
    mismatch = PinMismatch(FP, "(another)")
    by_cause = RuntimeError("outer")
    by_cause.__cause__ = ValueError("middle")
    by_cause.__cause__.__cause__ = mismatch
    assert find_pin_mismatch(by_cause) is mismatch
    by_context = RuntimeError("outer")
    by_context.__context__ = mismatch
    assert find_pin_mismatch(by_context) is mismatch
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first
    assert find_pin_mismatch(first) is None  # a loop of errors ends
    assert find_pin_mismatch(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("system", TlsTrust("system")),
        (" system ", TlsTrust("system")),
        ("insecure", TlsTrust("insecure")),
        ("ca_file:/etc/ca.pem", TlsTrust("ca_file", ca_file="/etc/ca.pem")),
        ("pinned", TlsTrust("pinned")),
        (f"pinned:{FP.lower()}", TlsTrust("pinned", pin_sha256=FP)),
    ],
)
def test_each_trust_spelling_parses_to_its_mode(text: str, expected: TlsTrust) -> None:
    assert TlsTrust.parse(text) == expected


def test_ca_file_takes_the_separate_setting_when_the_mode_has_no_path() -> None:
    assert TlsTrust.parse("ca_file", ca_file="/etc/ca.pem") == TlsTrust("ca_file", ca_file="/etc/ca.pem")
    with pytest.raises(TrustError, match=r"^tls = ca_file needs a path: ca_file:PATH or a ca_file setting$"):
        TlsTrust.parse("ca_file")


@pytest.mark.parametrize("text", ["insecure:yes", "system:x", "SYSTEM", "Pinned", "verify"])
def test_other_trust_spellings_are_refused_with_the_modes_listed(text: str) -> None:
    with pytest.raises(
        TrustError, match=r"unknown TLS mode .*use system, ca_file:PATH, pinned:SHA256 or insecure"
    ):
        TlsTrust.parse(text)


def test_a_fingerprint_may_be_written_with_spaces() -> None:
    spaced = " ".join(["ab"] * 32)
    assert normalize_fingerprint(spaced) == FP
    assert normalize_fingerprint("sha256:" + "ab" * 32) == FP
    with pytest.raises(TrustError, match=r"not a SHA-256 fingerprint \(64 hex digits\)"):
        normalize_fingerprint("ab" * 31)
    with pytest.raises(TrustError, match=r"64 hex digits"):
        normalize_fingerprint("zz" * 32)


def test_pinned_without_a_fingerprint_says_to_accept_the_certificate_first() -> None:
    with pytest.raises(
        TrustError, match=r"^pinned TLS without a fingerprint: accept the server's certificate first$"
    ):
        build_ssl_context(TlsTrust("pinned"))


def test_a_bad_ca_file_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    with pytest.raises(TrustError, match=rf"CA file {bad} holds no usable certificate"):
        build_ssl_context(TlsTrust("ca_file", ca_file=str(bad)))


def test_a_new_server_check_shows_the_seen_fingerprint_and_a_pin_records_utc(tmp_path: Path) -> None:
    known = KnownServers(tmp_path / "known.json")
    check = known.check("vbo01", 4443, FP)
    assert (check.state, check.seen, check.pinned) == ("new", FP, None)
    known.pin("vbo01", 4443, FP)
    [entry] = json.loads((tmp_path / "known.json").read_text()).values()
    assert entry["first_seen"].endswith("+00:00")
    other = ":".join(["CD"] * 32)
    with pytest.raises(PinChanged) as caught:
        known.pin("VBO01", 4443, other)
    assert caught.value.server == "vbo01:4443"
    assert FP in str(caught.value) and other in str(caught.value)


def test_a_server_without_a_certificate_is_named_so_in_the_refusal():
    from vbotui.tls import _check_pin, pinned_context

    class NoCertificate:
        context = pinned_context(FP)

        def getpeercert(self, binary_form=False):
            return b""

    fake = NoCertificate()
    with pytest.raises(PinMismatch) as caught:
        _check_pin(fake)  # type: ignore[arg-type]
    assert (caught.value.expected, caught.value.actual) == (FP, "(no certificate)")
    assert fake.context.last_mismatch is not None and fake.context.last_mismatch.actual == "(no certificate)"


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://VBO01.corp.local", ("vbo01.corp.local", 443)),
        ("http://vbo01", ("vbo01", 80)),
        ("https://vbo01:4443/", ("vbo01", 4443)),
        ("http://vbo01:8080", ("vbo01", 8080)),
    ],
)
def test_a_servers_address_is_its_lowercased_host_and_the_schemes_port(url, address):
    from vbotui.tls import server_address

    assert server_address(url) == address


def test_a_url_without_a_host_has_no_address():
    from vbotui.tls import server_address

    with pytest.raises(ValueError, match=r"^no host in server URL 'https://'$"):
        server_address("https://")


def test_known_server_entries_that_are_not_pins_are_skipped(tmp_path: Path):
    path = tmp_path / "known.json"
    path.write_text(json.dumps({"a:443": "junk", "b:443": {"sha256": 7}, "c:443": {"sha256": FP}}))
    known = KnownServers(path)
    assert known.get("a", 443) is None and known.get("b", 443) is None
    entry = known.get("c", 443)
    assert entry is not None and entry.sha256 == FP and entry.first_seen == ""
    path.write_text("[]")
    from vbotui.tls import KnownServersError

    with pytest.raises(KnownServersError, match=r"expected a JSON object$"):
        known.get("c", 443)
    path.write_text("{not json")
    with pytest.raises(KnownServersError, match=rf"^cannot read {path}: "):
        known.get("c", 443)
