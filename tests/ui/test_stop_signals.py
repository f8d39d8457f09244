"""SIGTERM and SIGINT to the app mid-action, in a real terminal (tmux on a private socket): nothing
more is sent, the action in flight is in the audit log as "unknown", the terminal is given back
(alternate screen and mouse reporting off, read from tmux's own flags) and the exit code is
128 + the signal. The watchdog that bounds a shutdown, in process."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.stop_signals import ShutdownWatchdog

from ..helpers.requests import posts
from ..helpers.tls import self_signed, serve_https
from ..helpers.tmux import terminal
from ..helpers.waits import wait_for


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.skipif(sys.platform != "linux", reason="/proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_mid_action_audits_it_restores_the_terminal_and_exits_128_plus_it(
    tmp_path: Path, signum: int, code: int
) -> None:
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    sim = Simulator(SimConfig(jobs=10, seed=7, user="admin", password="secret", clock=clock))
    sim.add_fault("timeout@POST:/v8/Jobs/*/start")  # the answer never comes: the start is in flight
    cert = self_signed(tmp_path, "vbo")
    env = {
        "TERM": "xterm-256color",
        "VBOTUI_PASSWORD": "secret",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    with serve_https(sim.app, cert) as port:
        app = [
            sys.executable,
            "-m",
            "vbotui.cli",
            "--server",
            f"https://127.0.0.1:{port}",
            "--user",
            "admin",
            "--ca-file",
            str(cert.cert),
        ]
        assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
        command = f"env -u COLUMNS -u LINES {assignments} {shlex.join(app)}; echo VBOTUI-EXIT-$?; sleep 60"
        with terminal(command, 120, 40) as term:
            term.wait_for(lambda t: "10 jobs" in t, "the job list", limit_s=60)
            term.keys("s")  # start the job under the cursor
            wait_for(lambda: len(posts(sim, "start")), lambda n: n == 1, "the start sent", limit_s=30)

            def flags() -> str:
                return term.tmux(
                    "display-message", "-p", "-t", term.name, "#{alternate_on} #{mouse_any_flag}"
                )

            assert flags().split() == ["1", "1"]  # the app holds the terminal: what must be given back
            shell = int(term.tmux("display-message", "-p", "-t", term.name, "#{pane_pid}"))
            [app_pid] = _children(shell)
            os.kill(app_pid, signum)
            term.wait_for(lambda t: "VBOTUI-EXIT-" in t, "the app to end", limit_s=30)
            assert f"VBOTUI-EXIT-{code}" in term.text()
            assert flags().split() == ["0", "0"]
    assert len(posts(sim, "start")) == 1  # nothing more was sent
    audit = tmp_path / "state" / "vbotui" / "audit.jsonl"
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(r["action"], r["outcome"]) for r in records] == [("start", "unknown")]


def test_an_armed_watchdog_ends_the_process_with_the_code_after_its_limit() -> None:
    ended: list[int] = []
    watchdog = ShutdownWatchdog(limit_s=0.05, exit_now=ended.append)
    watchdog.start()
    watchdog.arm(143)
    watchdog.arm(129)  # the first signal's code stands
    wait_for(lambda: list(ended), bool, "the watchdog to fire", limit_s=10)
    watchdog.join()
    assert ended == [143]


def test_a_disarmed_watchdog_never_fires() -> None:
    ended: list[int] = []
    watchdog = ShutdownWatchdog(limit_s=0.05, exit_now=ended.append)
    watchdog.start()
    watchdog.arm(129)
    watchdog.disarm()  # the app ended by itself within the limit
    watchdog.join()
    assert ended == []


def test_a_stop_signal_before_the_app_listens_is_kept_and_handed_over() -> None:
    """While the app takes the terminal (before on_mount listens), a hang-up must not end the process
    by the default action: it is kept for the app, and the shell's handlers come back after."""
    import signal as signals

    from vbotui.ui.stop_signals import EarlySignals

    before = signals.getsignal(signals.SIGTERM)
    early = EarlySignals()
    early.listen()
    try:
        os.kill(os.getpid(), signals.SIGTERM)
        os.kill(os.getpid(), signals.SIGHUP)
    finally:
        caught = early.restore()
    assert caught == [signals.SIGTERM, signals.SIGHUP]
    assert signals.getsignal(signals.SIGTERM) is before
    assert early.restore() == []  # handed over once
