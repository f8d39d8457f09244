"""`vbotui-sim` over real TLS: its generated certificate, fingerprint and a verified request."""

from __future__ import annotations

import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from vbotui.sim.certs import sha256_fingerprint
from vbotui.sim.cli import build_parser, main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_documents_faults(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "expire-token" in out and "--tls" in out and "--run-seconds" in out
    assert build_parser().parse_args(["--fault", "500", "--fault", "drop"]).fault == ["500", "drop"]


def test_bad_fault_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--fault", "explode"])
    assert exit_info.value.code == 2 and "fault spec" in capsys.readouterr().err


def test_serves_over_tls_with_its_own_certificate() -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vbotui.sim.cli",
            "--port",
            str(port),
            "--jobs",
            "12",
            "--password",
            "pw",
            "--fault",
            "dropx1@GET:/v3/ServiceInstance",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        banner = "".join(lines)
        cert_path = Path(re.search(r"TLS certificate: (\S+)", banner).group(1))  # type: ignore[union-attr]
        printed = re.search(r"SHA-256 fingerprint: ([0-9A-F:]+)", banner).group(1)  # type: ignore[union-attr]
        assert f"https://127.0.0.1:{port}" in banner and "'pw'" in banner
        assert printed == sha256_fingerprint(cert_path.read_bytes())
        context = ssl.create_default_context(cafile=str(cert_path))
        deadline = time.monotonic() + 20
        while True:  # wait for uvicorn to listen
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        served = ssl.get_server_certificate(("127.0.0.1", port))
        assert sha256_fingerprint(served.encode()) == printed
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=context) as client:
            with pytest.raises(httpx.RemoteProtocolError):  # the drop fault cuts the connection
                client.get("/v3/ServiceInstance")
            assert client.get("/v3/ServiceInstance").status_code == 401  # served, and it wants a token
            token = client.post(
                "/v3/token", data={"grant_type": "password", "username": "admin", "password": "pw"}
            )
            assert token.status_code == 200
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            enable = client.post(
                "/v3/Jobs/3396ba22-21b1-4666-a631-0edfc12a59cd/Action", json={"enable": None}, headers=auth
            )
            assert (enable.status_code, enable.content) == (200, b"")
            job = client.get("/v3/Jobs/3396ba22-21b1-4666-a631-0edfc12a59cd", headers=auth).json()
            assert job["_links"]["self"]["href"].startswith(f"https://127.0.0.1:{port}/v3/jobs/")
        with pytest.raises(httpx.ConnectError), httpx.Client(verify=ssl.create_default_context()) as strict:
            strict.get(f"https://127.0.0.1:{port}/v3/ServiceInstance")  # not in the system store
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
