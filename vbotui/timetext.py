"""Times as text, safe at the ends of the range: a server's `0001-01-01T00:00:00` or
`9999-12-31T23:59:59.9999999` is a real answer (a job never run, a schedule without end), but moved
into a zone west or east of UTC it falls outside the years 1-9999 that `datetime` holds.

    in_zone(value, zone)          the time in that zone, or None where the zone cannot hold it
    stamp(value, "%Y-%m-%d")      strftime with a four-digit year (glibc writes year 1 as "1")
    zoned_text(value, zone, fmt)  `fmt` in the zone; out of range: the UTC date, marked "UTC"
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo


def in_zone(value: datetime, zone: tzinfo | None) -> datetime | None:
    """`value` in `zone` (None: the system's local zone), or None when that is before year 1 or
    after year 9999."""
    try:
        return value.astimezone(zone)
    except (OverflowError, ValueError):
        return None


def stamp(value: datetime, pattern: str) -> str:
    """`value.strftime(pattern)`, its `%Y` always four digits (`%Y` is not padded on Linux)."""
    return value.strftime(pattern.replace("%Y", f"{value.year:04d}"))


def zoned_text(value: datetime, zone: tzinfo | None, pattern: str) -> str:
    """`value` by `pattern` in `zone`; a time the zone cannot hold is shown as its UTC date."""
    shown = in_zone(value, zone)
    if shown is not None:
        return stamp(shown, pattern)
    return out_of_range(value)


def out_of_range(value: datetime) -> str:
    """'0001-01-01 UTC': a time at an end of the range, as text (no zone can move it)."""
    utc = in_zone(value, timezone.utc) if value.tzinfo is not None else value
    return f"{stamp(utc, '%Y-%m-%d')} UTC" if utc is not None else value.isoformat()
