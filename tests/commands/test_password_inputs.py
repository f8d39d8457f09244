"""Where a one-shot command's password comes from, checked in process: the file's kind and mode,
a FIFO that nobody writes to, and an empty password (refused before anything is sent)."""

from __future__ import annotations

import io
import os
import stat
import threading
from pathlib import Path

import pytest

from vbotui.commands.exits import EXIT_USAGE, CommandError
from vbotui.commands.signin import read_password_file, read_password_stdin

from ..helpers.waits import wait_for
from .conftest import Server

GROUP_AND_OTHER_BITS = (0o040, 0o020, 0o010, 0o004, 0o002, 0o001)


def _password_file(tmp_path: Path, mode: int, text: str = "s3cret\n") -> Path:
    path = tmp_path / "password"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("bit", GROUP_AND_OTHER_BITS, ids=lambda bit: f"{0o600 | bit:04o}")
def test_any_group_or_other_permission_refuses_the_file(tmp_path: Path, bit: int) -> None:
    path = _password_file(tmp_path, 0o600 | bit)
    with pytest.raises(CommandError) as refused:
        read_password_file(str(path))
    assert refused.value.code == EXIT_USAGE
    assert f"mode {0o600 | bit:04o}" in refused.value.message and "chmod 600" in refused.value.message


@pytest.mark.parametrize("mode", (0o600, 0o400))
def test_a_private_file_is_read_without_its_newline(tmp_path: Path, mode: int) -> None:
    assert read_password_file(str(_password_file(tmp_path, mode))).reveal() == "s3cret"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "password"
    os.mkfifo(fifo, 0o600)
    ended: list[BaseException | None] = []

    def read() -> None:
        try:
            read_password_file(str(fifo))
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            ended.append(error)
        else:
            ended.append(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: list(ended), bool, "read_password_file to return on a FIFO", limit_s=10)
    finally:
        if not ended:  # blocked in open(): a writer lets it go, so no thread is left behind
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            reader.join()
    [error] = ended
    assert isinstance(error, CommandError) and error.code == EXIT_USAGE
    assert "not a regular file" in error.message


@pytest.mark.parametrize("path", ("/dev/null", "DIRECTORY"))
def test_a_device_or_a_directory_is_refused(tmp_path: Path, path: str) -> None:
    target = str(tmp_path) if path == "DIRECTORY" else path
    if path == "DIRECTORY":
        tmp_path.chmod(0o700)
    assert not stat.S_ISREG(os.stat(target).st_mode)
    with pytest.raises(CommandError, match="not a regular file") as refused:
        read_password_file(target)
    assert refused.value.code == EXIT_USAGE


@pytest.mark.parametrize("text", ("", "\n", "\r\n"))
def test_an_empty_password_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(CommandError, match="empty") as refused:
        read_password_file(str(_password_file(tmp_path, 0o600, text)))
    assert refused.value.code == EXIT_USAGE


@pytest.mark.parametrize("text", ("", "\n", "\r\n"))
def test_an_empty_password_on_stdin_is_refused(text: str) -> None:
    with pytest.raises(CommandError, match="empty") as refused:
        read_password_stdin(io.StringIO(text))
    assert refused.value.code == EXIT_USAGE


def test_a_one_character_password_is_not_empty() -> None:
    assert read_password_stdin(io.StringIO("x\n")).reveal() == "x"


def test_an_empty_password_from_stdin_sends_nothing(server: Server) -> None:
    done = server.run("jobs", "--password-stdin", password=None, stdin="\n")
    assert done.returncode == 2 and "password is empty" in done.stderr, done.stderr
    assert server.sim.requests == []
