"""Export the jobs the filter shows (`w`, or the palette): the fields of `vbotui jobs --output`.

The dialog asks for a path, prefilled with `<download folder>/vbotui-jobs-<profile>-<time>.csv`
(config.download_folder); `.json` writes one JSON document, anything else CSV (cells a spreadsheet
would take for a formula start with '), both through `vbotui.commands.output` with the records of
`vbotui.commands.records` (the same fields, names and values as the one-shot command). The file is
created 0600 (job names are the customer's) under a temporary name and then linked to its name:
complete or absent, never over an existing file, never through a symbolic link (a dangling one
included); a missing folder is made 0700.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from vbotui.api.models import Job
from vbotui.commands.output import write_csv, write_json
from vbotui.commands.records import JOB_FIELDS, job_fields
from vbotui.privatefiles import create_private_file
from vbotui.words import counted

from .actions import bindings_for
from .safe_text import clean
from .screens.base import AppScreen
from .typeahead import TypeaheadInput


def export_format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "csv"


def export_path(folder: Path, profile: str, when: datetime) -> Path:
    """`<folder>/vbotui-jobs-<profile>-<YYYYmmdd-HHMM>.csv`; the profile's name made a file name."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", profile).strip("._") or "vbotui"
    return folder / f"vbotui-jobs-{name}-{when.astimezone().strftime('%Y%m%d-%H%M')}.csv"


def export_jobs(jobs: Sequence[Job], org_name: Callable[[Job], str], path: Path) -> str:
    """Write `jobs` to `path` (a new file, 0600); returns the format written. OSError when it cannot."""
    records = [job_fields(job, org_name(job)) for job in jobs]
    out = io.StringIO()
    kind = export_format(path)
    if kind == "json":
        write_json(records, out)
    else:
        write_csv(records, JOB_FIELDS, out)
    create_private_file(path, out.getvalue())
    return kind


def export_done(count: int, path: Path, kind: str) -> str:
    """The line that says where the export is: the whole path."""
    return f"{counted(count, 'job')} written to {path.absolute()} ({kind})"


class ExportDialog(AppScreen, ModalScreen[Path | None]):
    """Asks for the file: Enter writes (the caller does), esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("export")

    def __init__(self, count: int, default: str) -> None:
        super().__init__()
        self.count = count
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            what = "the 1 job" if self.count == 1 else f"the {self.count} jobs"
            yield Static(Text(f"Export {what} the filter shows", style="bold"))
            yield Static("File (.json: JSON, anything else: CSV; the fields of vbotui jobs --output):")
            yield TypeaheadInput(clean(self.default), id="export-path")
            yield Static("", id="export-error")
            yield Static(Text("enter write   esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.show_error("Type a file name.")
            return
        path = Path(text).expanduser()
        if path.exists():
            self.show_error(f"{clean(str(path))} exists: choose another name (nothing is overwritten).")
            return
        self.dismiss(path)

    def show_error(self, text: str) -> None:
        self.query_one("#export-error", Static).update(Text(text, style="bold"))

    def action_cancel(self) -> None:
        self.dismiss(None)
