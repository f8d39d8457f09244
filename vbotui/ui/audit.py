"""The audit log: one JSON line per action, in the XDG state dir. Never a token or password."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)


def default_path() -> Path:
    return platformdirs.user_state_path("vbotui") / "audit.jsonl"


class AuditLog:
    def __init__(
        self,
        server: str,
        user: str,
        path: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.server = server
        self.user = user
        self.path = path or default_path()
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def write(self, *, action: str, job_id: str, job_name: str, outcome: str) -> None:
        record = {
            "time": self._clock().isoformat(),
            "server": self.server,
            "user": self.user,
            "job_id": job_id,
            "job_name": job_name,
            "action": action,
            "outcome": outcome,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as error:  # an unwritable log must not stop the operator's action
            log.warning("audit log %s not written: %s", self.path, error)
