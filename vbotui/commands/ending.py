"""How a one-shot command ends when its reader or its operator goes away.

A closed pipe (`vbotui jobs | head -1`) or a hung-up terminal: nothing is shown and no
traceback; a read stops and exits 0, an action goes on to its outcome (its request was sent) and
exits with that outcome's code. The same for stderr (`2>&1 | head`): what cannot be written is
dropped.

A signal (SIGHUP, SIGINT, SIGTERM): nothing new is sent, each action in flight is written to the audit log
as "outcome unknown" (its task is cancelled; the operations layer writes the record), and the exit
code says what happened: 4 when an outcome is unknown, else 128 + the signal (129, 130, 143). The
actions already answered (a start done, whose re-read the signal cancelled) are named on stderr
with their outcomes: the records that would have said so are never printed.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any

from vbotui.operations import REFUSED, UNKNOWN, AuditLog, Outcome, ServerOperations
from vbotui.textclean import clean

from .exits import EXIT_UNKNOWN, signal_exit_code

STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)


def _reader_gone(error: OSError) -> bool:
    """EPIPE: the pipe's reader went away; EIO: the terminal hung up (the SSH link dropped)."""
    return isinstance(error, BrokenPipeError) or error.errno == errno.EIO


class OutputClosed(Exception):
    """Whoever read stdout went away (a read command stops here: it has nothing more to do)."""


class QuietStream:
    """A text stream whose closed pipe is not an error: writes after it are dropped.

    `stop`: the first failed write raises OutputClosed (a read has nothing more to do), else the
    command goes on. The descriptor is pointed at /dev/null, so that the interpreter's last flush
    of what is still buffered does not fail again at exit."""

    def __init__(self, stream: IO[str], *, stop: bool) -> None:
        self._stream = stream
        self.stop = stop
        self.pipe_closed = False

    def write(self, text: str) -> int:
        if not self.pipe_closed:
            try:
                return self._stream.write(text)
            except OSError as error:
                if not _reader_gone(error):
                    raise
                self._closed()
        return len(text)

    def flush(self) -> None:
        if not self.pipe_closed:
            try:
                self._stream.flush()
            except OSError as error:
                if not _reader_gone(error):
                    raise
                self._closed()

    def _closed(self) -> None:
        self.pipe_closed = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self._stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError):  # no descriptor (a test's stream): the flag alone drops writes
            pass
        if self.stop:
            raise OutputClosed

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, ...: the stream's own
        return getattr(self._stream, name)


@contextmanager
def quiet_output(*, stop_reads: bool) -> Iterator[None]:
    """sys.stdout and sys.stderr as QuietStreams for the duration (restored after); `stop_reads`:
    a closed stdout raises OutputClosed."""
    saved = sys.stdout, sys.stderr
    out = QuietStream(sys.stdout, stop=stop_reads)
    err = QuietStream(sys.stderr, stop=False)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        out.stop = False  # the last flush (what a caught error left buffered) never raises
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved


@dataclass(frozen=True)
class Answered:
    """An action the command requested and the operations layer audited, with its outcome."""

    action: str
    target: str
    outcome: Outcome

    def describe(self) -> str:
        """`start 'Backup Job 1': done 201`, `stop 'Mail': refused 400 Job is not running.`"""
        words = self.outcome.describe()
        if self.outcome.kind == REFUSED:
            words = f"refused {words}"
        return clean(f"{self.action} '{self.target}': {words}")


class RememberingAudit(AuditLog):
    """The audit log of one command, which also keeps what it wrote: after a stop signal the
    command names each action that was answered (or lost) before it."""

    def __init__(self, server: str, user: str, *, profile: str = "") -> None:
        super().__init__(server, user, profile=profile)
        self.written: list[Answered] = []

    def write(
        self, *, action: str, job_id: str, job_name: str, outcome: str | Outcome, detail: str = ""
    ) -> None:
        super().write(action=action, job_id=job_id, job_name=job_name, outcome=outcome, detail=detail)
        if isinstance(outcome, Outcome):
            self.written.append(Answered(action, job_name or detail, outcome))


class Stopped(BaseException):
    """A stop signal ended the command (a BaseException, like KeyboardInterrupt: nothing catches
    it on the way up by mistake). `answered`: the actions that had an outcome before it."""

    def __init__(self, signum: int, in_flight: bool = False, answered: Sequence[Answered] = ()) -> None:
        super().__init__(signum)
        self.signum = signum
        self.in_flight = in_flight
        self.answered = tuple(answered)

    @property
    def code(self) -> int:
        """4 when an outcome is unknown (in flight, or lost before the signal); else the signal's
        code, even after actions done or refused: the command did not finish what it was asked
        (stderr names each answered action with its outcome)."""
        unknown = self.in_flight or any(done.outcome.kind == UNKNOWN for done in self.answered)
        return EXIT_UNKNOWN if unknown else signal_exit_code(self.signum)

    def describe(self) -> str:
        name = signal.Signals(self.signum).name
        if self.in_flight:
            return (
                f"stopped by {name}: an action was in flight, its outcome is unknown (written to the "
                "audit log: check before retrying); nothing more sent"
            )
        if self.answered:
            count = len(self.answered)
            return f"stopped by {name}: no action was in flight ({count} answered before it: below)"
        return f"stopped by {name}: no action was in flight"

    def lines(self) -> list[str]:
        """What stderr says: how it stopped, then each answered action with its outcome."""
        return [self.describe(), *(done.describe() for done in self.answered)]


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals() -> Iterator[None]:
    """Where nothing has been sent yet and the loop cannot hear a signal (before it runs, or while
    a prompt blocks it): SIGHUP, SIGINT and SIGTERM raise Stopped. The previous handlers (the
    loop's, during a prompt) come back after."""
    saved: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            saved[signum] = signal.signal(signum, _raise_stopped)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield
    finally:
        for stopped, handler in saved.items():
            signal.signal(stopped, handler)


class SignalStop:
    """In the loop: a stop signal closes the operations layer (nothing new is sent) and cancels the
    command's task (what is in flight is audited as unknown); `stopped()` then says how it ended."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.ops: ServerOperations | None = None
        self._task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self._stop, signum)

    def _stop(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
        if self.ops is not None:
            self.ops.close()
        if self._task is not None:
            self._task.cancel()

    def stopped(self) -> Stopped | None:
        """After the task's cancellation: the Stopped to raise, or None (not cancelled by a signal)."""
        if self.signum is None:
            return None
        ops = self.ops
        in_flight = ops is not None and any(entry.state == UNKNOWN for entry in ops.activity.entries)
        audit = ops.audit if ops is not None else None
        answered = audit.written if isinstance(audit, RememberingAudit) else []
        return Stopped(self.signum, in_flight, answered)
