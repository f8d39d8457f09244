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

The URL decides scheme, host, port and path. `--server URL` alone makes an ad-hoc profile keyed by
scheme, host and port (`host:port` for https, `http://host:port` for http); a saved profile of
that name is reused only when its URL is the same (scheme, host, port and path). `--server` with
`--profile` overrides that profile's URL for this run only, and says so (`Profile.notice`).

A broken file never stops the app: `load_config` returns the profiles it could read and a
`ConfigError` (path, line, what is wrong) for each problem.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from .api.dialects import API_VERSION_CHOICES

# Re-exported for the audit log and anything else that writes files (0600 in 0700 folders).
from .keymap import sift_keymap
from .privatefiles import ensure_private_dir as ensure_private_dir
from .privatefiles import private_append as private_append
from .privatefiles import private_write_text as private_write_text
from .textclean import clean
from .tls import TlsTrust, TrustError, server_address, server_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

API_VERSIONS = API_VERSION_CHOICES  # "auto" and every version, listed once in vbotui.api.dialects
DEFAULT_PORT = 4443  # VB365's REST port, used when a bare host name is given
DEFAULT_REFRESH_S = 30.0
# Polling bounds: below 2 s a poll would overlap the last one; a day is the most that makes sense.
MIN_REFRESH_S = 2.0
MAX_REFRESH_S = 86400.0
# `--refresh off` / `refresh = "off"`: no polling (ctrl+r still refreshes). The app must not arm a
# poll timer for it (a timer of inf seconds never fires, so `max(refresh, 2.0)` stays harmless).
REFRESH_OFF = math.inf
PROFILE_KEYS = (
    "url",
    "user",
    "api_version",
    "tls",
    "ca_file",
    "read_only",
    "refresh",
    "keymap",
    "allow_plain_http",
    "utc",
    "accent",
)
# `accent = "red"`: the header's profile badge. Names the 16-colour palette has, so the badge reads
# the same in 16 colours, 256 and truecolor (with NO_COLOR it stays reverse video and its text).
ACCENTS = ("red", "green", "yellow", "blue", "magenta", "cyan", "white")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A problem in the config file, an environment variable or a flag, said where it is."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        profile: str | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.profile = profile
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + self.message


class UrlError(ConfigError):
    """A server URL that cannot work (syntax, scheme, port), or plain HTTP that was not allowed."""


@dataclass(frozen=True)
class Profile:
    """One server as the app uses it, after every override is applied."""

    name: str
    url: str
    user: str | None = None
    api_version: str = "auto"
    tls: TlsTrust = field(default_factory=TlsTrust)
    read_only: bool = False
    refresh: float = DEFAULT_REFRESH_S  # seconds; REFRESH_OFF (inf) = no polling
    keymap: Mapping[str, str] = field(default_factory=dict)
    allow_plain_http: bool = False
    utc: bool = False  # times shown (and typed) in UTC instead of local time
    accent: str | None = None  # one of ACCENTS: the header's profile badge colour
    # Said once at start when this run's URL is not the saved one (e.g. --server over a profile).
    notice: str | None = field(default=None, compare=False)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port): the key of this server's pin in the known-servers file."""
        return server_address(self.url)

    @property
    def plain_http(self) -> bool:
        """True when this profile talks plain HTTP: the header shows a PLAIN HTTP badge."""
        return urlsplit(self.url).scheme == "http"

    @property
    def polling(self) -> bool:
        """False for `refresh = "off"`: the job list is re-read only on ctrl+r."""
        return math.isfinite(self.refresh)


@dataclass
class LoadedConfig:
    path: Path
    profiles: dict[str, Profile]
    errors: list[ConfigError]
    default: str | None = None


@dataclass(frozen=True)
class ProfileFlags:
    """Command-line flags that select or override a profile (None = not given)."""

    profile: str | None = None
    server: str | None = None
    user: str | None = None
    api_version: str | None = None
    ca_file: str | None = None
    insecure: bool = False
    read_only: bool | None = None
    refresh: float | str | None = None  # seconds, or "off"
    allow_plain_http: bool = False
    utc: bool | None = None  # --utc


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("VBOTUI_CONFIG")
    return Path(override) if override else platformdirs.user_config_path("vbotui") / "config.toml"


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


# --- reading the file --------------------------------------------------------------------------


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> LoadedConfig:
    path = path or config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedConfig(path, {}, [])
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedConfig(path, {}, [ConfigError(f"cannot read the config file: {exc}", path=path)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        return LoadedConfig(path, {}, [ConfigError(f"TOML syntax error: {exc}", path=path, line=line)])

    result = LoadedConfig(path, {}, [])
    locate = _Locator(text)
    for key, value in data.items():
        if key == "default" and isinstance(value, str):
            result.default = value
        elif key != "profiles":
            result.errors.append(
                ConfigError(f"unknown top-level key {key!r}", path=path, line=locate(None, key), key=key)
            )
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        result.errors.append(
            ConfigError("'profiles' must be a table", path=path, line=locate(None, "profiles"))
        )
        profiles = {}
    for name, table in profiles.items():
        try:
            profile = _profile_from_table(name, table)
        except ConfigError as exc:
            exc.path = path
            exc.line = locate(name, exc.key)
            result.errors.append(exc)
            continue
        # An unknown binding id or a clash is reported; the rest of the keymap still applies.
        keymap, problems = sift_keymap(profile.keymap)
        for problem in problems:
            line = locate(f"{name}.keymap", problem.binding_id) or locate(name, "keymap")
            message = f"profile {name!r}: keymap: {problem.message}"
            result.errors.append(ConfigError(message, path=path, line=line, profile=name, key="keymap"))
        result.profiles[name] = replace(profile, keymap=keymap)
    return result


def _profile_from_table(name: str, table: Any) -> Profile:
    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(f"profile {name!r}: {message}", profile=name, key=key)

    if not isinstance(table, dict):
        raise fail("must be a table ([profiles.NAME])")
    for key in table:
        if key not in PROFILE_KEYS:
            raise fail(f"unknown key {key!r} (known: {', '.join(PROFILE_KEYS)})", key)

    def typed(key: str, types: type | tuple[type, ...], type_name: str) -> Any:
        value = table.get(key)
        if value is None:
            return None
        # bool is an int in Python, but `refresh = true` is a mistake, not 1 second.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            raise fail(f"{key} must be {type_name}, not {type(value).__name__} {value!r}", key)
        return value

    url = typed("url", str, "a string")
    if not url:
        raise fail("url is missing", "url")
    try:
        url = normalize_url(url)
    except ConfigError as exc:
        raise fail(exc.message, "url") from None
    api_version = typed("api_version", str, "a string") or "auto"
    if api_version not in API_VERSIONS:
        raise fail(
            f"api_version must be one of {', '.join(API_VERSIONS)}, not {api_version!r}", "api_version"
        )
    try:
        tls = TlsTrust.parse(typed("tls", str, "a string") or "system", typed("ca_file", str, "a string"))
    except TrustError as exc:
        raise fail(str(exc), "tls") from None
    refresh = table.get("refresh")
    if refresh is not None:
        try:
            refresh = parse_refresh(refresh, "refresh")
        except ConfigError as exc:
            raise fail(exc.message, "refresh") from None
    accent = typed("accent", str, "a string")
    if accent is not None:
        try:
            accent = parse_accent(accent, "accent")
        except ConfigError as exc:
            raise fail(exc.message, "accent") from None
    keymap = table.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise fail('keymap must be a table of action = "keys"', "keymap")
    return Profile(
        name=name,
        url=url,
        user=typed("user", str, "a string"),
        api_version=api_version,
        tls=tls,
        read_only=bool(typed("read_only", bool, "true or false")),
        refresh=refresh if refresh is not None else DEFAULT_REFRESH_S,
        keymap=dict(keymap),
        allow_plain_http=bool(typed("allow_plain_http", bool, "true or false")),
        utc=bool(typed("utc", bool, "true or false")),
        accent=accent,
    )


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


class _Locator:
    """Finds the line of `key` inside `[profiles.NAME]` (tomllib reports no lines for valid TOML)."""

    _HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def __call__(self, profile: str | None, key: str | None) -> int | None:
        table: str | None = None
        header_line: int | None = None
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            if header:
                table = _unquote_dotted(header.group(1))
                if profile is not None and table == f"profiles.{profile}":
                    header_line = number
                continue
            in_scope = (table is None) if profile is None else (table == f"profiles.{profile}")
            if in_scope and key and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*[=.]", line):
                return number
        return header_line


def _unquote_dotted(name: str) -> str:
    """`profiles."vbo01.corp:4443"` → `profiles.vbo01.corp:4443` (dots inside quotes are kept)."""
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', name)
    return ".".join(a or b or c for a, b, c in parts)


# --- resolution: file → environment → flags ----------------------------------------------------


def resolve_profile(
    flags: ProfileFlags, config: LoadedConfig, env: Mapping[str, str] | None = None
) -> Profile:
    """The profile to connect with. Raises ConfigError when none can be made."""
    env = os.environ if env is None else env
    source = "--server" if flags.server else "VBOTUI_SERVER"
    server = flags.server or env.get("VBOTUI_SERVER") or None
    url = normalize_url(server) if server else None  # UrlError: the command line cannot work
    if flags.profile:
        base = config.profiles.get(flags.profile)
        if base is None:
            raise ConfigError(f"no profile named {flags.profile!r}", path=config.path, profile=flags.profile)
        if url is not None and url != base.url:
            # For this run only; the file is never rewritten behind the operator's back.
            notice = f"profile {base.name}: {source} {url} used for this run (the file says {base.url})"
            base = replace(base, url=url, notice=clean(notice))
    elif url is not None:
        name = adhoc_profile_name(url)
        saved = config.profiles.get(name)
        if saved is not None and url_identity(saved.url) == url_identity(url):
            base = replace(saved, url=url)
        elif saved is not None:
            # Same host and port, another scheme or path: never reuse it silently (its user, TLS
            # mode and keyring entry belong to the other URL). A profile of its own, named by the URL.
            notice = f"saved profile {name!r} is for {saved.url}, not {url}: not used"
            base = Profile(name=url, url=url, notice=clean(notice))
        else:
            base = Profile(name=name, url=url)
    elif config.default or len(config.profiles) == 1:
        name = config.default or next(iter(config.profiles))
        base = config.profiles.get(name)
        if base is None:
            raise ConfigError(f"default profile {name!r} is not defined", path=config.path, key="default")
    else:
        raise ConfigError("no server given: use --profile NAME or --server URL (or set VBOTUI_SERVER)")

    profile = _apply_flags(_apply_env(base, env), flags)
    check_plain_http(profile, source if url is not None else None)
    return profile


def check_plain_http(profile: Profile, source: str | None = None) -> None:
    """Plain HTTP only to loopback, or when allowed (flag, env or profile): else a credential would
    cross the network unencrypted. `source` names the flag or variable the URL came from."""
    if not profile.plain_http or profile.allow_plain_http or is_loopback(profile.address[0]):
        return
    message = (
        f"{profile.url} is plain HTTP: the password and tokens would cross the network unencrypted. "
        "Use https://, or --allow-plain-http (allow_plain_http = true in the profile) if you must"
    )
    if source is None:
        raise ConfigError(f"profile {profile.name!r}: {message}", profile=profile.name, key="url")
    raise UrlError(f"{source}: {message}")


def _apply_env(profile: Profile, env: Mapping[str, str]) -> Profile:
    changes: dict[str, Any] = {}
    if "VBOTUI_ALLOW_PLAIN_HTTP" in env and _env_bool(env, "VBOTUI_ALLOW_PLAIN_HTTP"):
        changes["allow_plain_http"] = True
    if env.get("VBOTUI_USER"):
        changes["user"] = env["VBOTUI_USER"]
    if env.get("VBOTUI_API_VERSION"):
        changes["api_version"] = _api_version(env["VBOTUI_API_VERSION"], "VBOTUI_API_VERSION")
    if "VBOTUI_READ_ONLY" in env:
        changes["read_only"] = _env_bool(env, "VBOTUI_READ_ONLY")
    if env.get("VBOTUI_REFRESH"):
        changes["refresh"] = parse_refresh(env["VBOTUI_REFRESH"], "VBOTUI_REFRESH")
    if env.get("VBOTUI_CA_FILE"):
        changes["tls"] = TlsTrust("ca_file", ca_file=env["VBOTUI_CA_FILE"])
    if "VBOTUI_INSECURE" in env and _env_bool(env, "VBOTUI_INSECURE"):
        changes["tls"] = TlsTrust("insecure")
    if "VBOTUI_UTC" in env:
        changes["utc"] = _env_bool(env, "VBOTUI_UTC")
    if env.get("VBOTUI_ACCENT"):
        changes["accent"] = parse_accent(env["VBOTUI_ACCENT"], "VBOTUI_ACCENT")
    return replace(profile, **changes)


def _apply_flags(profile: Profile, flags: ProfileFlags) -> Profile:
    if flags.ca_file and flags.insecure:
        raise ConfigError("--ca-file and --insecure exclude each other")
    changes: dict[str, Any] = {}
    if flags.allow_plain_http:
        changes["allow_plain_http"] = True
    if flags.user:
        changes["user"] = flags.user
    if flags.api_version:
        changes["api_version"] = _api_version(flags.api_version, "--api-version")
    if flags.read_only is not None:
        changes["read_only"] = flags.read_only
    if flags.refresh is not None:
        # The command line hands over what parse_refresh already gave (REFRESH_OFF for "off").
        off = flags.refresh == REFRESH_OFF
        changes["refresh"] = REFRESH_OFF if off else parse_refresh(flags.refresh, "--refresh")
    if flags.ca_file:
        changes["tls"] = TlsTrust("ca_file", ca_file=flags.ca_file)
    if flags.insecure:
        changes["tls"] = TlsTrust("insecure")
    if flags.utc is not None:
        changes["utc"] = flags.utc
    return replace(profile, **changes)


def _api_version(value: str, source: str) -> str:
    if value not in API_VERSIONS:
        raise ConfigError(f"{source} must be one of {', '.join(API_VERSIONS)}, not {value!r}")
    return value


def env_utc(env: Mapping[str, str] | None = None) -> bool:
    """VBOTUI_UTC alone (no profile: the demo, the sign-in screen before one is chosen)."""
    env = os.environ if env is None else env
    return "VBOTUI_UTC" in env and _env_bool(env, "VBOTUI_UTC")


def parse_accent(value: str, source: str) -> str:
    """An accent colour name (case and blanks ignored), one of ACCENTS, or a ConfigError."""
    name = value.strip().lower()
    if name not in ACCENTS:
        raise ConfigError(f"{source} must be one of {', '.join(ACCENTS)}, not {clean(repr(value))}")
    return name


def parse_refresh(value: object, source: str) -> float:
    """Seconds between polls from a flag, variable or the file: a finite number from MIN_REFRESH_S
    to MAX_REFRESH_S, or "off" (REFRESH_OFF). Anything else (nan, inf, 0, -1, true, "fast") is a
    ConfigError that says what is allowed."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return REFRESH_OFF
    seconds: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            seconds = None
    if seconds is None or not math.isfinite(seconds) or not MIN_REFRESH_S <= seconds <= MAX_REFRESH_S:
        shown = clean(repr(value)) if not isinstance(value, (int, float)) else f"{value!r}"
        raise ConfigError(
            f"{source} must be a number of seconds from {MIN_REFRESH_S:g} to {MAX_REFRESH_S:g}, "
            f'or "off", not {shown}'
        )
    return seconds


def parse_number(value: str, source: str, low: float, high: float, *, integer: bool = False) -> float:
    """A finite number in [low, high] from a flag or variable, or a ConfigError saying the range."""
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{source} must be {kind} from {low:g} to {high:g}, not {clean(repr(value))}")
    return number


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    value = env[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, not {env[name]!r}")


# --- saving a profile after a sign-in ---------------------------------------------------------


def save_profile(profile: Profile, path: Path | None = None, env: Mapping[str, str] | None = None) -> bool:
    """Append `[profiles.NAME]` to the config file if no such profile exists yet.

    The table is written by a TOML writer (tomli-w: any user name, quotes, backslashes, control
    characters survive), appended after what the operator wrote (text and comments kept byte for
    byte). The result is parsed before it is written and must read back the same profile; the file
    is 0600 in a 0700 folder. Returns False when the profile was already there, the file cannot be
    parsed, or the table would not read back.
    """
    import tomli_w  # only when a profile is saved: not on every start

    path = path or config_path(env)
    loaded = load_config(path)
    if profile.name in loaded.profiles or any(e.profile is None for e in loaded.errors):
        return False
    table: dict[str, Any] = {"url": profile.url}
    if profile.user:
        table["user"] = profile.user
    table["api_version"] = profile.api_version
    table["tls"] = profile.tls.mode  # a pin's fingerprint lives in the known-servers file
    if profile.tls.ca_file:
        table["ca_file"] = profile.tls.ca_file
    table["read_only"] = profile.read_only
    table["refresh"] = profile.refresh if profile.polling else "off"
    if profile.allow_plain_http:
        table["allow_plain_http"] = True
    # utc and accent are not written: a saved ad-hoc profile has them only from this run's
    # --utc / VBOTUI_UTC / VBOTUI_ACCENT, which say nothing about the next run.
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    addition = tomli_w.dumps({"profiles": {profile.name: table}})
    separator = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
    try:
        tables = tomllib.loads(old + separator + addition)["profiles"]
        reread = _profile_from_table(profile.name, tables[profile.name])
    except (tomllib.TOMLDecodeError, ConfigError, KeyError, TypeError):
        return False  # e.g. the file defines `profiles` inline: appending a table would break it
    if _saved_fields(reread) != _saved_fields(profile):
        return False
    private_append(path, separator + addition)
    return True


def _saved_fields(profile: Profile) -> tuple[object, ...]:
    tls = profile.tls
    return (
        profile.url,
        profile.user,
        profile.api_version,
        tls.mode,
        tls.ca_file,
        profile.read_only,
        profile.refresh,
        profile.allow_plain_http,
    )
