"""A server that sends numbers no float holds, dates at the ends of the range, and a licence type
made to push "Expired" out of sight: the sessions screen and the pulse show them as given (or cut
with an ellipsis), never an exception. The simulator's answers, rewritten on their way out, over
HTTPS on loopback."""

from __future__ import annotations

import json
import re
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from vbotui.api.client import VboClient
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.ui.app import VboApp
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.pulse import PulseScreen

from ..helpers.tls import self_signed, serve_https
from .conftest import main_loaded, wait_until

HUGE = 10**400  # 401 digits: float(HUGE) raises OverflowError
YEAR_1 = "0001-01-01T00:00:00"
YEAR_9999 = "9999-12-31T23:59:59.9999999"
HOSTILE_TYPE = "\x1b]0;pwned\x07\x1b[2J\u202e" + "Subscription " * 40
Json = Any


def rewriting(app: Any, rewrite: Callable[[str, Json], Json]) -> Any:
    """`app` (ASGI), its JSON answers passed through `rewrite(path, data)` on their way out."""

    async def hostile(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body = bytearray()

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                body.extend(message.get("body", b""))

        await app(scope, receive, keep)
        out = bytes(body)
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        if any(k.lower() == b"content-type" and b"json" in v for k, v in headers) and out:
            out = json.dumps(rewrite(scope["path"], json.loads(out))).encode()
        headers.append((b"content-length", str(len(out)).encode()))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": out})

    return hostile


def edge_values(job_id: str) -> Callable[[str, Json], Json]:
    """The sessions of `job_id`: 400-digit bytes and rates, years 1 and 9999; repositories: 400-digit
    free space; the licence: expired, a long type full of escapes, an expiry in year 9999."""

    def rewrite(path: str, data: Json) -> Json:
        if path.endswith("JobSessions") and isinstance(data, dict):
            sessions = [item for item in data["results"] if item.get("jobId") == job_id]
            for number, session in enumerate(sessions):
                session["statistics"]["transferredDataBytes"] = HUGE
                session["statistics"]["processingRateBytesPS"] = HUGE
                session["statistics"]["processedObjects"] = HUGE
                session["creationTime"] = YEAR_1 if number % 2 else YEAR_9999
                session["endTime"] = YEAR_9999
        elif path.endswith("/BackupRepositories"):
            for repository in data["results"]:
                repository["freeSpaceBytes"] = HUGE
        elif path.endswith("/License"):
            data.update(status="Expired", type=HOSTILE_TYPE, usedNumber=HUGE, licenseExpires=YEAR_9999)
        return data

    return rewrite


def screen_text(pilot: Pilot[Any]) -> str:
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


@pytest.fixture(params=["America/New_York", "Asia/Tokyo"])
def edge_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A zone that moves year 1 (New York) or year 9999 (Tokyo) out of what datetime holds."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def hostile_server(tmp_path: Path) -> Iterator[tuple[Simulator, str, ssl.SSLContext, str]]:
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    sim = Simulator(SimConfig(jobs=30, seed=3, clock=clock))
    # A job far from the list's first rows: the detail pane (and its read-ahead) never reads it.
    ordered = sorted(sim.jobs.values(), key=lambda job: job.name.lower())
    job_id = next(job.id for job in ordered[15:] if job.last_run is not None)
    cert = self_signed(tmp_path, "vbo")
    with serve_https(rewriting(sim.app, edge_values(job_id)), cert) as port:
        yield sim, f"https://127.0.0.1:{port}", ssl.create_default_context(cafile=str(cert.cert)), job_id


async def hostile_app(url: str, context: ssl.SSLContext) -> tuple[VboApp, VboClient]:
    client = VboClient(url, "v8", verify=context)
    await client.sign_in("admin", "secret")
    clock = ManualClock(datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc))
    return VboApp(client, url, clock=clock, monotonic=lambda: 0.0, refresh_s=3600), client


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_sessions_show_huge_numbers_and_edge_dates_as_given(
    hostile_server: tuple[Simulator, str, ssl.SSLContext, str], edge_zone: str, size: tuple[int, int]
) -> None:
    sim, url, context, job_id = hostile_server
    app, client = await hostile_app(url, context)
    async with app.run_test(size=size) as pilot:
        main = await main_loaded(pilot)
        await app.push_screen(JobSessionsScreen(main.ops, main.jobs.jobs[job_id]))
        await wait_until(
            pilot, lambda: isinstance(app.screen, JobSessionsScreen) and app.screen.loaded, "the sessions"
        )
        await pilot.pause()
        text = screen_text(pilot)
        assert "10000000000…" in text, text  # the digits as given, cut
        screen = app.screen
        assert isinstance(screen, JobSessionsScreen)
        rates = {screen.query_one(DataTable).get_cell(key, "rate").plain for key in screen.sessions}
        assert rates == {"10000000000… B/s"}, rates  # past the screen's edge: the table's own cell
        # The time the zone cannot hold as sent (in UTC, said so); the other in the zone.
        if edge_zone == "America/New_York":
            assert "0001-01-01 00:00 UTC" in text and "9999-12-31 18:59" in text, text
        else:
            assert "9999-12-31 23:59 UTC" in text and "0001-01-01 09:18" in text, text
        assert "sessions, newest first" in text, text
    await client.aclose()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_pulse_keeps_expired_in_sight_whatever_the_server_sends(
    hostile_server: tuple[Simulator, str, ssl.SSLContext, str], edge_zone: str, size: tuple[int, int]
) -> None:
    sim, url, context, _ = hostile_server
    app, client = await hostile_app(url, context)
    async with app.run_test(size=size) as pilot:
        await main_loaded(pilot)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse")
        await pilot.pause()
        text = screen_text(pilot)
        licence = next(line for line in text.splitlines() if "Licence" in line)
        assert "Expired" in licence, text
        assert "\x1b" not in text and "^[]0;pwned^G" in licence, licence  # cleaned, shown
        assert "expires 9999-12-31" in text, text  # in the zone, or as sent when no zone holds it
        assert re.search(r"Repositories (\d+), \1 OK", text), text  # free space past any float
    await client.aclose()


def licence_only(path: str, data: Json) -> Json:
    if path.endswith("/License"):
        data.update(status="Expired", type=HOSTILE_TYPE)
    return data


async def test_a_long_licence_type_alone_leaves_expired_in_sight(tmp_path: Path, utc_tz: None) -> None:
    sim = Simulator(SimConfig(jobs=10, seed=3))
    cert = self_signed(tmp_path, "vbo")
    with serve_https(rewriting(sim.app, licence_only), cert) as port:
        url = f"https://127.0.0.1:{port}"
        app, client = await hostile_app(url, ssl.create_default_context(cafile=str(cert.cert)))
        async with app.run_test(size=(80, 24)) as pilot:
            await main_loaded(pilot)
            await pilot.press("p")
            await wait_until(
                pilot, lambda: isinstance(app.screen, PulseScreen) and app.screen.loaded, "pulse"
            )
            await pilot.pause()
            text = screen_text(pilot)
            licence = next(line for line in text.splitlines() if "Licence" in line)
            assert "Expired" in licence, text
            assert "Subscription Subscription Subscription" not in text, text  # bounded
        await client.aclose()
