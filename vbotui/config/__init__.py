"""Server profiles: the TOML file, then `VBOTUI_*` environment variables, then command-line flags.

    # ~/.config/vbotui/config.toml  (VBOTUI_CONFIG overrides the path)
    default = "prod"                      # optional: the profile used without --profile/--server
    [profiles.prod]
    url = "https://vbo01.corp.local:4443"
    user = "CORP\\\\operator"
    api_version = "auto"                  # auto | v3 .. v8
    tls = "pinned"                        # system, ca_file, pinned, insecure, ca_file:PATH, pinned:SHA256
    ca_file = "/etc/ssl/corp-ca.pem"      # with tls = "ca_file"
    read_only = false
    refresh = 30                          # seconds between job-list polls (2 to 86400), or "off"
    allow_plain_http = false              # http:// to a host other than loopback needs this
    utc = false                           # times in UTC, not local time (--utc, VBOTUI_UTC=1)
    accent = "red"                        # the header's profile badge colour (VBOTUI_ACCENT)
    request_deadline = 60                 # seconds: a JSON read or job action, whole (README: Deadlines)
    download_stall = 600                  # seconds without a byte that end a download
    restore_deadline = 14400              # seconds: a synchronous restore
    download_dir = "~/exports"            # where `w` writes (--download-dir, VBOTUI_DOWNLOAD_DIR first)

The URL decides scheme, host, port and path. `--server URL` alone makes an ad-hoc profile keyed by
scheme, host and port (`host:port` for https, `http://host:port` for http); a saved profile of
that name is reused only when its URL is the same (scheme, host, port and path). `--server` with
`--profile` overrides that profile's URL for this run only, and says so (`Profile.notice`).

A broken file never stops the app: `load_config` returns the profiles it could read and a
`ConfigError` (path, line, what is wrong) for each problem.
"""

from __future__ import annotations

# Re-exported for the audit log and anything else that writes files (0600 in 0700 folders).
from ..privatefiles import ensure_private_dir, private_append, private_write_text
from .files import load_config, save_profile
from .model import (
    ACCENTS,
    API_VERSIONS,
    DEFAULT_PORT,
    DEFAULT_REFRESH_S,
    MAX_REFRESH_S,
    MIN_REFRESH_S,
    PROFILE_KEYS,
    REFRESH_OFF,
    ConfigError,
    LoadedConfig,
    Profile,
    ProfileFlags,
    UrlError,
    config_path,
    download_folder,
    env_utc,
    parse_accent,
    parse_number,
    parse_refresh,
)
from .resolve import check_plain_http, resolve_profile
from .urls import adhoc_profile_name, is_loopback, normalize_url, url_identity

__all__ = [
    "ACCENTS",
    "API_VERSIONS",
    "ConfigError",
    "DEFAULT_PORT",
    "DEFAULT_REFRESH_S",
    "LoadedConfig",
    "MAX_REFRESH_S",
    "MIN_REFRESH_S",
    "PROFILE_KEYS",
    "Profile",
    "ProfileFlags",
    "REFRESH_OFF",
    "UrlError",
    "adhoc_profile_name",
    "check_plain_http",
    "config_path",
    "download_folder",
    "ensure_private_dir",
    "env_utc",
    "is_loopback",
    "load_config",
    "normalize_url",
    "parse_accent",
    "parse_number",
    "parse_refresh",
    "private_append",
    "private_write_text",
    "resolve_profile",
    "save_profile",
    "url_identity",
]
