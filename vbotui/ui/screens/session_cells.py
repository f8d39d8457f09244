"""A job session as a row of cells: times in the app's zone, sizes and rates in three digits,
server text cleaned (the job sessions screen and the pulse use them)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text

from vbotui.api.models import JobSession
from vbotui.timetext import in_zone

from ..safe_text import cut, safe_text

COLUMNS = (
    "start",
    "end",
    "duration",
    "status",
    "type",
    "retries",
    "objects",
    "transferred",
    "rate",
    "bottleneck",
)
NARROW_COLUMNS = ("start", "duration", "status", "type", "objects", "transferred", "rate")
KINDS = {"full": "full", "incremental": "incremental"}
NARROW_KINDS = {"full": "full", "incremental": "incr"}
STATUS_STYLES = {"failed": "bold red", "warning": "yellow", "running": "bold green", "stopped": "dim"}


BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB", "EB")
# Past this many bytes no unit says it (a float cannot even hold 400 digits): the digits as given.
HUGE_BYTES = 1000 * 1024 ** (len(BYTE_UNITS) - 1)
NUMBER_WIDTH = 12  # a count or a size that long is cut with an ellipsis, not let widen its column


def as_given(number: int) -> str:
    """A number as the server gave it, cut with an ellipsis past NUMBER_WIDTH cells."""
    return cut(str(number), NUMBER_WIDTH)


def human_bytes(count: int | None) -> str:
    """Three significant digits at most ("1.6 MB", "273 KB"), so that a rate fits 80 columns."""
    if count is None:
        return "-"
    if abs(count) >= HUGE_BYTES:
        return f"{as_given(count)} B"
    value = float(count)
    unit = BYTE_UNITS[0]
    for unit in BYTE_UNITS:
        if abs(value) < 1000 or unit == BYTE_UNITS[-1]:
            break
        value /= 1024
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"


def duration_text(session: JobSession, now: datetime) -> str:
    if session.creation_time is None:
        return "-"
    end = session.end_time or (now if session.is_running else None)
    if end is None:
        return "-"
    seconds = max(0, int((end - session.creation_time).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def cell_stamp(value: datetime, *, date: bool = True, year: bool = True) -> str:
    """ "2024-05-06 09:30", "05-06 09:30" or "09:30": the table's short forms, four-digit years
    always (timetext.stamp is the general one; a column wants these three)."""
    clock = f"{value.hour:02d}:{value.minute:02d}"
    if not date:
        return clock
    day = f"{value.month:02d}-{value.day:02d}"
    return f"{value.year:04d}-{day} {clock}" if year else f"{day} {clock}"


def as_sent(value: datetime) -> str:
    """A time the display zone cannot hold, as the server sent it (UTC, said so)."""
    zone = value.tzname() or ""
    return f"{cell_stamp(value)} {zone}".rstrip()


def local_time(value: datetime | None, zone: tzinfo) -> str:
    if value is None:
        return "-"
    shown = in_zone(value, zone)
    return as_sent(value) if shown is None else cell_stamp(shown)


def local_date(value: datetime, zone: tzinfo) -> str:
    """The date in `zone` ("2025-02-20"), or the time as sent when the zone cannot hold it."""
    shown = in_zone(value, zone)
    return as_sent(value) if shown is None else cell_stamp(shown)[:10]


def end_time(session: JobSession, zone: tzinfo) -> str:
    """The end, without the date it shares with the start (the row then fits 120 columns)."""
    if session.end_time is None or session.creation_time is None:
        return local_time(session.end_time, zone)
    end, start = in_zone(session.end_time, zone), in_zone(session.creation_time, zone)
    if end is None or start is None:
        return local_time(session.end_time, zone)
    if end.date() == start.date():
        return cell_stamp(end, date=False)
    return cell_stamp(end, year=end.year != start.year)


def session_cells(
    session: JobSession, now: datetime, zone: tzinfo, columns: tuple[str, ...] = COLUMNS
) -> list[Text]:
    stats = session.statistics
    status = session.status or "-"
    objects = stats.processed_objects if stats.processed_objects is not None else session.progress
    # Narrow, "incr" leaves the rate its room.
    kinds = KINDS if "bottleneck" in columns else NARROW_KINDS
    kind = kinds.get((session.config_type or "").lower(), "-")
    cells = {
        "start": Text(local_time(session.creation_time, zone)),
        "end": Text(
            "running" if session.is_running and session.end_time is None else end_time(session, zone)
        ),
        "duration": Text(duration_text(session, now)),
        "status": safe_text(status, style=STATUS_STYLES.get(status.lower(), ""), width=NUMBER_WIDTH),
        "type": Text(kind),
        "retries": Text("-" if session.retry_count is None else as_given(session.retry_count)),
        "objects": Text("-" if objects is None else as_given(objects)),
        "transferred": Text(human_bytes(stats.transferred_bytes)),
        "rate": Text(
            f"{human_bytes(stats.processing_rate_bytes)}/s"
            if stats.processing_rate_bytes is not None
            else "-"
        ),
        "bottleneck": safe_text(stats.bottleneck or "-", width=20),
    }
    return [cells[key] for key in columns]
