"""The SSH link drops mid-bulk (SIGHUP): no new request leaves, each action already sent is in the
audit log as "outcome unknown" (or its real outcome, if the answer came first), and the app ends.

The real app runs in a real pseudo-terminal against the simulator over HTTPS on loopback; closing
the terminal's master side is what sshd does when the link drops, and the kernel sends SIGHUP."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from vbotui.sim import ManualClock, SimConfig, Simulator

from ..helpers.requests import posts
from ..helpers.tls import self_signed, serve_https
from ..helpers.waits import wait_for

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a Linux pty")


class PtyScreen:
    """Reads what the app writes to the pty's master, until `hang_up()` closes the master.

    The master is closed only once the reader has stopped: a thread blocked in read() on it keeps
    the file open, so close() would not hang the terminal up (no SIGHUP, no POLLHUP) until the app
    happened to write again; an app with nothing to paint then outlived the test's limit."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.seen = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.seen.extend(chunk)

    def wait_for(self, text: bytes, what: str) -> None:
        wait_for(lambda: bytes(self.seen), lambda seen: text in seen, what, limit_s=60)

    def hang_up(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.fd)


def wait_exit(pid: int, what: str, limit_s: float = 30) -> int:
    """The child's wait status once it has ended; killed, and the test failed, past `limit_s`."""
    try:
        _, status = wait_for(lambda: os.waitpid(pid, os.WNOHANG), lambda done: done[0] == pid, what, limit_s)
    except AssertionError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    return status


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
        screen = PtyScreen(fd)
        try:
            screen.wait_for(b"40 jobs", "the job list painted")
            sim.config.latency_ms = 2000  # answers from now on take 2 s: the bulk is in flight
            os.write(fd, b"*s")
            screen.wait_for(b"Start 40 jobs?", "the confirmation")
            os.write(fd, b"y")
            wait_for(lambda: len(posts(sim, "start")), lambda n: n >= 8, "the bulk's first requests")
        finally:
            screen.hang_up()  # the link drops: the kernel sends SIGHUP to the app
        status = wait_exit(pid, "the app to end after SIGHUP")
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 129, f"wait status {status}"
        audit = tmp_path / "state" / "vbotui" / "audit.jsonl"
        records = [json.loads(line) for line in audit.read_text().splitlines()]
        starts = [r for r in records if r["action"] == "start"]
        # Every request that reached the server is audited (a request cancelled before its bytes
        # left is audited too, as unknown: it may have); none of the rest was sent.
        audited = {f"/v8/Jobs/{r['job_id']}/start".lower() for r in starts}
        assert {r.path.lower() for r in posts(sim, "start")} <= audited
        assert len(audited) == len(starts)
    assert len(starts) < 40  # the bulk was cut short
    assert any(r["outcome"] == "unknown" for r in starts)
    assert all(r["outcome"] in ("unknown", "done") for r in starts)


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
    screen = PtyScreen(master)
    try:
        screen.wait_for(b"20 jobs", "the job list")
    finally:
        screen.hang_up()  # the terminal goes away; no signal is sent
    try:
        assert app.wait(timeout=15) == 129
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


# The child: Textual's writer thread drains `AFTER` writes, then dies as a write to a hung-up
# terminal makes it die (OSError EIO), or stalls for ever; a file says when. Then the app goes on
# writing into a queue nobody drains: the state a process that outlived its terminal was found in.
_FAILING_WRITER = """
import os, sys, threading
from textual.drivers import _writer_thread
mode, after, mark = sys.argv[1], int(sys.argv[2]), sys.argv[3]
del sys.argv[1:4]

def run(self):
    for _ in range(after):
        text = self._queue.get()
        if text is None:
            return
        self._file.write(text)
        self._file.flush()
    open(mark, "w").close()
    if mode == "raise":
        raise OSError(5, "Input/output error")
    threading.Event().wait()

_writer_thread.WriterThread.run = run
from vbotui.cli import main
sys.exit(main())
"""

RUNS = [("raise", 10), ("stall", 10), ("raise", 60), ("stall", 60), ("raise", 150), ("stall", 150)]


@pytest.mark.parametrize(("mode", "after"), RUNS, ids=[f"{mode}-after-{after}" for mode, after in RUNS])
def test_a_terminal_closed_while_its_writer_is_dead_or_stalled_leaves_no_survivor(
    tmp_path: Path, mode: str, after: int
) -> None:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    mark = tmp_path / "writer-stopped"
    args = [sys.executable, "-c", _FAILING_WRITER, mode, str(after), str(mark)]
    args += ["--demo", "--demo-jobs", "200", "--demo-latency-ms", "0", "--refresh", "2"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, in the pty (its controlling terminal)
        os.execvpe(args[0], args, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    screen = PtyScreen(fd)
    try:

        def stopped() -> bool:
            if not mark.exists():
                os.write(fd, b"j")  # the cursor moves: the app writes a frame
            return mark.exists()

        wait_for(stopped, bool, f"the writer to {mode} after {after} writes", limit_s=60)
        os.write(fd, b"jjjjjjjjjjkkkkkkkkkk")  # more frames, into a queue nobody drains
    finally:
        screen.hang_up()  # the terminal goes away: SIGHUP
    status = wait_exit(pid, f"the app to end once its terminal is gone ({mode} after {after} writes)")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 129, f"status {status}"
