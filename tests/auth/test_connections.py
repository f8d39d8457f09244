"""Issue 9 §1, §11: the URL given decides scheme, host, port and path; plain HTTP needs a flag;
URLs that cannot work and numbers out of range are clear errors (exit 2 on the command line)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbotui.cli import check_command_line, main
from vbotui.config import (
    REFRESH_OFF,
    ConfigError,
    ProfileFlags,
    UrlError,
    adhoc_profile_name,
    load_config,
    normalize_url,
    parse_refresh,
    resolve_profile,
    save_profile,
)


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_an_https_server_never_reuses_a_profile_saved_for_plain_http(tmp_path):
    # The bug: after one run with --server http://H:P, --server https://H:P signed in over plain HTTP.
    path = write(tmp_path, "")
    first = resolve_profile(ProfileFlags(server="http://127.0.0.1:8080", user="op"), load_config(path), {})
    assert first.url == "http://127.0.0.1:8080" and first.name == "http://127.0.0.1:8080"
    assert save_profile(first, path)
    second = resolve_profile(ProfileFlags(server="https://127.0.0.1:8080"), load_config(path), {})
    assert second.url == "https://127.0.0.1:8080" and not second.plain_http
    assert second.name == "127.0.0.1:8080"


def test_a_legacy_profile_of_the_same_host_port_but_another_scheme_is_not_used_and_that_is_said(tmp_path):
    path = write(
        tmp_path,
        '[profiles."vbo02:4443"]\nurl = "http://vbo02:4443"\nuser = "old"\nallow_plain_http = true\n',
    )
    profile = resolve_profile(ProfileFlags(server="https://vbo02:4443"), load_config(path), {})
    assert profile.url == "https://vbo02:4443" and profile.user is None
    assert profile.name != "vbo02:4443"  # its own keyring entry, not the other URL's
    assert profile.notice and "not used" in profile.notice and "http://vbo02:4443" in profile.notice


def test_a_saved_profile_with_another_path_is_not_reused(tmp_path):
    path = write(tmp_path, '[profiles."vbo02:4443"]\nurl = "https://vbo02:4443/other"\nuser = "old"\n')
    profile = resolve_profile(ProfileFlags(server="https://vbo02:4443"), load_config(path), {})
    assert profile.url == "https://vbo02:4443" and profile.user is None and profile.notice


def test_server_over_a_named_profile_is_for_this_run_and_said(tmp_path):
    text = '[profiles.prod]\nurl = "https://vbo01:4443"\nuser = "op"\n'
    path = write(tmp_path, text)
    flags = ProfileFlags(profile="prod", server="https://vbo09:4443")
    profile = resolve_profile(flags, load_config(path), {})
    assert (profile.name, profile.url, profile.user) == ("prod", "https://vbo09:4443", "op")
    assert profile.notice and "this run" in profile.notice and "https://vbo01:4443" in profile.notice
    assert path.read_text() == text  # never rewritten


def test_the_flag_wins_over_vbotui_server(tmp_path):
    loaded = load_config(write(tmp_path, ""))
    profile = resolve_profile(ProfileFlags(server="https://a:1"), loaded, {"VBOTUI_SERVER": "https://b:2"})
    assert profile.url == "https://a:1"


def test_plain_http_to_another_host_needs_an_explicit_flag_or_setting(tmp_path):
    text = (
        '[profiles.lab]\nurl = "http://vbo.lab:8080"\n'
        '[profiles.ok]\nurl = "http://vbo.lab:8080"\nallow_plain_http = true\n'
    )
    loaded = load_config(write(tmp_path, text))
    with pytest.raises(UrlError, match="plain HTTP.*--allow-plain-http"):
        resolve_profile(ProfileFlags(server="http://vbo.lab:8080"), loaded, {})
    with pytest.raises(ConfigError, match="plain HTTP"):
        resolve_profile(ProfileFlags(profile="lab"), loaded, {})
    allowed = resolve_profile(ProfileFlags(server="http://vbo.lab:8080", allow_plain_http=True), loaded, {})
    assert allowed.plain_http and allowed.allow_plain_http
    assert resolve_profile(ProfileFlags(profile="ok"), loaded, {}).plain_http
    env = {"VBOTUI_ALLOW_PLAIN_HTTP": "1"}
    assert resolve_profile(ProfileFlags(profile="lab"), loaded, env).plain_http
    for loopback in ("http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080"):
        assert resolve_profile(ProfileFlags(server=loopback), loaded, {}).plain_http


def test_an_https_profile_is_not_plain_http():
    assert not resolve_profile(ProfileFlags(server="vbo01"), load_config_empty(), {}).plain_http


def load_config_empty():
    from pathlib import Path

    return load_config(Path("/nonexistent/vbotui/config.toml"))


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "ftp://vbo01",
        "https://",
        "https://vbo01:99999",
        "https://vbo01:port",
        "file:///etc/passwd",
        "https://user:pw@vbo01",
        "https://vbo01/?x=1",
        "https://vbo 01",
        "https://vbo01\x1b[2J",
        "",
        "javascript:x",
    ],
)
def test_urls_that_cannot_work_are_one_line_url_errors(url):
    with pytest.raises(UrlError) as caught:
        normalize_url(url)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert "pw" not in str(caught.value) or "user" not in str(caught.value)


def test_a_bad_url_in_the_config_file_is_reported_and_skipped(tmp_path):
    path = write(
        tmp_path,
        '[profiles.bad]\nurl = "http://[::1"\n[profiles.ftp]\nurl = "ftp://x"\n'
        '[profiles.good]\nurl = "https://vbo01:4443"\n',
    )
    loaded = load_config(path)
    assert list(loaded.profiles) == ["good"]
    assert {e.profile for e in loaded.errors} == {"bad", "ftp"}
    assert all(e.line for e in loaded.errors)


@pytest.mark.parametrize(
    "argv",
    [
        ["--server", "http://[::1"],
        ["--server", "gopher://x"],
        ["logout", "--server", "http://[::1"],
        ["--server", "http://vbo.corp:8080"],
        ["--refresh", "nan"],
        ["--refresh", "0"],
        ["--refresh", "inf"],
        ["--demo", "--demo-jobs", "-1"],
        ["--demo", "--demo-latency-ms", "nan"],
    ],
)
def test_the_command_line_exits_2_with_one_line(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VBOTUI_CONFIG", str(tmp_path / "config.toml"))
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own exit for a bad --refresh
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "Traceback" not in "\n".join(err)


def test_vbotui_server_from_the_environment_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOTUI_CONFIG", str(tmp_path / "config.toml"))
    with pytest.raises(UrlError, match="VBOTUI_SERVER"):
        check_command_line(ProfileFlags(), {"VBOTUI_SERVER": "http://[::1"})
    with pytest.raises(ConfigError, match="VBOTUI_REFRESH"):
        check_command_line(ProfileFlags(), {"VBOTUI_REFRESH": "nan"})


def test_a_bad_server_url_ends_the_real_command_without_a_traceback(tmp_path):
    env = {"VBOTUI_CONFIG": str(tmp_path / "c.toml"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "vbotui.cli", "--server", "http://[::1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["off", "OFF", " off "])
def test_refresh_off_turns_polling_off(value, tmp_path):
    assert parse_refresh(value, "--refresh") == REFRESH_OFF
    loaded = load_config(write(tmp_path, '[profiles.p]\nurl = "https://v:1"\nrefresh = "off"\n'))
    profile = loaded.profiles["p"]
    assert not profile.polling and math.isinf(profile.refresh)
    flagged = resolve_profile(ProfileFlags(profile="p", refresh=parse_refresh(value, "x")), loaded, {})
    assert not flagged.polling


@pytest.mark.parametrize(
    "value", ["nan", "inf", "-inf", "0", "-1", "1", "86401", "1e309", "fast", "", "true"]
)
def test_bad_refresh_values_are_clear_errors(value, tmp_path):
    with pytest.raises(ConfigError, match='from 2 to 86400, or "off"'):
        parse_refresh(value, "VBOTUI_REFRESH")


@pytest.mark.parametrize("toml", ["nan", "inf", "-inf", "0", "1", "true", '"fast"', "1e400"])
def test_bad_refresh_in_the_file_is_an_error_and_the_profile_skipped(toml, tmp_path):
    loaded = load_config(write(tmp_path, f'[profiles.p]\nurl = "https://v:1"\nrefresh = {toml}\n'))
    assert "p" not in loaded.profiles
    assert loaded.errors and loaded.errors[0].key == "refresh" and loaded.errors[0].line == 3


def test_refresh_off_saves_and_reads_back(tmp_path):
    path = tmp_path / "c.toml"
    profile = resolve_profile(ProfileFlags(server="vbo5", refresh="off"), load_config(path), {})
    assert save_profile(profile, path)
    assert 'refresh = "off"' in path.read_text()
    assert not load_config(path).profiles["vbo5:4443"].polling


# --- Hypothesis: URL handling and the config loader never raise anything but their own errors -


@given(st.text(max_size=60))
def test_normalize_url_gives_a_url_or_a_url_error(text):
    try:
        url = normalize_url(text)
    except UrlError as error:
        assert "\n" not in str(error)
        return
    assert url.startswith(("https://", "http://"))
    assert adhoc_profile_name(url)
    assert normalize_url(url) == url  # idempotent


_toml_values = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "url",
                "user",
                "api_version",
                "tls",
                "ca_file",
                "read_only",
                "refresh",
                "keymap",
                "allow_plain_http",
                "bogus",
            ]
        ),
        _toml_values,
        max_size=6,
    )
)
def test_the_config_loader_gives_a_profile_or_a_config_error(table):
    import tomli_w

    from vbotui.config import Profile

    def stringify(value):
        return value

    try:
        text = tomli_w.dumps({"profiles": {"p": {k: stringify(v) for k, v in table.items()}}})
    except (TypeError, ValueError):
        return
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.toml"
        path.write_text(text)
        loaded = load_config(path)
    if "p" in loaded.profiles:
        profile = loaded.profiles["p"]
        assert isinstance(profile, Profile)
        assert math.isinf(profile.refresh) or 2 <= profile.refresh <= 86400
    else:
        assert loaded.errors and all(isinstance(e, ConfigError) for e in loaded.errors)
