"""Profiles: the TOML file, environment and flag overrides, ad-hoc names, broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbotui.config import (
    ConfigError,
    ProfileFlags,
    adhoc_profile_name,
    config_path,
    load_config,
    normalize_url,
    resolve_profile,
    save_profile,
)
from vbotui.tls import TlsTrust

GOOD = """\
default = "prod"

[profiles.prod]
url = "https://vbo01.corp.local:4443"
user = 'CORP\\operator'
api_version = "v8"
tls = "pinned"
read_only = true
refresh = 15

[profiles.lab]
url = "vbo-lab"
tls = "ca_file"
ca_file = "/etc/ssl/lab-ca.pem"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_profiles_are_read_from_the_file(tmp_path):
    loaded = load_config(write(tmp_path, GOOD))
    assert loaded.errors == []
    prod = loaded.profiles["prod"]
    assert (prod.url, prod.user, prod.api_version) == (
        "https://vbo01.corp.local:4443",
        "CORP\\operator",
        "v8",
    )
    assert prod.tls == TlsTrust("pinned") and prod.read_only and prod.refresh == 15.0
    lab = loaded.profiles["lab"]
    assert lab.url == "https://vbo-lab:4443"  # a bare host gets https and VB365's port
    assert lab.tls == TlsTrust("ca_file", ca_file="/etc/ssl/lab-ca.pem")
    assert (lab.api_version, lab.read_only) == ("auto", False)


def test_vbotui_config_overrides_the_path(tmp_path):
    path = write(tmp_path, GOOD)
    assert config_path({"VBOTUI_CONFIG": str(path)}) == path
    assert "prod" in load_config(env={"VBOTUI_CONFIG": str(path)}).profiles


def test_a_missing_file_is_no_profiles_and_no_error(tmp_path):
    loaded = load_config(tmp_path / "absent.toml")
    assert loaded.profiles == {} and loaded.errors == []


def test_a_syntax_error_is_reported_with_path_and_line(tmp_path):
    path = write(tmp_path, '[profiles.prod]\nurl = "https://x"\nuser = \n')
    loaded = load_config(path)
    assert loaded.profiles == {}
    [error] = loaded.errors
    assert (error.path, error.line) == (path, 3)
    assert str(error).startswith(f"{path}:3: ")


def test_a_wrong_type_names_profile_key_and_line_and_keeps_the_other_profiles(tmp_path):
    text = GOOD.replace("refresh = 15", 'refresh = "fast"')
    path = write(tmp_path, text)
    loaded = load_config(path)
    assert set(loaded.profiles) == {"lab"}  # the app still starts with what is usable
    [error] = loaded.errors
    assert (error.profile, error.key, error.line) == ("prod", "refresh", 9)
    assert "profile 'prod'" in str(error) and "refresh" in str(error) and str(path) in str(error)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("colour = 'red'", "colour"),
        ("read_only = 1", "read_only"),
        ("api_version = 'v9'", "api_version"),
        ("refresh = true", "refresh"),
        ("tls = 'tofu'", "tls"),
    ],
)
def test_bad_profile_keys_are_errors(tmp_path, line, key):
    loaded = load_config(write(tmp_path, f'[profiles."x.y:1"]\nurl = "https://h"\n{line}\n'))
    [error] = loaded.errors
    assert (error.profile, error.key, error.line) == ("x.y:1", key, 3)


def test_env_overrides_file_and_flags_override_env(tmp_path):
    loaded = load_config(write(tmp_path, GOOD))
    env = {
        "VBOTUI_USER": "envuser",
        "VBOTUI_API_VERSION": "v6",
        "VBOTUI_READ_ONLY": "no",
        "VBOTUI_REFRESH": "60",
        "VBOTUI_CA_FILE": "/env/ca.pem",
    }
    from_env = resolve_profile(ProfileFlags(profile="prod"), loaded, env)
    assert (from_env.user, from_env.api_version, from_env.read_only, from_env.refresh) == (
        "envuser",
        "v6",
        False,
        60,
    )
    assert from_env.tls == TlsTrust("ca_file", ca_file="/env/ca.pem")
    flags = ProfileFlags(
        profile="prod", user="flaguser", api_version="v7", read_only=True, refresh=5, insecure=True
    )
    from_flags = resolve_profile(flags, loaded, env)
    assert (from_flags.user, from_flags.api_version, from_flags.read_only, from_flags.refresh) == (
        "flaguser",
        "v7",
        True,
        5,
    )
    assert from_flags.tls == TlsTrust("insecure")
    assert from_flags.url == "https://vbo01.corp.local:4443" and from_flags.name == "prod"


def test_vbotui_insecure_and_server_from_env(tmp_path):
    loaded = load_config(tmp_path / "none.toml")
    profile = resolve_profile(ProfileFlags(), loaded, {"VBOTUI_SERVER": "10.0.0.5", "VBOTUI_INSECURE": "1"})
    assert (profile.name, profile.url, profile.tls.mode) == (
        "10.0.0.5:4443",
        "https://10.0.0.5:4443",
        "insecure",
    )


def test_server_without_profile_is_an_adhoc_profile_named_host_port(tmp_path):
    loaded = load_config(write(tmp_path, GOOD))
    profile = resolve_profile(ProfileFlags(server="https://VBO02.corp.local:9443/", user="u"), loaded, {})
    assert profile.name == "vbo02.corp.local:9443"
    assert profile.url == "https://VBO02.corp.local:9443" and profile.user == "u"
    assert adhoc_profile_name("https://[::1]:4443") == "[::1]:4443"
    assert adhoc_profile_name(normalize_url("vbo03")) == "vbo03:4443"


def test_an_adhoc_server_reuses_a_saved_profile_of_the_same_name(tmp_path):
    path = write(
        tmp_path, '[profiles."vbo02:4443"]\nurl = "https://vbo02:4443"\nuser = "saved"\ntls = "pinned"\n'
    )
    profile = resolve_profile(ProfileFlags(server="vbo02"), load_config(path), {})
    assert (profile.name, profile.user, profile.tls.mode) == ("vbo02:4443", "saved", "pinned")


def test_default_profile_and_the_errors_of_resolution(tmp_path):
    loaded = load_config(write(tmp_path, GOOD))
    assert resolve_profile(ProfileFlags(), loaded, {}).name == "prod"
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        resolve_profile(ProfileFlags(profile="nope"), loaded, {})
    with pytest.raises(ConfigError, match="no server given"):
        resolve_profile(ProfileFlags(), load_config(tmp_path / "none.toml"), {})
    with pytest.raises(ConfigError, match="exclude each other"):
        resolve_profile(ProfileFlags(profile="prod", ca_file="x", insecure=True), loaded, {})
    with pytest.raises(ConfigError, match="VBOTUI_READ_ONLY"):
        resolve_profile(ProfileFlags(profile="prod"), loaded, {"VBOTUI_READ_ONLY": "maybe"})


def test_save_profile_appends_once_and_keeps_what_was_there(tmp_path):
    path = write(tmp_path, "# my servers\n" + GOOD)
    profile = resolve_profile(ProfileFlags(server="vbo09", user="CORP\\op"), load_config(path), {})
    assert save_profile(profile, path)
    assert not save_profile(profile, path)  # already there
    loaded = load_config(path)
    assert loaded.errors == []
    assert loaded.profiles["vbo09:4443"].user == "CORP\\op"
    assert path.read_text().startswith("# my servers\n" + GOOD)
