"""The audit log: who did what from where, private to the user, never acting on a terminal."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timezone
from pathlib import Path

from vbotui.operations import AuditLog, Outcome

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)


def test_a_record_names_profile_users_and_ssh_client_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "vbotui" / "audit.jsonl"
    env = {"SSH_CONNECTION": "192.0.2.7 50022 192.0.2.1 22"}
    audit = AuditLog(
        "https://vbo01:4443", "CORP\\admin", path=path, clock=lambda: NOW, profile="vbo01", env=env
    )
    audit.write(
        action="start", job_id="j1", job_name="Mail", outcome=Outcome("refused", 400, "Job is disabled.")
    )
    [record] = [json.loads(line) for line in path.read_text().splitlines()]
    assert record["profile"] == "vbo01" and record["user"] == "CORP\\admin"
    assert record["ssh_client"] == "192.0.2.7" and record["local_user"]
    assert (record["outcome"], record["status"], record["message"]) == ("refused", 400, "Job is disabled.")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_control_bidi_and_invisible_characters_are_escaped_but_kept(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog("s", "u", path=path, clock=lambda: NOW)
    name = "Mail\x1b]0;pwned\x07 \x9b2J \u202eevil\u202c \u200bzero Zürich"
    audit.write(action="stop", job_id="j", job_name=name, outcome="done")
    raw = path.read_text(encoding="utf-8")
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u200b"):
        assert char not in raw
    assert "Zürich" in raw  # ordinary letters stay readable
    assert json.loads(raw)["job_name"] == name  # and the record still says exactly what it was


def test_an_older_world_readable_log_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "vbotui" / "audit.jsonl"
    path.parent.mkdir()
    path.write_text("")
    path.chmod(0o644)
    AuditLog("s", "u", path=path, clock=lambda: NOW).write(action="a", job_id="", job_name="", outcome="done")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
