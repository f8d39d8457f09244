"""Server URLs as an operator types them: what is accepted and how it is written back, and the one
line that says why a URL is refused (the value quoted, as typed)."""

from __future__ import annotations

import pytest

from vbotui.config.model import UrlError
from vbotui.config.urls import is_loopback, normalize_url, url_identity


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("vbo01", "https://vbo01:4443"),
        ("vbo01:9443", "https://vbo01:9443"),  # a port of its own is kept, not doubled
        ("vbo01/", "https://vbo01:4443"),
        ("https://vbo01/", "https://vbo01"),
        (" https://vbo01:4443/// ", "https://vbo01:4443"),
        ("https://VBOX/", "https://VBOX"),  # only slashes are trimmed, not the host's last letter
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_a_server_url_is_written_back_with_its_port_and_no_trailing_slash(typed: str, url: str) -> None:
    assert normalize_url(typed) == url


def _refusal(server: object) -> str:
    with pytest.raises(UrlError) as refused:
        normalize_url(server)  # type: ignore[arg-type]
    return str(refused.value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (42, "not a server URL: 42"),
        ("", "not a server URL (empty, or holds spaces or control characters): ''"),
        (" / ", "not a server URL (empty, or holds spaces or control characters): ' / '"),
        ("vbo01\x07", "not a server URL (empty, or holds spaces or control characters): 'vbo01\\x07'"),
        ("vbo 01", "not a server URL (empty, or holds spaces or control characters): 'vbo 01'"),
        ("https://:4443", "no host in server URL 'https://:4443'"),
        ("https://vbo01:0", "bad port in server URL 'https://vbo01:0'"),
        ("https://admin@vbo01", "server URL holds a user name or password (use --user): vbo01"),
        ("https://admin:pw@vbo01", "server URL holds a user name or password (use --user): vbo01"),
        ("https://vbo01?", "server URL has a query or fragment: 'https://vbo01?'"),
        ("https://vbo01#", "server URL has a query or fragment: 'https://vbo01#'"),
        ("https://vbo01#top", "server URL has a query or fragment: 'https://vbo01#top'"),
        ("https://vbo01?a=1", "server URL has a query or fragment: 'https://vbo01?a=1'"),
        ("ftp://vbo01", "server URL must start with https:// (or http://), not ftp://: 'ftp://vbo01'"),
    ],
)
def test_a_refused_url_says_why_in_one_line(typed: object, message: str) -> None:
    assert _refusal(typed) == message


def test_a_url_with_a_bad_port_quotes_it() -> None:
    message = _refusal("https://vbo01:99999")
    assert message.startswith("not a server URL (") and message.endswith("): 'https://vbo01:99999'")


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://vbo01:4443", ("https", "vbo01", 4443, "")),
        ("https://vbo01:4443/api/", ("https", "vbo01", 4443, "/api")),
        ("https://vbo01:4443/VBOX", ("https", "vbo01", 4443, "/VBOX")),
    ],
)
def test_a_saved_profile_is_reused_for_the_same_server_and_path(
    url: str, identity: tuple[str, str, int, str]
) -> None:
    assert url_identity(url) == identity


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("localhost.localdomain", True),
        ("vbo.localhost", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost.example", False),
        ("vbo01", False),
        ("10.0.0.1", False),
        ("[::2]", False),
    ],
)
def test_which_hosts_are_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
