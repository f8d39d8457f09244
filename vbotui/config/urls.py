"""Server URLs: what a URL given on the command line, in the environment or in the file must be,
its identity (scheme, host, port, path) and the name of its ad-hoc profile."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..textclean import clean
from ..tls import server_address, server_key
from .model import DEFAULT_PORT, UrlError


def normalize_url(server: str) -> str:
    """`vbo01` → `https://vbo01:4443`; a URL with a scheme keeps its own port; no trailing slash.

    Raises UrlError (one line, the value quoted) for anything that cannot work: bad syntax
    (`http://[::1`), a scheme other than http/https, no host, a bad port, a user name or password
    in the URL (they would be sent as Basic auth), a query or fragment, spaces or control characters.
    """
    if not isinstance(server, str):
        raise UrlError(f"not a server URL: {server!r}")
    text = server.strip().rstrip("/")
    shown = clean(repr(server))
    if not text or not text.isprintable() or any(ch.isspace() for ch in text):
        raise UrlError(f"not a server URL (empty, or holds spaces or control characters): {shown}")
    try:
        if "://" not in text:
            text = f"https://{text}"
            parts = urlsplit(text)
            if parts.port is None and parts.hostname:
                text = f"https://{parts.netloc}:{DEFAULT_PORT}{parts.path}"
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise UrlError(f"not a server URL ({exc}): {shown}") from None
    if parts.scheme not in ("https", "http"):
        raise UrlError(f"server URL must start with https:// (or http://), not {parts.scheme}://: {shown}")
    if not parts.hostname:
        raise UrlError(f"no host in server URL {shown}")
    if port == 0:
        raise UrlError(f"bad port in server URL {shown}")
    if parts.username is not None or parts.password is not None:
        raise UrlError(f"server URL holds a user name or password (use --user): {clean(parts.hostname)}")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise UrlError(f"server URL has a query or fragment: {shown}")
    return text


def url_identity(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a normalized URL: what must match for a saved profile to be reused."""
    parts = urlsplit(url)
    host, port = server_address(url)
    return parts.scheme, host, port, parts.path.rstrip("/")


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def adhoc_profile_name(url: str) -> str:
    """The profile name `--server` gets without `--profile`: `host:port` for https, `http://host:port`
    for plain HTTP, so that an https server never picks up a profile saved for plain HTTP."""
    key = server_key(*server_address(url))
    return f"http://{key}" if urlsplit(url).scheme == "http" else key
