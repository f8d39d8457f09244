"""`vbotui` flags become a profile; `vbotui logout` exits 0 or 2 and says what it did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vbotui.cli import build_parser, choose_profile, profile_flags
from vbotui.config import LoadedConfig, load_config
from vbotui.tls import TlsTrust


def run_logout(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    dropped = ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        VBOTUI_CONFIG=str(tmp_path / "config.toml"),
    )
    return subprocess.run(
        [sys.executable, "-m", "vbotui.cli", "logout", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_flags_make_an_ad_hoc_profile_named_after_the_server(tmp_path):
    args = build_parser().parse_args(
        ["--server", "https://vbo01:4443", "--user", "op", "--ca-file", "/ca.pem"]
        + ["--read-only", "--refresh", "9"]
    )
    profile, problems = choose_profile(profile_flags(args), LoadedConfig(tmp_path / "c.toml", {}, []))
    assert problems == [] and profile is not None
    assert (profile.name, profile.url, profile.user) == ("vbo01:4443", "https://vbo01:4443", "op")
    assert profile.tls == TlsTrust("ca_file", ca_file="/ca.pem")
    assert profile.read_only and profile.refresh == 9


def test_no_server_and_no_profiles_means_an_empty_sign_in_screen_without_complaint(tmp_path):
    args = build_parser().parse_args([])
    assert choose_profile(profile_flags(args), LoadedConfig(tmp_path / "c.toml", {}, [])) == (None, [])


def test_a_broken_config_and_an_unknown_profile_are_problems_to_show_not_a_crash(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[profiles.good]\nurl = "vbo01"\n\n[profiles.bad]\nurl = "vbo02"\nrefresh = true\n')
    args = build_parser().parse_args(["--profile", "nope"])
    profile, problems = choose_profile(profile_flags(args), load_config(config))
    assert profile is None
    assert any(p.startswith(f"{config}:6: ") for p in problems)  # path:line of the bad key
    assert any("no profile named 'nope'" in p for p in problems)


def test_logout_of_an_unknown_profile_exits_2_with_a_message(tmp_path):
    done = run_logout(tmp_path, "--profile", "nope")
    assert done.returncode == 2 and "no profile named 'nope'" in done.stderr


def test_logout_user_needs_server(tmp_path):
    done = run_logout(tmp_path, "--user", "admin")
    assert done.returncode == 2 and "--user goes with --server" in done.stderr


def test_logout_with_nothing_saved_says_so_and_contacts_no_server(tmp_path):
    # port 9 (discard) on 127.0.0.1: nothing listens; nothing is saved, so nothing is sent
    done = run_logout(tmp_path, "--server", "https://127.0.0.1:9", "--user", "admin")
    assert done.returncode == 0, done.stderr
    assert "profile 127.0.0.1:9 (https://127.0.0.1:9):" in done.stdout
    assert "no server session revoked" in done.stdout and "no saved sign-in (no keyring)" in done.stdout
    # No bus here: no keyring. The advice is about logging out (issue 13), not the app's
    # "kept in memory for this run" nor how to sign in.
    assert "No secure OS keyring" in done.stderr and "none is here to delete" in done.stderr
    assert "kept in memory" not in done.stderr
