"""The settings' vocabulary: the keys and bounds, the errors, `Profile` and the flags, and the
parsers of single values (numbers, refresh, accent, booleans)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from ..api.dialects import API_VERSION_CHOICES
from ..api.limits import Limits
from ..textclean import clean
from ..tls import TlsTrust, server_address

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
    "request_deadline",
    "download_stall",
    "restore_deadline",
    "download_dir",
)

# Deadlines by kind of request, seconds (README "Deadlines and ceilings"): key -> (lowest, highest).
DEADLINE_BOUNDS = {
    "request_deadline": (1.0, 3600.0),  # JSON reads and job actions, the whole exchange
    "download_stall": (1.0, 86400.0),  # downloads: no byte for this long
    "restore_deadline": (60.0, 7 * 86400.0),  # synchronous restores
}
_LIMITS = Limits()

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
    request_deadline: float = _LIMITS.request_s
    download_stall: float = _LIMITS.download_stall_s
    restore_deadline: float = _LIMITS.restore_s
    download_dir: str | None = None  # where `w` writes (download_folder: flag and env come first)
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
    def limits(self) -> Limits:
        """The client's deadlines for this server (the size ceilings are not settable here)."""
        return Limits(
            request_s=self.request_deadline,
            download_stall_s=self.download_stall,
            restore_s=self.restore_deadline,
        )

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


def _api_version(value: str, source: str) -> str:
    if value not in API_VERSIONS:
        raise ConfigError(f"{source} must be one of {', '.join(API_VERSIONS)}, not {value!r}")
    return value


def download_folder(
    flag: str | None, profile_dir: str | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Where vbotui writes what the operator asks for (the `w` export): --download-dir, then
    VBOTUI_DOWNLOAD_DIR, then the profile's download_dir, else the user's Downloads folder."""
    env = os.environ if env is None else env
    chosen = flag or env.get("VBOTUI_DOWNLOAD_DIR") or profile_dir
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_downloads_dir())


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
