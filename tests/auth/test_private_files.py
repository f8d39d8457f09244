"""Issue 9 §9: 0600 files in 0700 folders; config.toml's appended table written by tomli-w and
read back with hostile values; the operator's own text kept."""

from __future__ import annotations

import os
import stat

import pytest

from vbotui.config import (
    ProfileFlags,
    ensure_private_dir,
    load_config,
    private_append,
    private_write_text,
    resolve_profile,
    save_profile,
)
from vbotui.tls import KnownServers


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    old = os.umask(0o022)  # what most jump hosts have: files would be 0644 without care
    yield
    os.umask(old)


def test_config_toml_is_0600_in_a_0700_folder(tmp_path):
    path = tmp_path / "home" / ".config" / "vbotui" / "config.toml"
    profile = resolve_profile(ProfileFlags(server="vbo09", user="op"), load_config(path), {})
    assert save_profile(profile, path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


def test_an_existing_world_readable_config_and_vbotui_folder_are_tightened(tmp_path):
    folder = tmp_path / "vbotui"
    folder.mkdir(mode=0o755)
    path = folder / "config.toml"
    path.write_text("# mine\n")
    os.chmod(path, 0o644)
    profile = resolve_profile(ProfileFlags(server="vbo09"), load_config(path), {})
    assert save_profile(profile, path)
    assert mode(path) == 0o600 and mode(folder) == 0o700


def test_a_shared_parent_folder_is_left_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_append(shared / "audit.log", "x\n")
    assert mode(shared) == 0o755 and mode(shared / "audit.log") == 0o600


def test_known_servers_json_is_0600_in_a_0700_folder(tmp_path):
    path = tmp_path / "data" / "vbotui" / "known_servers.json"
    KnownServers(path).pin("vbo01", 4443, "AA" * 32)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    KnownServers(path).pin("vbo02", 4443, "BB" * 32)  # rewritten: still 0600
    assert mode(path) == 0o600


def test_private_helpers_for_the_audit_log(tmp_path):
    log = tmp_path / "state" / "vbotui" / "audit.log"
    private_append(log, "one\n")
    private_append(log, "two\n")
    assert log.read_text() == "one\ntwo\n" and mode(log) == 0o600 and mode(log.parent) == 0o700
    private_write_text(tmp_path / "state" / "vbotui" / "x.json", "{}")
    assert mode(tmp_path / "state" / "vbotui" / "x.json") == 0o600
    assert ensure_private_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert mode(tmp_path / "a") == 0o700


HOSTILE_USERS = [
    'CORP\\op"erator',
    "line1\nline2",
    "tab\there",
    "esc\x1b]0;pwned\x07",
    "del\x7f c1\x9b",
    'quote \' and """ triple',
    "back\\slash\\\\n",
    '[profiles.evil]\nurl = "https://evil"',
    "bidi\u202e\u2066x",
]


@pytest.mark.parametrize("user", HOSTILE_USERS, ids=range(len(HOSTILE_USERS)))
def test_a_hostile_user_name_is_saved_and_read_back_and_every_profile_survives(tmp_path, user):
    # The bug: a control character in a saved user name made the whole file unreadable next start.
    path = tmp_path / "config.toml"
    own = '# my servers  (a comment, kept)\n[profiles.prod]\nurl = "https://vbo01:4443"  # prod\n'
    path.write_text(own)
    profile = resolve_profile(ProfileFlags(server="https://vbo09:4443", user=user), load_config(path), {})
    assert save_profile(profile, path)
    loaded = load_config(path)
    assert loaded.errors == []
    assert set(loaded.profiles) == {"prod", "vbo09:4443"}  # no injected [profiles.evil]
    assert loaded.profiles["vbo09:4443"].user == user
    assert path.read_text().startswith(own)


def test_a_hostile_profile_name_is_a_quoted_key(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("")
    profile = resolve_profile(ProfileFlags(server="https://[::1]:4443"), load_config(path), {})
    assert save_profile(profile, path)
    assert "[::1]:4443" in load_config(path).profiles


def test_a_file_without_a_final_newline_still_gets_a_separate_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('default = "prod"\n[profiles.prod]\nurl = "https://vbo01:4443"')
    profile = resolve_profile(ProfileFlags(server="vbo09"), load_config(path), {})
    assert save_profile(profile, path)
    assert set(load_config(path).profiles) == {"prod", "vbo09:4443"}


def test_a_file_the_table_cannot_be_appended_to_is_left_untouched(tmp_path):
    path = tmp_path / "config.toml"
    text = 'profiles = { prod = { url = "https://vbo01:4443" } }\n'
    path.write_text(text)
    profile = resolve_profile(ProfileFlags(server="vbo09"), load_config(path), {})
    assert not save_profile(profile, path)
    assert path.read_text() == text
