"""The one-shot commands run in the test's own process (`vbotui.cli.main(argv)`), against the
simulator over real HTTPS on loopback: what a subprocess test checks, but where mutation testing
can kill mutants. The environment is the Server's (its config, state, data and a keyring that
is refused: no Secret Service is touched); stdout and stderr are captured, stdout optionally a
terminal (`tty=True`: a stream whose isatty() is True, COLUMNS its width)."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass

import keyring
import pytest
from keyring.backends import null

from vbotui import cli

from .conftest import Server


class TtyText(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str


class InProcess:
    def __init__(self, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
        self.server = server
        self.monkeypatch = monkeypatch

    def run(
        self,
        *args: str,
        select: bool = True,
        tty: bool = False,
        stderr_tty: bool = False,
        stdin: str = "",
        password: str | None = "secret",
        **env: str,
    ) -> Ran:
        """`vbotui ARGS [--server URL --user admin]`; stdout (and stderr) a terminal when asked."""
        patch = self.monkeypatch
        for key in list(os.environ):
            if key.startswith("VBOTUI_") or key in ("NO_COLOR", "COLUMNS"):
                patch.delenv(key)
        for key, value in self.server.env(password, **env).items():
            if key != "TZ":
                patch.setenv(key, value)
        patch.setattr(keyring, "get_keyring", null.Keyring)  # refused as insecure: kept in memory
        out = TtyText() if tty else io.StringIO()
        err = TtyText() if stderr_tty else io.StringIO()
        selection = ["--server", self.server.url, "--user", "admin"] if select else []
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr = out, err
        sys.stdin = TtyText(stdin) if stderr_tty else io.StringIO(stdin)
        try:
            code = cli.main([*args, *selection])
        except SystemExit as exit_:  # argparse's usage errors and --help
            code = exit_.code if isinstance(exit_.code, int) else 2
        finally:
            sys.stdout, sys.stderr, sys.stdin = saved
        return Ran(code, out.getvalue(), err.getvalue())
