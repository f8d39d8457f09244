"""The client over real TLS on 127.0.0.1: the simulator under uvicorn, a certificate from trustme."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from vbotui.api import TlsError, TransportError, VboClient

from ..helpers.tls import serve_https
from .sim_support import make_sim


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[tuple[object, int]]:
    sim, _ = make_sim(faults=["timeout@GET:/v8/Jobs/slow", "timeout@POST:/v8/Jobs/*/stop"])
    leaf = ca.issue_cert("127.0.0.1", "vbo01.corp.local")
    with leaf.cert_chain_pems[0].tempfile() as cert, leaf.private_key_pem.tempfile() as key:
        with serve_https(sim.app, (str(cert), str(key))) as port:
            yield sim, port


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_a_trusted_certificate_works_end_to_end(ca, tls_server):
    sim, port = tls_server
    async with VboClient(f"https://127.0.0.1:{port}", "auto", verify=trusting(ca)) as client:
        await client.sign_in("admin", "secret")
        assert client.version == "v8"
        assert len(await client.list_jobs()) == 40


async def test_an_untrusted_certificate_is_refused_before_any_request(tls_server):
    sim, port = tls_server
    untrusting = ssl.create_default_context(cadata=trustme.CA().cert_pem.bytes().decode())
    async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=untrusting) as client:
        with pytest.raises(TlsError) as caught:
            await client.sign_in("admin", "secret")
    assert "unable to get local issuer certificate" in caught.value.message
    assert not caught.value.may_have_reached_server
    assert sim.requests == []  # the password never left


async def test_a_read_timeout_over_the_network_is_a_transport_error(ca, tls_server):
    _, port = tls_server
    async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=trusting(ca), timeout=0.5) as client:
        await client.sign_in("admin", "secret")
        with pytest.raises(TransportError) as caught:
            await client.get_job("slow")
    # httpx's read timeout or the client's total deadline, whichever ends first: the same length
    message = caught.value.message
    assert type(caught.value) is TransportError
    assert "no response in time" in message or "timed out: no answer in 0.5 s" in message


async def test_a_post_without_an_answer_may_have_reached_the_server(ca, tls_server):
    sim, port = tls_server
    async with VboClient(f"https://127.0.0.1:{port}", "v8", verify=trusting(ca), timeout=0.5) as client:
        await client.sign_in("admin", "secret")
        with pytest.raises(TransportError) as caught:
            await client.job_action("any-job", "stop")
    assert caught.value.may_have_reached_server
    assert "may have reached the server" in caught.value.describe()
    assert len([r for r in sim.requests if r.path.endswith("/stop")]) == 1  # not retried


async def test_nothing_listening_is_a_transport_error_that_never_reached_the_server():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: the connection is refused
        async with VboClient(f"https://127.0.0.1:{port}", "v8") as client:
            with pytest.raises(TransportError) as caught:
                await client.sign_in("admin", "secret")
    assert not caught.value.may_have_reached_server and "could not connect" in caught.value.message
