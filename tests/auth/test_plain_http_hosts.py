"""Plain HTTP is allowed without --allow-plain-http only to loopback: host names that merely look
like loopback (a prefix, a suffix, an IP inside a longer name) must be refused. In process."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbotui.cli import check_command_line
from vbotui.config import ConfigError, LoadedConfig, ProfileFlags, UrlError, is_loopback, resolve_profile

LOOPBACK = (
    "localhost",
    "LOCALHOST",
    "localhost.localdomain",
    "vbo.localhost",
    "127.0.0.1",
    "127.9.8.7",
    "::1",
    "[::1]",
)
NEAR_MISSES = (
    "localhost.evil.example",
    "localhost.localdomain.evil.example",
    "localhostevil.example",
    "evil-localhost",
    "evillocalhost",
    "localhost-evil.example",
    "localhost.",
    "127.0.0.1.evil.example",
    "127.0.0.1.nip.io",
    "evil.example.127.0.0.1",
    "localhost.com",
    "xn--localhost",
    "::2",
    "128.0.0.1",
    "0.0.0.0",
    "10.0.0.1",
    "vbo.example",
)


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_names_and_addresses(host: str) -> None:
    assert is_loopback(host) is True


@pytest.mark.parametrize("host", NEAR_MISSES)
def test_names_that_only_look_like_loopback_are_not(host: str) -> None:
    assert is_loopback(host) is False


@pytest.mark.parametrize("host", NEAR_MISSES[:12])
def test_plain_http_to_a_near_miss_is_refused_from_the_command_line(
    host: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VBOTUI_CONFIG", str(tmp_path / "none.toml"))
    url = f"http://{host}:4443"
    flags = ProfileFlags(server=url)
    with pytest.raises(UrlError, match="plain HTTP"):
        resolve_profile(flags, LoadedConfig(tmp_path / "none.toml", {}, []), {})
    with pytest.raises(ConfigError, match="--server: .*plain HTTP"):
        check_command_line(flags, {})


def test_plain_http_to_loopback_is_allowed(tmp_path: Path) -> None:
    flags = ProfileFlags(server="http://localhost:4443")
    profile = resolve_profile(flags, LoadedConfig(tmp_path / "none.toml", {}, []), {})
    assert profile.url == "http://localhost:4443" and profile.plain_http
