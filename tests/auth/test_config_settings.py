"""Issue 13: settings named once for flag, environment and profile: `--utc` / `VBOTUI_UTC=1` /
`utc = true`, and the per-profile accent colour `accent = "red"` / `VBOTUI_ACCENT`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from vbotui.cli import build_parser, check_command_line, profile_flags, run_settings
from vbotui.config import ACCENTS, ConfigError, ProfileFlags, load_config, resolve_profile

TEXT = """\
[profiles.prod]
url = "https://vbo01.corp.local:4443"
utc = true
accent = "Red"

[profiles.lab]
url = "vbo-lab"
"""


def loaded(tmp_path: Path, text: str = TEXT):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_config(path)


def test_utc_and_accent_are_read_from_the_profile(tmp_path: Path) -> None:
    config = loaded(tmp_path)
    assert config.errors == []
    prod, lab = config.profiles["prod"], config.profiles["lab"]
    assert (prod.utc, prod.accent) == (True, "red")  # case ignored, stored as the colour's name
    assert (lab.utc, lab.accent) == (False, None)


def test_utc_flag_over_env_over_profile(tmp_path: Path) -> None:
    config = loaded(tmp_path)
    # profile alone
    assert resolve_profile(ProfileFlags(profile="prod"), config, {}).utc is True
    assert resolve_profile(ProfileFlags(profile="lab"), config, {}).utc is False
    # the environment over the profile, both ways
    assert resolve_profile(ProfileFlags(profile="prod"), config, {"VBOTUI_UTC": "0"}).utc is False
    assert resolve_profile(ProfileFlags(profile="lab"), config, {"VBOTUI_UTC": "1"}).utc is True
    # the flag over the environment
    args = build_parser().parse_args(["--profile", "lab", "--utc"])
    flags = profile_flags(args)
    assert flags.utc is True
    assert resolve_profile(flags, config, {"VBOTUI_UTC": "no"}).utc is True
    assert resolve_profile(ProfileFlags(profile="prod", utc=False), config, {"VBOTUI_UTC": "1"}).utc is False
    # no flag: None, so the environment and the profile decide
    assert profile_flags(build_parser().parse_args(["--profile", "lab"])).utc is None


def test_a_bad_vbotui_utc_is_a_config_error(tmp_path: Path) -> None:
    config = loaded(tmp_path)
    with pytest.raises(ConfigError, match="VBOTUI_UTC must be"):
        resolve_profile(ProfileFlags(profile="lab"), config, {"VBOTUI_UTC": "maybe"})
    with pytest.raises(ConfigError, match="VBOTUI_UTC must be"):
        check_command_line(ProfileFlags(), {"VBOTUI_UTC": "maybe"})


def test_utc_must_be_true_or_false_with_its_line(tmp_path: Path) -> None:
    config = loaded(tmp_path, TEXT.replace("utc = true", 'utc = "yes"'))
    [error] = config.errors
    assert (error.profile, error.key, error.line) == ("prod", "utc", 3)
    assert "utc must be true or false" in str(error) and str(error).startswith(str(config.path))


def test_a_bad_accent_is_a_config_error_with_the_path_and_line(tmp_path: Path) -> None:
    config = loaded(tmp_path, TEXT.replace('accent = "Red"', 'accent = "chartreuse"'))
    assert set(config.profiles) == {"lab"}  # the others still load
    [error] = config.errors
    assert (error.profile, error.key, error.line) == ("prod", "accent", 4)
    said = str(error)
    assert said.startswith(f"{config.path}:4: ") and "chartreuse" in said
    assert all(name in said for name in ACCENTS)


def test_vbotui_accent_over_the_profile_and_checked(tmp_path: Path) -> None:
    config = loaded(tmp_path)
    assert resolve_profile(ProfileFlags(profile="prod"), config, {"VBOTUI_ACCENT": "blue"}).accent == "blue"
    with pytest.raises(ConfigError, match="VBOTUI_ACCENT must be one of"):
        resolve_profile(ProfileFlags(profile="prod"), config, {"VBOTUI_ACCENT": "pink"})
    with pytest.raises(ConfigError, match="VBOTUI_ACCENT must be one of"):
        check_command_line(ProfileFlags(), {"VBOTUI_ACCENT": "pink"})


def test_without_a_profile_the_flag_and_environment_still_apply() -> None:
    """The demo, and the sign-in screen before a profile is chosen."""
    args = argparse.Namespace(utc=False)
    assert run_settings(args, {}) == (False, None)
    assert run_settings(args, {"VBOTUI_UTC": "1", "VBOTUI_ACCENT": "cyan"}) == (True, "cyan")
    assert run_settings(argparse.Namespace(utc=True), {"VBOTUI_UTC": "0"}) == (True, None)
