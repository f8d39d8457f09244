"""No exception in a worker ends the app: it is a short line in the status panel, and its traceback
goes to the debug log only with --debug, with tokens and passwords redacted."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from vbotui import debuglog
from vbotui.ui.screens.main import MainScreen

from .conftest import AppFactory, loaded, panel_text, wait_until


@pytest.fixture
def quiet_logging() -> Iterator[None]:
    yield
    debuglog.silence()
    logging.getLogger("vbotui").setLevel(logging.NOTSET)


def test_redact_hides_tokens_passwords_and_given_secrets() -> None:
    text = (
        "Authorization: Bearer eyJ.abc.def grant_type=refresh_token&refresh_token=r3fr3sh "
        '{"access_token": "acc3ss", "password": "hunter2"} password=s3cret and the env one: VeryS3cret'
    )
    out = debuglog.redact(text, ["VeryS3cret"])
    for secret in ("eyJ.abc.def", "r3fr3sh", "acc3ss", "hunter2", "s3cret", "VeryS3cret"):
        assert secret not in out
    assert out.count(debuglog.REDACTED) == 6


async def test_a_worker_exception_is_reported_and_the_app_goes_on(
    make_app: AppFactory, tmp_path: Path, quiet_logging: None
) -> None:
    path = debuglog.configure(tmp_path / "state" / "vbotui" / "debug.log", env={"VBOTUI_PASSWORD": "pw-XYZ"})
    app = await make_app()

    async def broken() -> None:
        raise RuntimeError("boom with Bearer tok-123 and pw-XYZ")

    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        worker = app.run_worker(broken(), description="a broken task", exit_on_error=False)
        await wait_until(pilot, lambda: worker.is_finished, "the worker")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running
        panel = panel_text(pilot)
        assert "a broken task failed: RuntimeError" in panel
        assert "tok-123" not in panel and "[redacted]" in panel
    logged = path.read_text()
    assert "Traceback" in logged and "RuntimeError" in logged
    assert "tok-123" not in logged and "pw-XYZ" not in logged
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_without_debug_nothing_is_written_or_printed(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str], quiet_logging: None
) -> None:
    debuglog.silence()
    app = await make_app()

    async def broken() -> None:
        raise RuntimeError("boom")

    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        worker = app.run_worker(broken(), description="a broken task", exit_on_error=False)
        await wait_until(pilot, lambda: worker.is_finished, "the worker")
        await pilot.pause()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "boom" not in captured.err
