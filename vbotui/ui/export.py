"""Export the jobs the filter shows (`w`, or the palette): the fields of `vbotui jobs --output`.

The dialog asks for a path; `.json` writes one JSON document, anything else CSV, both through
`vbotui.commands.output` with the records of `vbotui.commands.records` (the same fields, names and
values as the one-shot command). The file is created 0600 (job names are the customer's), never
over an existing one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
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

from .actions import bindings_for
from .safe_text import clean
from .screens.base import AppScreen
from .typeahead import TypeaheadInput


def export_format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "csv"


def export_jobs(jobs: Sequence[Job], org_name: Callable[[Job], str], path: Path) -> str:
    """Write `jobs` to `path` (a new file, 0600); returns the format written. OSError when it cannot."""
    records = [job_fields(job, org_name(job)) for job in jobs]
    out = io.StringIO()
    kind = export_format(path)
    if kind == "json":
        write_json(records, out)
    else:
        write_csv(records, JOB_FIELDS, out)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
        file.write(out.getvalue())
    return kind


class ExportDialog(AppScreen, ModalScreen[Path | None]):
    """Asks for the file: Enter writes (the caller does), esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("export")

    def __init__(self, count: int, default: str) -> None:
        super().__init__()
        self.count = count
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(Text(f"Export the {self.count} jobs the filter shows", style="bold"))
            yield Static("File (.json: JSON, anything else: CSV; the fields of vbotui jobs --output):")
            yield TypeaheadInput(self.default, id="export-path")
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
