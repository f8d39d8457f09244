"""The debug log (`--debug`): tracebacks and warnings in a private file, secrets redacted.

Without `--debug` nothing is logged anywhere: a traceback must never reach the terminal the app
draws on, nor a file nobody asked for. With it, `~/.local/state/vbotui/debug.log` (0600 in a 0700
folder) gets every record, each passed through `redact` first: bearer tokens, token and password
fields in forms and JSON, and any secret the process was given (VBOTUI_PASSWORD) are replaced.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from .privatefiles import ensure_private_dir

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|password|client_secret)[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
    ),
)


def default_path() -> Path:
    return platformdirs.user_state_path("vbotui") / "debug.log"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)  # the traceback too: it is part of it


def silence() -> None:
    """No debug log: records go nowhere (not to stderr, which is the app's screen)."""
    root = logging.getLogger("vbotui")
    root.handlers[:] = [logging.NullHandler()]
    root.propagate = False


def configure(path: Path | None = None, env: dict[str, str] | None = None) -> Path:
    """Send every vbotui record to the private debug log; returns its path."""
    path = path or default_path()
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter([(env or dict(os.environ)).get("VBOTUI_PASSWORD", "")]))
    root = logging.getLogger("vbotui")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)
    root.propagate = False
    return path
