"""Issue 13 (11): `--user 'VBO\\operator'` signs in, the printed curl line works pasted into a shell,
a drop-after fault logs one line (no traceback), and a hung `timeout` request does not hold SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from vbotui.sim import SimConfig, Simulator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("sent", ["operator", "VBO\\operator", "vbo\\Operator", "operator@vbo.local"])
async def test_a_domain_user_is_reduced_like_the_submitted_name(sent: str) -> None:
    sim = Simulator(SimConfig(jobs=2, user="VBO\\operator", password="pw"))
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
        token = await client.post(
            "/v3/token", data={"grant_type": "password", "username": sent, "password": "pw"}
        )
        assert token.status_code == 200, token.text
        wrong = await client.post(
            "/v3/token", data={"grant_type": "password", "username": "VBO\\other", "password": "pw"}
        )
        assert wrong.status_code == 400


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_printed_curl_line_works_drops_log_one_line_and_sigterm_is_quick() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vbotui.sim.cli", "--port", str(port), "--tls", "none", "--jobs", "3"]
        + ["--user", "VBO\\operator", "--password", "p w", "--fault", "drop-afterx1@GET:/v3/ServiceInstance"]
        + ["--fault", "timeout@GET:/v3/Organizations"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(5))
        assert "user 'VBO\\operator'" in banner, banner
        line = next(ln for ln in banner.splitlines() if "TOKEN=$(" in ln).strip()
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        pasted = subprocess.run(["bash", "-c", f'{line}; echo "T=$TOKEN"'], capture_output=True, text=True)
        assert re.search(r"^T=\S{20,}", pasted.stdout, re.M), (line, pasted.stdout, pasted.stderr)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/v3/ServiceInstance")  # drop-after: handled, then cut

            def hang() -> None:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/v3/Organizations", timeout=60)
                except httpx.HTTPError:
                    pass

            threading.Thread(target=hang, daemon=True).start()
            time.sleep(0.5)  # the request is in, held by the timeout fault
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - started < 5  # was 15 s
        output = process.stdout.read()
        assert "Traceback" not in output and "connection dropped" in output, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
