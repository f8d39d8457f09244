"""Resolution: the file's profile, then `VBOTUI_*` variables, then command-line flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..textclean import clean
from ..tls import TlsTrust
from .model import (
    REFRESH_OFF,
    ConfigError,
    LoadedConfig,
    Profile,
    ProfileFlags,
    UrlError,
    _api_version,
    _env_bool,
    parse_accent,
    parse_refresh,
)
from .urls import adhoc_profile_name, is_loopback, normalize_url, url_identity


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
