"""Parse what an operator types as a point in time for the explore action.

Accepted (case-insensitive, surrounding blanks ignored):

- ``latest`` / ``now``: the current moment (after the last backup, the server uses the latest
  restore point, which is what "latest" means);
- ISO 8601: ``2019-04-12T10:54:40.2794046Z``, ``2024-05-01T10:00+02:00``; without a zone the
  value is local time (the time on the operator's wall clock);
- ``YYYY-MM-DD HH:MM[:SS]`` (also ``YYYY.MM.DD``, the API docs' other form) and ``YYYY-MM-DD``,
  in local time;
- relative to now: ``-30m``, ``-2h``, ``-3d``, ``-1w``, ``-90s`` and combinations (``-1d12h``).

The result is an aware UTC datetime. Anything else raises `TimeParseError`, never another
exception: the patterns only take ASCII digits and bounded digit counts, and every arithmetic
failure (out of range, overflow) becomes a `TimeParseError` with a message fit for the operator.
This module is headless (no Textual).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

__all__ = ["PointInTime", "TimeParseError", "parse_point_in_time", "HINT", "display_zone", "zone_label"]

# Restore points before this year cannot exist; the bound also keeps UTC conversion in range.
MIN_YEAR = 1900
MAX_YEAR = 9998
MAX_INPUT_LENGTH = 64

HINT = "use latest, now, -2h, -3d, YYYY-MM-DD HH:MM (local) or ISO 8601 like 2024-05-01T10:00:00Z"


class TimeParseError(ValueError):
    """The text is not a point in time; `str(err)` is the message to show the operator."""


@dataclass(frozen=True)
class PointInTime:
    value: datetime  # aware, UTC
    is_latest: bool = False  # the operator asked for the latest restore point
    kind: str = "absolute"  # "latest", "now", "relative" or "absolute" (for display)


_ABSOLUTE = re.compile(
    r"""
    (?P<year>[0-9]{4}) [-.] (?P<month>[0-9]{1,2}) [-.] (?P<day>[0-9]{1,2})
    (?:
        [t ]+ (?P<hour>[0-9]{1,2}) : (?P<minute>[0-9]{2})
        (?: : (?P<second>[0-9]{2}) (?: [.,] (?P<fraction>[0-9]{1,9}) )? )?
    )?
    \s* (?P<zone> z | utc | [+-][0-9]{2} (?: :?[0-9]{2} )? )?
    """,
    re.VERBOSE | re.ASCII,
)

_RELATIVE = re.compile(r"-\s*(?:[0-9]{1,9}\s*[wdhms]\s*)+", re.ASCII)
_RELATIVE_PART = re.compile(r"([0-9]{1,9})\s*([wdhms])", re.ASCII)
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_point_in_time(text: str, *, now: datetime, local_tz: tzinfo) -> PointInTime:
    """Parse `text` (see the module doc) relative to `now` (aware) in the zone `local_tz`."""
    if not isinstance(text, str):
        raise TimeParseError(f"Enter a point in time: {HINT}.")
    cleaned = text.strip().lower()
    if not cleaned:
        raise TimeParseError(f"Enter a point in time: {HINT}.")
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise TimeParseError(f"Too long for a point in time: {HINT}.")
    try:
        now_utc = now.astimezone(timezone.utc)
        if cleaned in ("latest", "now"):
            return PointInTime(now_utc, is_latest=cleaned == "latest", kind=cleaned)
        if _RELATIVE.fullmatch(cleaned):
            return PointInTime(_relative(cleaned, now_utc), kind="relative")
        match = _ABSOLUTE.fullmatch(cleaned)
        if match:
            return PointInTime(_absolute(match, local_tz), kind="absolute")
    except (ValueError, OverflowError) as err:
        if isinstance(err, TimeParseError):
            raise
        raise TimeParseError(f"Not a valid point in time ({err}).") from None
    raise TimeParseError(f"Not a point in time: {HINT}.")


def _relative(cleaned: str, now_utc: datetime) -> datetime:
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _RELATIVE_PART.findall(cleaned))
    earliest = datetime(MIN_YEAR, 1, 1, tzinfo=timezone.utc)
    if seconds > (now_utc - earliest).total_seconds():
        raise TimeParseError(f"Too far back: before the year {MIN_YEAR}.")
    return now_utc - timedelta(seconds=seconds)


def _absolute(match: re.Match[str], local_tz: tzinfo) -> datetime:
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TimeParseError(f"The year must be between {MIN_YEAR} and {MAX_YEAR}.")
    # .NET writes 7 fractional digits; Python keeps microseconds, so the rest is cut.
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    value = datetime(
        year,
        int(match["month"]),
        int(match["day"]),
        int(match["hour"] or 0),
        int(match["minute"] or 0),
        int(match["second"] or 0),
        int(fraction),
    )
    return value.replace(tzinfo=_zone(match["zone"], local_tz)).astimezone(timezone.utc)


def _zone(zone: str | None, local_tz: tzinfo) -> tzinfo:
    if zone is None:
        return local_tz
    if zone in ("z", "utc"):
        return timezone.utc
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours >= 24 or minutes >= 60:
        raise TimeParseError("The UTC offset must be below 24:00 with minutes below 60.")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if zone[0] == "-" else offset)


def system_local_zone() -> tzinfo:
    """The operator's time zone with its DST rules ($TZ, else /etc/localtime), else today's offset."""
    import os
    from zoneinfo import ZoneInfo

    name = os.environ.get("TZ", "").lstrip(":")
    try:
        if name:
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as file:
            return ZoneInfo.from_file(file, key="localtime")
    except (OSError, ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        fallback = datetime.now().astimezone().tzinfo
        return fallback if fallback is not None else timezone.utc


def display_zone(utc: bool) -> tzinfo:
    """The one zone the app shows (and reads typed) times in: UTC, or the operator's own."""
    return timezone.utc if utc else system_local_zone()


def zone_label(zone: tzinfo, now: datetime) -> str:
    """How a zone is named on screen: `UTC`, else its abbreviation at `now` (CEST), else `local`."""
    if zone is timezone.utc or (zone.utcoffset(now) == timedelta(0) and zone.tzname(now) in ("UTC", "GMT")):
        return "UTC"
    return now.astimezone(zone).tzname() or "local"
