"""Ask before stop, disable and any action on more than one job. The default is No."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..safe_text import clean

SHOWN_NAMES = 8


class ConfirmScreen(ModalScreen[bool]):
    """`y` confirms; `n`, `esc` or enter on the focused "No" cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n", "answer(False)", "No", id="confirm-no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm-cancel"),
    ]

    def __init__(self, action: str, job_names: Sequence[str]) -> None:
        super().__init__()
        self.action = action
        self.job_names = list(job_names)

    def compose(self) -> ComposeResult:
        count = len(self.job_names)
        noun = "job" if count == 1 else "jobs"
        body = Text()
        body.append(f"{self.action.capitalize()} {count} {noun}?\n\n", style="bold")
        for name in self.job_names[:SHOWN_NAMES]:
            body.append(f"  {clean(name)}\n")
        if count > SHOWN_NAMES:
            body.append(f"  ... and {count - SHOWN_NAMES} more\n", style="dim")
        body.append("\ny = yes   n / esc = no", style="dim")
        with Vertical(id="confirm-dialog"):
            yield Static(body, id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button("No", id="no", variant="primary")
                yield Button(f"Yes, {self.action}", id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
