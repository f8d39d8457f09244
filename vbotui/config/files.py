"""The TOML file: reading it (every problem a `ConfigError` with path and line; the profiles
that can be read are kept) and appending a profile after a sign-in (tomli-w, 0600, the operator's
text and comments kept)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..keymap import sift_keymap
from ..privatefiles import private_append
from ..tls import TlsTrust, TrustError
from .model import (
    API_VERSIONS,
    DEADLINE_BOUNDS,
    DEFAULT_REFRESH_S,
    PROFILE_KEYS,
    ConfigError,
    LoadedConfig,
    Profile,
    config_path,
    parse_accent,
    parse_refresh,
)
from .urls import normalize_url

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


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
    except RecursionError:  # the reader recurses once per nesting level: a hostile file ends it
        nested = "TOML nested too deeply to read (arrays or inline tables inside each other)"
        return LoadedConfig(path, {}, [ConfigError(nested, path=path)])

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
    deadlines: dict[str, float] = {}
    for key, (low, high) in DEADLINE_BOUNDS.items():
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise fail(f"{key} must be a number of seconds from {low:g} to {high:g}, not {value!r}", key)
        deadlines[key] = float(value)
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
        request_deadline=deadlines.get("request_deadline", Profile.request_deadline),
        download_stall=deadlines.get("download_stall", Profile.download_stall),
        restore_deadline=deadlines.get("restore_deadline", Profile.restore_deadline),
        download_dir=typed("download_dir", str, "a string") or None,
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
    except (tomllib.TOMLDecodeError, RecursionError, ConfigError, KeyError, TypeError):
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
