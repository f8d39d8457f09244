"""The audit log: one JSON line per action, in the XDG state dir. Never a token or password.

Each record names who did what from where (profile, server, signed-in user, the local user and
the SSH client's address) and the outcome in the one vocabulary (outcome.py). Server and operator
text is kept, but control, bidi and invisible characters are escaped (`\\u009b`), so that reading
the log in a terminal cannot act on it. The file is the user's alone (0600 in a 0700 folder).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from vbotui.privatefiles import private_append

from .outcome import Outcome

log = logging.getLogger(__name__)

# C0, DEL, C1, bidi controls, line/paragraph separators, zero-width and other format characters.
_UNSAFE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def default_path() -> Path:
    return platformdirs.user_state_path("vbotui") / "audit.jsonl"


def escape_unsafe(line: str) -> str:
    """JSON text with every unsafe character written as its `\\uXXXX` escape (still valid JSON)."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", line)


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        return str(os.getuid())


def ssh_client(env: Mapping[str, str] | None = None) -> str | None:
    """The SSH client's address (`SSH_CONNECTION`'s first field), when run over SSH."""
    value = (os.environ if env is None else env).get("SSH_CONNECTION", "")
    return value.split()[0] if value.split() else None


class AuditLog:
    def __init__(
        self,
        server: str,
        user: str,
        path: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        *,
        profile: str = "",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.server = server
        self.user = user
        self.profile = profile
        self.path = path or default_path()
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._local_user = local_user()
        self._ssh_client = ssh_client(env)

    def write(
        self,
        *,
        action: str,
        job_id: str,
        job_name: str,
        outcome: str | Outcome,
        detail: str = "",
    ) -> None:
        record: dict[str, object] = {
            "time": self._clock().isoformat(),
            "profile": self.profile,
            "server": self.server,
            "user": self.user,
            "local_user": self._local_user,
            "ssh_client": self._ssh_client,
            "job_id": job_id,
            "job_name": job_name,
            "action": action,
        }
        if isinstance(outcome, Outcome):
            record.update(outcome.as_record())
        else:
            record["outcome"] = outcome
        if detail:
            record["detail"] = detail
        try:
            self._append(escape_unsafe(json.dumps(record, ensure_ascii=False)) + "\n")
        except OSError as error:  # an unwritable log must not stop the operator's action
            log.warning("audit log %s not written: %s", self.path, error)

    def _append(self, line: str) -> None:
        private_append(self.path, line)  # 0600 in 0700 folders; an older 0644 log is tightened
