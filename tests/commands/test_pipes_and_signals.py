"""A one-shot command whose reader goes away (`| head -1`) or that gets SIGINT/SIGTERM mid-action.

Pipes: a pipe whose read end is already closed is what `head -1` leaves once it has its line,
without the race of waiting for it. A read exits 0, an action with its outcome's code, never a
traceback. Signals: nothing more is sent, the action in flight is audited as unknown, exit 4; with
no action in flight, 128 + the signal. The rules in process (QuietStream, Stopped, main()), the
signals in a subprocess (a signal to pytest itself would end the run)."""

from __future__ import annotations

import errno
import io
import json
import os
import pty
import select
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from typing import IO

import keyring.backends.null
import pytest

from vbotui.commands.ending import Answered, OutputClosed, QuietStream, Stopped
from vbotui.commands.exits import EXIT_UNKNOWN, signal_exit_code
from vbotui.commands.run import main
from vbotui.operations.outcome import DONE, REFUSED, UNKNOWN, WORDS, Outcome

from ..helpers.waits import wait_for
from .conftest import SEED_JOB, Server


def _closed_pipe() -> IO[str]:
    """The write end of a real pipe whose reader has gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - the caller closes it


# --- in process: the stream, the exit rule, main() ------------------------------------------------


def test_a_closed_pipe_drops_writes_and_points_the_descriptor_at_dev_null() -> None:
    pipe = _closed_pipe()
    stream = QuietStream(pipe, stop=False)
    try:
        stream.write("line\n")
        stream.flush()
        assert stream.pipe_closed
        assert stream.write("more\n") == len("more\n")
        stream.flush()
        assert stat.S_ISCHR(os.fstat(pipe.fileno()).st_mode)  # /dev/null: the last flush at exit works
    finally:
        pipe.close()


def test_a_read_stops_at_the_first_write_to_a_closed_pipe_then_drops_the_rest() -> None:
    pipe = _closed_pipe()
    stream = QuietStream(pipe, stop=True)
    try:
        with pytest.raises(OutputClosed):
            stream.write("x" * 100_000)  # more than a pipe's buffer: the write itself fails
        stream.write("more\n")  # dropped, no second OutputClosed
        stream.flush()
    finally:
        pipe.close()


def test_a_hung_up_terminal_is_a_closed_output_too() -> None:
    class HungUp(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.EIO, "Input/output error")

    stream = QuietStream(HungUp(), stop=False)
    stream.write("stopped\n")
    assert stream.pipe_closed


def test_other_write_errors_are_not_hidden() -> None:
    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        QuietStream(Full(), stop=False).write("x")


def test_an_open_stream_is_written_through() -> None:
    out = io.StringIO()
    stream = QuietStream(out, stop=True)
    stream.write("a,b\n")
    stream.flush()
    assert out.getvalue() == "a,b\n" and not stream.pipe_closed


@pytest.mark.parametrize(
    ("signum", "in_flight", "code"),
    [
        (signal.SIGTERM, True, 4),
        (signal.SIGINT, True, 4),
        (signal.SIGTERM, False, 143),
        (signal.SIGINT, False, 130),
    ],
)
def test_the_exit_rule_of_a_stopped_command(signum: int, in_flight: bool, code: int) -> None:
    stopped = Stopped(signum, in_flight)
    assert stopped.code == code
    assert signal.Signals(signum).name in stopped.describe()
    assert ("unknown" in stopped.describe()) is in_flight


@pytest.mark.parametrize(("kind", "code"), [(DONE, 130), (REFUSED, 130), (UNKNOWN, EXIT_UNKNOWN)])
def test_a_stop_after_an_answer_names_it_and_keeps_the_exit_rule(kind: str, code: int) -> None:
    """Answered before the signal: said on stderr; an unknown outcome among them still exits 4."""
    answered = Answered("start", "Backup Job 1", Outcome(kind, 201 if kind == DONE else None, "x"))
    stopped = Stopped(signal.SIGINT, in_flight=False, answered=[answered])
    assert stopped.code == code
    first, *rest = stopped.lines()
    assert "stopped by SIGINT: no action was in flight" in first
    assert len(rest) == 1 and rest[0].startswith("start 'Backup Job 1': ") and WORDS[kind] in rest[0]


def test_signal_exit_codes_are_128_plus_the_signal() -> None:
    assert [signal_exit_code(s) for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)] == [129, 130, 143]
    assert EXIT_UNKNOWN == 4


@pytest.fixture
def in_process(server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """main() runs in this process with the server's environment and no keyring."""
    for name, value in server.env().items():
        if name.startswith(("XDG_", "VBOTUI_")) or name in ("HOME", "TZ", "COLUMNS"):
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)
    yield server


def _quiet(err: str) -> bool:
    """No traceback, and not the interpreter's own complaint about the pipe at exit."""
    return not any(word in err for word in ("Traceback", "BrokenPipe", "Exception ignored"))


def _main_into_closed_pipe(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str]:
    pipe, err = _closed_pipe(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", pipe)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        return main(argv[0], list(argv[1:])), err.getvalue()
    finally:
        monkeypatch.undo()
        pipe.close()


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_a_read_into_a_closed_pipe_exits_0_quietly_in_process(
    in_process: Server, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    selection = ["--server", in_process.url, "--user", "admin"]
    code, err = _main_into_closed_pipe(monkeypatch, "jobs", "--output", output, *selection)
    assert code == 0 and _quiet(err), err


@pytest.mark.parametrize(("fault", "code"), [(None, 0), ("400@POST:/v8/Jobs/*/start", 1)])
def test_an_action_into_a_closed_pipe_exits_with_its_outcome_in_process(
    in_process: Server, monkeypatch: pytest.MonkeyPatch, fault: str | None, code: int
) -> None:
    if fault:
        in_process.sim.add_fault(fault)
    selection = ["--server", in_process.url, "--user", "admin"]
    exit_code, err = _main_into_closed_pipe(monkeypatch, "start", SEED_JOB, "--output", "json", *selection)
    assert exit_code == code, err
    assert [p for p, _ in in_process.actions()] == [f"/v8/Jobs/{SEED_JOB}/start"]  # sent once
    assert [r["outcome"] for r in in_process.audit] == ["refused" if fault else "done"]


# --- real pipes, a real process -------------------------------------------------------------------


def _run_with_closed(
    server: Server, which: str, *args: str, **faults: str
) -> subprocess.CompletedProcess[str]:
    """`vbotui ARGS` whose stdout (or stderr) is a pipe nobody reads any more."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "vbotui.cli", *args, "--server", server.url, "--user", "admin"],
            env=server.env(),
            stdin=subprocess.DEVNULL,
            stdout=write_end if which == "stdout" else subprocess.PIPE,
            stderr=write_end if which == "stderr" else subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("output", ["table", "csv"])
def test_jobs_piped_into_a_reader_that_left_exits_0_without_a_traceback(server: Server, output: str) -> None:
    done = _run_with_closed(server, "stdout", "jobs", "--output", output)
    assert done.returncode == 0 and _quiet(done.stderr), done.stderr


@pytest.mark.parametrize("argv", [["--help"], ["jobs", "--help"], ["logout", "--help"]])
def test_help_into_a_reader_that_left_exits_0_without_a_traceback(argv: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vbotui.cli", *argv],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0 and _quiet(done.stderr), done.stderr


def test_an_action_whose_stdout_reader_left_exits_with_the_refusal(server: Server) -> None:
    server.sim.add_fault("400@POST:/v8/Jobs/*/start")
    done = _run_with_closed(server, "stdout", "start", SEED_JOB, "--output", "json")
    assert done.returncode == 1 and _quiet(done.stderr), done.stderr
    assert [r["outcome"] for r in server.audit] == ["refused"]


def test_an_action_whose_stderr_reader_left_exits_with_its_outcome(server: Server) -> None:
    server.sim.add_fault("500@GET:/v8/Organizations")  # a warning on stderr, which nobody reads
    server.sim.add_fault("drop-after@POST:/v8/Jobs/*/start")
    done = _run_with_closed(server, "stderr", "start", SEED_JOB, "--output", "json")
    assert done.returncode == 4
    assert [record["outcome"] for record in json.loads(done.stdout)] == ["unknown"]


# --- signals ----------------------------------------------------------------------------------------


def _start(server: Server, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vbotui.cli", *args, "--server", server.url, "--user", "admin"],
        env=server.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, out, err


@pytest.mark.parametrize(
    ("signum", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT"), (signal.SIGHUP, "SIGHUP")]
)
def test_a_signal_during_an_action_audits_it_as_unknown_and_exits_4(
    server: Server, signum: int, name: str
) -> None:
    server.sim.add_fault("timeout@POST:/v8/Jobs/*/start")  # the answer never comes
    process = _start(server, "start", "--filter", "enabled:yes", "--all-orgs", "--yes", "--output", "json")
    wait_for(lambda: len(server.actions()), lambda n: n >= 2, "the bulk's first requests", limit_s=60)
    process.send_signal(signum)
    code, out, err = _finish(process)
    assert code == 4, err
    assert f"stopped by {name}" in err and _quiet(err), err
    records = server.audit
    audited = {f"/v8/Jobs/{r['job_id']}/start" for r in records}
    # Every request that reached the server is audited, as unknown; a request cancelled before its
    # bytes left is audited too (unknown errs on the side of "may have reached the server").
    sent = [path for path, _ in server.actions()]
    assert len(sent) >= 2 and set(sent) <= audited and len(audited) == len(records)
    assert {r["outcome"] for r in records} == {"unknown"}


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_reread_after_a_done_start_says_it_was_done(
    server: Server, signum: int, code: int
) -> None:
    """The start is answered (done, audited); the job's re-read never answers and the signal cancels
    it: stderr names the start as done, and the exit is the signal's (nothing was in flight)."""
    reread = f"/v8/Jobs/{SEED_JOB}"
    server.sim.add_fault(f"timeout@GET:{reread}")
    process = _start(server, "start", SEED_JOB, "--output", "json")
    wait_for(
        lambda: [r for r in server.sim.requests if r.method == "GET" and r.path == reread],
        bool,
        "the job re-read after the start",
        limit_s=60,
    )
    process.send_signal(signum)
    exit_code, out, err = _finish(process)
    assert exit_code == code, err
    name = server.sim.jobs[SEED_JOB].name
    assert f"start '{name}': done 20" in err and _quiet(err), err
    assert "outcome unknown" not in err, err
    assert [path for path, _ in server.actions()] == [f"/v8/Jobs/{SEED_JOB}/start"]  # sent once
    assert [r["outcome"] for r in server.audit] == ["done"]


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)]
)
def test_a_signal_during_a_read_exits_128_plus_the_signal(server: Server, signum: int, code: int) -> None:
    server.sim.add_fault("timeout@GET:/v8/Jobs")
    process = _start(server, "jobs")
    wait_for(
        lambda: [r for r in server.sim.requests if r.method == "GET" and r.path == "/v8/Jobs"],
        bool,
        "the job list requested",
        limit_s=60,
    )
    process.send_signal(signum)
    exit_code, out, err = _finish(process)
    assert exit_code == code, err
    assert "no action was in flight" in err and _quiet(err), err
    assert server.audit == []


def test_ctrl_c_at_the_password_prompt_ends_the_command_at_once(server: Server) -> None:
    """The prompt blocks the loop, which cannot hear the signal: the prompt itself must."""
    env = server.env(password=None)
    args = [sys.executable, "-m", "vbotui.cli", "jobs", "--server", server.url, "--user", "admin"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on a terminal, so that it asks for the password
        os.execvpe(args[0], args, env)
    seen = bytearray()
    status: int | None = None
    try:

        def prompt() -> bytes:
            if select.select([fd], [], [], 0.05)[0]:
                seen.extend(os.read(fd, 65536))
            return bytes(seen)

        wait_for(prompt, lambda text: b"Password for admin" in text, "the password prompt", limit_s=60)
        os.write(fd, b"\x03")  # ctrl+c: the terminal sends SIGINT
        _, status = wait_for(
            lambda: os.waitpid(pid, os.WNOHANG), lambda done: done[0] == pid, "the command to end", limit_s=30
        )
        while select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen.extend(chunk)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130, status
    assert b"stopped by SIGINT: no action was in flight" in seen and b"Traceback" not in seen
    assert not [r for r in server.sim.requests if r.path.endswith("/token")]  # no password was sent
