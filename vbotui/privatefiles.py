"""Files only their owner can read: 0600 files in 0700 folders, for everything vbotui writes.

The config (server names, user names), the known-servers pins and the audit log say who operates
which backup server; on a shared jump host other users must not read them. Headless, stdlib only.

    ensure_private_dir(path)          create missing folders 0700 (and tighten vbotui's own to 0700)
    private_write_text(path, text)    write and rename: never half-written, 0600
    private_append(path, text)        append (create 0600; an existing file is tightened to 0600)
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents with mode 0700.

    A folder that already exists is left as it is (it may be shared, like /tmp or $HOME), except
    vbotui's own folders (a name containing "vbotui", as platformdirs gives them), which are
    tightened to 0700 when the current user owns them.
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    for folder in (path, path.parent):
        if "vbotui" in folder.name and folder not in missing:
            _tighten(folder, DIR_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        info = path.stat()
    except OSError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
        try:
            os.chmod(path, stat.S_IMODE(info.st_mode) & mode)
        except OSError:
            pass


def private_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically (write a 0600 temporary file, then rename)."""
    path = Path(path)
    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_private_file(path: Path, text: str) -> None:
    """A new file holding `text`, 0600, complete or absent: written under a temporary name, then
    hard-linked to `path`, which fails when anything (a file, a symbolic link, dangling or not)
    has that name. Where the file system has no hard links, one O_EXCL open that never follows a
    link. FileExistsError when the name is taken; a missing folder is made 0700."""
    ensure_private_dir(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path, follow_symlinks=False)
            return
        except FileExistsError:
            raise
        except OSError:
            pass  # no hard links here (e.g. FAT, some network shares): write the name itself
    finally:
        Path(temporary).unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    except BaseException:
        path.unlink(missing_ok=True)  # ours (O_EXCL): no half-written export stays behind
        raise


def private_append(path: Path, text: str) -> None:
    """Append `text` to `path` (created 0600; an existing file of ours is tightened to 0600)."""
    path = Path(path)
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        info = os.fstat(fd)
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~FILE_MODE:
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "a", encoding="utf-8", closefd=False) as fh:
            fh.write(text)
    finally:
        os.close(fd)


__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "create_private_file",
    "ensure_private_dir",
    "private_append",
    "private_write_text",
]
