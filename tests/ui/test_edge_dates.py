"""Dates at the ends of the range (a job never run: year 1; a schedule without end: year 9999) in a
zone west or east of UTC fall outside what a datetime holds: shown as text, never a crash; written
with four-digit years."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbotui.api.models import LogItem, format_time, parse_time
from vbotui.commands.output import iso_utc
from vbotui.commands.table import table_value
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.timetext import out_of_range, stamp, zoned_text
from vbotui.ui.app import VboApp
from vbotui.ui.screens.explore import format_utc
from vbotui.ui.screens.restore_sessions import format_local, format_short
from vbotui.ui.screens.session_log import log_line
from vbotui.ui.widgets.job_index import YearWindow, format_when

from .conftest import SIM_PASSWORD, SIM_USER, loaded, new_client

YEAR_1 = datetime(1, 1, 1, tzinfo=timezone.utc)
YEAR_9999 = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
utc_times = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
).map(lambda value: value.replace(tzinfo=timezone.utc))
edges = st.sampled_from([YEAR_1, YEAR_9999, YEAR_1 + timedelta(hours=13), YEAR_9999 - timedelta(hours=13)])
zones = st.one_of(
    st.timezones(), st.just(timezone(timedelta(hours=14))), st.just(timezone(timedelta(hours=-12)))
)


@given(value=st.one_of(edges, utc_times), zone=zones)
def test_any_time_in_any_zone_is_text_with_a_four_digit_year(value: datetime, zone: Any) -> None:
    window = YearWindow.of(datetime(2024, 5, 6, tzinfo=timezone.utc), zone)
    for text in (
        format_when(value, window),
        format_when(value, zone=zone),
        zoned_text(value, zone, "%Y-%m-%d"),
    ):
        assert text[:4].isdigit() or text[2] == "-"  # "YYYY-..." or the window's "MM-DD ..."
        assert len(text) <= 16  # the date column's full width
    written = format_time(value)
    assert len(written.split("-")[0]) == 4 and parse_time(written) == value
    assert iso_utc(value)[:4] == f"{value.year:04d}"


def test_the_ends_of_the_range_where_the_zone_cannot_hold_them() -> None:
    new_york, tokyo = timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))
    assert format_when(YEAR_1, zone=new_york) == "0001-01-01 UTC"
    assert format_when(YEAR_9999, zone=tokyo) == "9999-12-31 UTC"
    assert format_when(YEAR_1, zone=tokyo) == "0001-01-01 09:00"
    assert format_time(YEAR_1) == "0001-01-01T00:00:00.000000Z"
    assert iso_utc(YEAR_1) == "0001-01-01T00:00:00Z"
    assert stamp(YEAR_1, "%Y") == "0001"


@pytest.fixture(params=["America/New_York", "Asia/Tokyo"])
def zone_name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The computer's zone, west or east of UTC."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_the_one_shot_table_writes_them_as_text(zone_name: str) -> None:
    west = zone_name == "America/New_York"  # (year 1 in Tokyo is local mean time, +9:18:59)
    assert table_value(YEAR_1, utc=False).startswith("0001-01-01 UTC" if west else "0001-01-01 09:")
    assert table_value(YEAR_9999, utc=False) == ("9999-12-31 18:59" if west else "9999-12-31 UTC")
    assert table_value(YEAR_1, utc=True) == "0001-01-01 00:00Z"


async def test_the_app_paints_a_job_list_with_edge_dates(zone_name: str) -> None:
    clock = ManualClock()
    sim = Simulator(SimConfig(jobs=40, seed=7, data=("edge",), clock=clock))
    client = new_client(sim)
    await client.sign_in(SIM_USER, SIM_PASSWORD)
    app = VboApp(client, "sim.test", clock=clock, monotonic=lambda: 0.0, refresh_s=3600.0)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            screen = await loaded(pilot)
            edge = [job for job in screen.jobs.jobs.values() if "(edge:" in job.name]
            assert len(edge) == 5
            cells = {
                job.name.split("(edge: ")[1]: [
                    screen.jobs.get_cell(job.id, key).plain for key in ("last_run", "next_run")
                ]
                for job in edge
            }
            west = zone_name == "America/New_York"
            assert cells["lastRun year 1, no zone)"][0].startswith(
                "0001-01-01 UTC" if west else "0001-01-01 09:"
            )
            assert cells["nextRun year 9999)"][1] == ("9999-12-31 18:59" if west else "9999-12-31 UTC")
            assert cells["year 9999 west of UTC)"][1] == "-"  # past year 9999 in UTC: no time at all
            for job in edge:  # the detail pane of each
                screen.jobs.move_to(job.id)
                await pilot.pause()
            assert app.return_code is None and app.is_running
    finally:
        await client.aclose()


@pytest.mark.parametrize("zone_name", ["America/New_York", "Asia/Tokyo"])
def test_the_log_restore_sessions_and_explore_screens_write_edge_dates_as_text(zone_name: str) -> None:
    """A session, log line or restore session dated at an end of the range is text on those screens
    too: moved into a zone west (year 1) or east (year 9999) of UTC it has no datetime."""
    zone = ZoneInfo(zone_name)
    west = zone_name == "America/New_York"
    edge = YEAR_1 if west else YEAR_9999
    line = log_line(LogItem(id="1", title="[Error] item size exceeded", creation_time=edge), zone).plain
    assert line.startswith(f"{edge:%Y-%m-%d} UTC  [Error]".replace("1-01-01", "0001-01-01"))
    assert format_local(edge, zone) == out_of_range(edge)
    assert format_short(edge, zone, 2024) == out_of_range(edge)
    assert format_utc(YEAR_1) == "0001-01-01 00:00:00 UTC"
    # A time the zone can hold keeps its usual form, with a four-digit year.
    inside = YEAR_1 + timedelta(days=1)
    assert format_short(inside, zone, 2024).startswith("0001-01-0")
