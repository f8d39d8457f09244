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
    refresh = 30                          # seconds between job-list polls

A broken file never stops the app: `load_config` returns the profiles it could read and a
`ConfigError` (path, line, what is wrong) for each problem.
"""

from __future__ import annotations

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
from .tls import TlsTrust, TrustError, server_address, server_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

API_VERSIONS = API_VERSION_CHOICES  # "auto" and every version, listed once in vbotui.api.dialects
DEFAULT_PORT = 4443  # VB365's REST port, used when a bare host name is given
DEFAULT_REFRESH_S = 30.0
PROFILE_KEYS = ("url", "user", "api_version", "tls", "ca_file", "read_only", "refresh", "keymap")
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


@dataclass(frozen=True)
class Profile:
    """One server as the app uses it, after every override is applied."""

    name: str
    url: str
    user: str | None = None
    api_version: str = "auto"
    tls: TlsTrust = field(default_factory=TlsTrust)
    read_only: bool = False
    refresh: float = DEFAULT_REFRESH_S
    keymap: Mapping[str, str] = field(default_factory=dict)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port): the key of this server's pin in the known-servers file."""
        return server_address(self.url)


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
    refresh: float | None = None


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("VBOTUI_CONFIG")
    return Path(override) if override else platformdirs.user_config_path("vbotui") / "config.toml"


def normalize_url(server: str) -> str:
    """`vbo01` → `https://vbo01:4443`; a URL with a scheme keeps its own port; no trailing slash."""
    text = server.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
        parts = urlsplit(text)
        if parts.port is None and parts.hostname:
            text = f"https://{parts.netloc}:{DEFAULT_PORT}{parts.path}"
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"not a server URL: {server!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(f"bad port in server URL {server!r}") from exc
    return text


def adhoc_profile_name(url: str) -> str:
    """The profile name `--server` gets without `--profile`: the server's `host:port`."""
    return server_key(*server_address(url))


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
            result.profiles[name] = _profile_from_table(name, table)
        except ConfigError as exc:
            exc.path = path
            exc.line = locate(name, exc.key)
            result.errors.append(exc)
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
    refresh = typed("refresh", (int, float), "a number of seconds")
    if refresh is not None and refresh <= 0:
        raise fail("refresh must be a positive number of seconds", "refresh")
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
        refresh=float(refresh) if refresh is not None else DEFAULT_REFRESH_S,
        keymap=dict(keymap),
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
    server = flags.server or env.get("VBOTUI_SERVER") or None
    if flags.profile:
        base = config.profiles.get(flags.profile)
        if base is None:
            raise ConfigError(f"no profile named {flags.profile!r}", path=config.path, profile=flags.profile)
    elif server:
        url = normalize_url(server)
        name = adhoc_profile_name(url)
        base = config.profiles.get(name) or Profile(name=name, url=url)
    elif config.default or len(config.profiles) == 1:
        name = config.default or next(iter(config.profiles))
        base = config.profiles.get(name)
        if base is None:
            raise ConfigError(f"default profile {name!r} is not defined", path=config.path, key="default")
    else:
        raise ConfigError("no server given: use --profile NAME or --server URL (or set VBOTUI_SERVER)")

    profile = _apply_env(base, env)
    return _apply_flags(profile, flags)


def _apply_env(profile: Profile, env: Mapping[str, str]) -> Profile:
    changes: dict[str, Any] = {}
    if env.get("VBOTUI_SERVER"):
        changes["url"] = normalize_url(env["VBOTUI_SERVER"])
    if env.get("VBOTUI_USER"):
        changes["user"] = env["VBOTUI_USER"]
    if env.get("VBOTUI_API_VERSION"):
        changes["api_version"] = _api_version(env["VBOTUI_API_VERSION"], "VBOTUI_API_VERSION")
    if "VBOTUI_READ_ONLY" in env:
        changes["read_only"] = _env_bool(env, "VBOTUI_READ_ONLY")
    if env.get("VBOTUI_REFRESH"):
        changes["refresh"] = _seconds(env["VBOTUI_REFRESH"], "VBOTUI_REFRESH")
    if env.get("VBOTUI_CA_FILE"):
        changes["tls"] = TlsTrust("ca_file", ca_file=env["VBOTUI_CA_FILE"])
    if "VBOTUI_INSECURE" in env and _env_bool(env, "VBOTUI_INSECURE"):
        changes["tls"] = TlsTrust("insecure")
    return replace(profile, **changes)


def _apply_flags(profile: Profile, flags: ProfileFlags) -> Profile:
    if flags.ca_file and flags.insecure:
        raise ConfigError("--ca-file and --insecure exclude each other")
    changes: dict[str, Any] = {}
    if flags.server and flags.profile:
        changes["url"] = normalize_url(flags.server)
    if flags.user:
        changes["user"] = flags.user
    if flags.api_version:
        changes["api_version"] = _api_version(flags.api_version, "--api-version")
    if flags.read_only is not None:
        changes["read_only"] = flags.read_only
    if flags.refresh is not None:
        changes["refresh"] = _seconds(str(flags.refresh), "--refresh")
    if flags.ca_file:
        changes["tls"] = TlsTrust("ca_file", ca_file=flags.ca_file)
    if flags.insecure:
        changes["tls"] = TlsTrust("insecure")
    return replace(profile, **changes)


def _api_version(value: str, source: str) -> str:
    if value not in API_VERSIONS:
        raise ConfigError(f"{source} must be one of {', '.join(API_VERSIONS)}, not {value!r}")
    return value


def _seconds(value: str, source: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ConfigError(f"{source} must be a positive number of seconds, not {value!r}")
    return seconds


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

    Never rewrites what the operator wrote (comments and order survive); returns False when the
    profile was already there or the file cannot be parsed.
    """
    path = path or config_path(env)
    loaded = load_config(path)
    if profile.name in loaded.profiles or any(e.profile is None for e in loaded.errors):
        return False
    lines = [f"\n[profiles.{_toml_key(profile.name)}]", f"url = {_toml_str(profile.url)}"]
    if profile.user:
        lines.append(f"user = {_toml_str(profile.user)}")
    lines.append(f"api_version = {_toml_str(profile.api_version)}")
    mode = profile.tls.mode
    lines.append(f"tls = {_toml_str(mode)}")  # a pin's fingerprint lives in the known-servers file
    if profile.tls.ca_file:
        lines.append(f"ca_file = {_toml_str(profile.tls.ca_file)}")
    lines.append(f"read_only = {'true' if profile.read_only else 'false'}")
    lines.append(f"refresh = {profile.refresh:g}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return True


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml_str(name)
