"""The SSH link drops mid-bulk (SIGHUP): no new request leaves, each action already sent is in the
audit log as "outcome unknown" (or its real outcome, if the answer came first), and the app ends.

The real app runs in a real pseudo-terminal against the simulator over HTTPS on loopback; closing
the terminal's master side is what sshd does when the link drops, and the kernel sends SIGHUP."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import sys
import termios
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from vbotui.sim import ManualClock, SimConfig, Simulator

from ..helpers.requests import posts
from ..helpers.tls import self_signed, serve_https
from ..helpers.waits import wait_for

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a Linux pty")


def _drain(fd: int, sink: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        sink.extend(chunk)


def test_hang_up_mid_bulk_sends_nothing_new_and_audits_what_was_sent(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    sim = Simulator(SimConfig(jobs=40, seed=7, user="admin", password="secret", clock=clock))
    cert = self_signed(tmp_path, "vbo")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "VBOTUI_PASSWORD": "secret",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    with serve_https(sim.app, cert) as port:
        args = [
            sys.executable,
            "-c",
            "import sys; from vbotui.cli import main; sys.exit(main())",
            "--server",
            f"https://127.0.0.1:{port}",
            "--user",
            "admin",
            "--ca-file",
            str(cert.cert),
        ]
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app, in the pty
            os.execvpe(args[0], args, env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        screen = bytearray()
        reader = threading.Thread(target=_drain, args=(fd, screen), daemon=True)
        reader.start()
        try:
            wait_for(
                lambda: [r for r in sim.requests if r.method == "GET" and r.path == "/v8/Jobs"],
                bool,
                "the job list read",
                limit_s=60,
            )
            time.sleep(1.0)  # the list painted
            sim.config.latency_ms = 2000  # answers from now on take 2 s: the bulk is in flight
            os.write(fd, b"*")
            time.sleep(0.5)
            os.write(fd, b"s")
            time.sleep(0.5)
            os.write(fd, b"y")
            wait_for(lambda: len(posts(sim, "start")), lambda n: n >= 8, "the bulk's first requests")
        finally:
            os.close(fd)  # the link drops: the kernel sends SIGHUP to the app
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            raise AssertionError("the app did not end after SIGHUP")
        sent = len(posts(sim, "start"))
        time.sleep(2.5)
        assert len(posts(sim, "start")) == sent  # nothing left after the hang-up
    assert sent < 40  # the bulk was cut short
    audit = tmp_path / "state" / "vbotui" / "audit.jsonl"
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    starts = [r for r in records if r["action"] == "start"]
    assert len(starts) == sent  # one record per request that left, none for the rest
    assert any(r["outcome"] == "unknown" for r in starts)
    assert all(r["outcome"] in ("unknown", "done") for r in starts)
    assert os.WIFEXITED(status) or os.WIFSIGNALED(status)


def test_a_terminal_closed_without_sighup_ends_the_app(tmp_path: Path) -> None:
    """Started by a script in a pty that is not its controlling terminal, the app hears no SIGHUP
    when the pty's other side closes: it sees the terminal gone and ends (129), instead of
    reading end-of-file in a loop at full CPU for ever."""
    import subprocess

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "vbotui.cli", "--demo", "--demo-jobs", "20", "--demo-latency-ms", "0"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # a session of its own, and the pty not its controlling terminal
    )
    os.close(slave)
    screen = bytearray()
    reader = threading.Thread(target=_drain, args=(master, screen), daemon=True)
    reader.start()
    try:
        wait_for(lambda: bytes(screen), lambda seen: b"20 jobs" in seen, "the job list", limit_s=60)
    finally:
        os.close(master)  # the terminal goes away; no signal is sent
    try:
        assert app.wait(timeout=15) == 129
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
