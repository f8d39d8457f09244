"""The point-in-time parser: each form, the errors, and properties over generated input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbotui.timeparse import PointInTime, TimeParseError, parse_point_in_time

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+2 on NOW
UTC = timezone.utc
ZONES: list[tzinfo] = [
    UTC,
    BERLIN,
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Chatham"),
    timezone(timedelta(hours=-9, minutes=-30)),
]


def parse(text: str, local_tz: tzinfo = BERLIN) -> PointInTime:
    return parse_point_in_time(text, now=NOW, local_tz=local_tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-04-12T10:54:40.2794046Z", datetime(2019, 4, 12, 10, 54, 40, 279404, tzinfo=UTC)),
        ("2019-04-12t10:54:40z", datetime(2019, 4, 12, 10, 54, 40, tzinfo=UTC)),
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-05-01T10:00-0530", datetime(2024, 5, 1, 15, 30, tzinfo=UTC)),
        ("2024-05-01T10:00:00 UTC", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        # No zone: the operator's local time (Berlin is UTC+2 in May, UTC+1 in January).
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-05-01 10:00", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-01-15 10:00:30", datetime(2024, 1, 15, 9, 0, 30, tzinfo=UTC)),
        ("2024.05.01 10:00:00", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 4, 30, 22, 0, tzinfo=UTC)),
        ("  -2h ", NOW - timedelta(hours=2)),
        ("-3d", NOW - timedelta(days=3)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-1w", NOW - timedelta(weeks=1)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("-1d12h", NOW - timedelta(days=1, hours=12)),
        ("-1D 12H", NOW - timedelta(days=1, hours=12)),
        ("now", NOW),
    ],
)
def test_each_form_gives_aware_utc(text: str, expected: datetime) -> None:
    result = parse(text)
    assert result.value == expected
    assert result.value.utcoffset() == timedelta(0)
    assert not result.is_latest


def test_latest_is_now_and_flagged() -> None:
    for text in ("latest", "LATEST", " Latest "):
        result = parse(text)
        assert result.is_latest
        assert result.value == NOW


def test_now_in_another_zone_is_converted() -> None:
    berlin_now = NOW.astimezone(BERLIN)
    assert parse_point_in_time("-1h", now=berlin_now, local_tz=BERLIN).value == NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "0000-01-01",
        "0001-01-01T00:00+02:00",
        "2024-13-01",
        "2024-02-30 10:00",
        "2024-05-01 25:00",
        "2024-05-01T10:00+24:00",
        "2024-05-01T10:00+02:60",
        "-99999999d",
        "-999999999w",
        "-" + "9" * 5000 + "d",
        "9" * 100,
        "+2h",
        "-2",
        "-h",
        "2h",
        "\x00",
        "2024-05-01\x0010:00",
        "\u0661\u0662\u0663\u0664-01-01",  # Arabic-Indic digits
        "２０２４-05-01",  # fullwidth digits
        "-\u0663d",
        "2024-05-01T10:00:00.1234567890Z",
        "\x1b[2J",
    ],
)
def test_bad_input_raises_time_parse_error(text: str) -> None:
    with pytest.raises(TimeParseError) as info:
        parse(text)
    message = str(info.value)
    assert message and "\x00" not in message and "\x1b" not in message


@given(st.text(max_size=80))
def test_any_text_gives_a_value_or_time_parse_error(text: str) -> None:
    try:
        result = parse(text)
    except TimeParseError as err:
        assert str(err)
    else:
        assert result.value.tzinfo is not None and result.value.utcoffset() == timedelta(0)


# Strings that look almost like the accepted forms, to reach deep into the parser.
near_misses = st.from_regex(
    r"\A[-+ ]?[0-9\u0660-\u0669]{0,12}[-.:tTzZ ]?[0-9]{0,10}[-.:wdhmsWDHMS ]?[0-9]{0,6}"
    r"[-.:+zZ ]?[0-9]{0,4}\Z"
)


@given(near_misses, st.sampled_from(ZONES))
def test_near_misses_give_a_value_or_time_parse_error(text: str, zone: tzinfo) -> None:
    try:
        result = parse(text, zone)
    except TimeParseError as err:
        assert str(err)
    else:
        assert result.value.tzinfo is not None and result.value.utcoffset() == timedelta(0)


datetimes = st.datetimes(min_value=datetime(1901, 1, 2), max_value=datetime(9998, 12, 30))


@given(datetimes)
def test_round_trip_iso_utc_with_seven_fraction_digits(value: datetime) -> None:
    text = value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "7Z"  # .NET writes 7 digits
    assert parse(text).value == value.replace(tzinfo=UTC)


@given(datetimes, st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59))
def test_round_trip_iso_with_offset(value: datetime, offset_minutes: int) -> None:
    aware = value.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assert parse(aware.isoformat()).value == aware


@given(datetimes, st.sampled_from(ZONES))
def test_round_trip_naive_iso_is_local(value: datetime, zone: tzinfo) -> None:
    expected = value.replace(tzinfo=zone).astimezone(UTC)
    assert parse(value.isoformat(), zone).value == expected


@given(datetimes, st.sampled_from(ZONES), st.booleans())
def test_round_trip_local_minutes_and_seconds(value: datetime, zone: tzinfo, with_seconds: bool) -> None:
    value = value.replace(microsecond=0, second=value.second if with_seconds else 0)
    text = value.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")
    result = parse(text, zone)
    assert result.value == value.replace(tzinfo=zone).astimezone(UTC)


@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
)
def test_round_trip_relative(weeks: int, days: int, hours: int, minutes: int) -> None:
    text = f"-{weeks}w{days}d{hours}h{minutes}m"
    expected = NOW - timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    assert parse(text).value == expected
