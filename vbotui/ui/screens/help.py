"""`?`: every key and what it does (DESIGN.md's key table, plus sorting)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_HELP: tuple[tuple[str, str], ...] = (
    ("j / k, down / up", "move down / up in the job list"),
    ("g / G", "first / last job"),
    ("PgUp / PgDn", "page up / down"),
    ("/", "filter: words match name or organization; status:failed, org:contoso, enabled:no; "
     "a leading ! negates; enter keeps, esc clears"),
    ("space", "mark / unmark the job under the cursor"),
    ("*", "mark every job the filter shows; again to unmark them"),
    ("e", "enable the marked jobs, else the one under the cursor"),
    ("d", "disable (asks first)"),
    ("s", "start (asks first for more than one job)"),
    ("x", "stop (asks first)"),
    ("o", "explore: open a restore session for the job under the cursor"),
    ("R", "restore sessions: list them, stop one with x"),
    ("> / <", "sort by the next column / reverse the order"),
    ("ctrl+r", "refresh now (jobs and organizations)"),
    ("?", "this help"),
    (": / ctrl+p", "command palette: every action, and jump to a job by name"),
    ("q / ctrl+q", "quit (offers to stop restore sessions started here that still work)"),
    ("R screen: x", "stop the restore session under the cursor (asks first)"),
    ("R screen: ctrl+r", "refresh the restore sessions now"),
    ("R screen: esc / q", "back to the job list"),
    ("in a dialog", "y confirms; n or esc cancels; the default is No"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        for key, does in KEY_HELP:
            table.add_row(key, does)
        with VerticalScroll(id="help-dialog"):
            yield Static("Keys  (esc, q or ? closes)", id="help-title")
            yield Static(table, id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
