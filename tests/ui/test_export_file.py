"""The `w` export's file: never through a symbolic link (a dangling one too), 0600 in a folder made
0700, CSV neutralised for spreadsheets; the download folder (--download-dir, VBOTUI_DOWNLOAD_DIR,
the profile's download_dir, the Downloads folder) and the dialog prefilled with a file in it."""

from __future__ import annotations

import csv
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from vbotui.api.models import Job
from vbotui.config import download_folder, load_config
from vbotui.ui.export import ExportDialog, export_done, export_jobs, export_path

from .conftest import AppFactory, loaded, panel_text, wait_until


def a_job(name: str = "Mailboxes") -> Job:
    return Job.from_json({"id": "3396ba22-21b1-4666-a631-0edfc12a59cd", "name": name, "isEnabled": True})


def test_the_export_never_writes_through_a_dangling_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "authorized_keys"
    target.parent.mkdir()
    link = tmp_path / "jobs.csv"
    link.symlink_to(target)  # dangling: the target does not exist
    with pytest.raises(FileExistsError):
        export_jobs([a_job()], lambda job: "contoso", link)
    assert not target.exists() and link.is_symlink()
    existing = tmp_path / "old.csv"
    existing.write_text("keep")
    with pytest.raises(FileExistsError):
        export_jobs([a_job()], lambda job: "contoso", existing)
    assert existing.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "jobs.csv", "old.csv"]


def test_without_hard_links_the_export_still_never_follows_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on FAT or some network shares

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "target"
    link = tmp_path / "jobs.csv"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        export_jobs([a_job()], lambda job: "contoso", link)
    assert not target.exists()
    path = tmp_path / "fresh.csv"
    export_jobs([a_job()], lambda job: "contoso", path)
    assert path.stat().st_mode & 0o777 == 0o600 and "Mailboxes" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.csv", "jobs.csv"]  # no temporary left


def test_the_export_makes_a_missing_folder_0700_and_neutralises_formulas(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "jobs.csv"
    assert export_jobs([a_job('=HYPERLINK("http://x","y")')], lambda job: "contoso", path) == "csv"
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    rows = list(csv.DictReader(path.open(newline="")))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x","y")'


def test_the_download_folder_is_the_flag_then_the_variable_then_the_profile_then_downloads() -> None:
    env = {"VBOTUI_DOWNLOAD_DIR": "/from/env"}
    assert download_folder("/from/flag", "/from/profile", env) == Path("/from/flag")
    assert download_folder(None, "/from/profile", env) == Path("/from/env")
    assert download_folder(None, "/from/profile", {}) == Path("/from/profile")
    assert download_folder(None, "~/x", {}) == Path.home() / "x"
    assert download_folder(None, None, {}) == Path(platformdirs.user_downloads_dir())


def test_a_profile_may_name_its_download_dir(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.p]\nurl = "https://vbo.example:4443"\ndownload_dir = "~/exports"\n')
    loaded = load_config(config)
    assert loaded.errors == [] and loaded.profiles["p"].download_dir == "~/exports"


def test_the_file_name_and_the_done_line() -> None:
    when = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
    name = export_path(Path("/d"), "http://vbo01:4443", when).name
    assert name.startswith("vbotui-jobs-http_vbo01_4443-") and name.endswith(".csv")
    assert name == f"vbotui-jobs-http_vbo01_4443-{when.astimezone():%Y%m%d-%H%M}.csv"
    assert export_done(1, Path("a.csv"), "csv") == f"1 job written to {Path.cwd() / 'a.csv'} (csv)"
    assert export_done(2, Path("/x/a.json"), "json") == "2 jobs written to /x/a.json (json)"


async def test_w_is_prefilled_with_a_file_in_the_download_folder(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "downloads"  # missing: made 0700 when the file is written
    monkeypatch.setenv("VBOTUI_DOWNLOAD_DIR", str(folder))
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        box: Any = app.screen.query_one("#export-path")
        expected = export_path(folder, "sim.test", screen.ops.clock())
        assert box.value == str(expected)
        await pilot.press("enter")
        await wait_until(pilot, expected.exists, "the file")
        assert folder.stat().st_mode & 0o777 == 0o700 and expected.stat().st_mode & 0o777 == 0o600
        await wait_until(pilot, lambda: str(expected) in panel_text(pilot), "the done line")
        count = len(screen.jobs.visible_ids())
        assert f"{count} jobs written to {expected} (csv)" in panel_text(pilot)


async def test_download_dir_given_to_the_app_wins_over_the_variable(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VBOTUI_DOWNLOAD_DIR", str(tmp_path / "env"))
    app = await make_app(download_dir=str(tmp_path / "flag"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        box: Any = app.screen.query_one("#export-path")
        assert Path(box.value).parent == tmp_path / "flag"


async def test_the_dialog_counts_one_job_in_the_singular(make_app: AppFactory) -> None:
    from textual.widgets import Static

    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        for count, words in (
            (1, "Export the 1 job the filter shows"),
            (2, "Export the 2 jobs the filter shows"),
        ):
            await app.push_screen(ExportDialog(count, "/tmp/x.csv"))
            await pilot.pause()
            texts = [str(static.render()) for static in app.screen.query(Static)]
            assert words in texts, texts
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog), "the dialog closed")
