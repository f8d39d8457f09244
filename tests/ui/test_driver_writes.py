"""The driver's writes never wait on a terminal that is gone or a writer thread that stopped
draining: Textual's own writer thread on a real pseudo-terminal, in process. A write or a close
that blocks shows as a thread that does not come back (the test fails; the thread is released)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

from vbotui.ui import driver as driver_module
from vbotui.ui.driver import CompactDriver

from ..helpers.waits import wait_for

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal")


class StalledFile:
    """A terminal file whose writes never return (a link that stopped reading) until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        self.release.wait()
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return -1


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


@pytest.fixture
async def make_driver(monkeypatch: pytest.MonkeyPatch) -> Any:
    # LinuxDriver takes SIGTSTP and SIGCONT: this process's handlers come back after the test.
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTSTP, signal.SIGCONT)}
    monkeypatch.setattr(driver_module, "CLOSE_LIMIT_S", 0.2)
    monkeypatch.setattr(driver_module, "WRITE_WAIT_S", 0.02)

    def make(file: Any, terminal_fd: int) -> CompactDriver:
        driver = CompactDriver(None)  # type: ignore[arg-type]  # no app: only the writes are used
        driver.fileno = terminal_fd
        writer = WriterThread(file)
        writer.start()
        driver._writer_thread = writer
        return driver

    yield make
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def returns(action: Callable[[], object], what: str) -> None:
    """`action()` comes back (in a thread, so that a block fails the test instead of hanging it)."""
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    wait_for(done.is_set, bool, what, limit_s=10)
    assert errors == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # the writer's EIO
async def test_writes_after_the_writer_died_are_dropped(make_driver: Any, pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    terminal = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - closed by the fixture
    driver = make_driver(terminal, slave)
    os.close(master)  # the terminal hangs up: the writer's next write raises EIO and ends its thread
    driver.write("x" * 10_000)
    writer = driver._writer_thread
    wait_for(writer.is_alive, lambda alive: not alive, "the writer thread to die on the hung-up terminal")
    returns(
        lambda: [driver.write("frame\n") for _ in range(MAX_QUEUED_WRITES * 4)], "writes to a dead writer"
    )
    returns(driver.close, "close with a dead writer")


async def test_a_write_waiting_on_a_stalled_writer_stops_waiting_when_the_terminal_hangs_up(
    make_driver: Any, pty_pair: tuple[int, int]
) -> None:
    master, slave = pty_pair
    stalled = StalledFile()
    driver = make_driver(stalled, slave)
    try:
        driver.write("first")  # the writer takes it and stalls
        wait_for(lambda: stalled.writes, bool, "the writer to stall")
        for _ in range(MAX_QUEUED_WRITES):
            driver.write("queued")  # the queue is now full
        waiting = threading.Thread(target=driver.write, args=("one more",), daemon=True)
        waiting.start()
        os.close(master)  # the terminal hangs up (POLLHUP): nothing more may wait on it
        wait_for(waiting.is_alive, lambda alive: not alive, "the waiting write to give up")
        assert driver.terminal_gone
        returns(lambda: driver.write("after"), "a write after the hang-up")
        returns(driver.close, "close with a stalled writer after the hang-up")
    finally:
        stalled.release.set()


async def test_close_after_a_hang_up_signal_is_bounded_with_a_stalled_writer(
    make_driver: Any, pty_pair: tuple[int, int]
) -> None:
    _, slave = pty_pair
    stalled = StalledFile()
    driver = make_driver(stalled, slave)
    try:
        driver.write("first")
        wait_for(lambda: stalled.writes, bool, "the writer to stall")
        driver.terminal_gone = True  # what the SIGHUP handler sets
        returns(lambda: [driver.write("frame") for _ in range(MAX_QUEUED_WRITES * 4)], "writes after SIGHUP")
        returns(driver.close, "close after SIGHUP")
        assert driver._writer_thread.is_alive()  # left behind, a daemon thread: the process can end
    finally:
        stalled.release.set()


async def test_a_live_terminal_gets_every_write_and_the_close_drains_them(
    make_driver: Any, pty_pair: tuple[int, int]
) -> None:
    master, slave = pty_pair
    terminal = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - closed by the fixture
    driver = make_driver(terminal, slave)
    for n in range(50):
        driver.write(f"<{n}>")
    returns(driver.close, "close on a live terminal")
    seen = b""
    while b"<49>" not in seen:
        seen += os.read(master, 65536)
    assert all(f"<{n}>".encode() in seen for n in range(50))
