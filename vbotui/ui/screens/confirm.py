"""The one yes/no dialog: stop, disable, any action on more than one job, stopping a restore session.

The default is No (focused, so Enter answers No); `y` confirms, `n` or `esc` cancels (the keys of
the active keymap: `confirm.yes`, `confirm.no`, `confirm.cancel`). Server text (job names, session
descriptions) is cleaned; at most SHOWN_NAMES names are listed, and the buttons are docked at the
bottom of the dialog, so they stay on screen for any name length (the text is cut instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..actions import active_keymap, bindings_for, keys_display
from ..safe_text import clean
from .base import AppScreen

SHOWN_NAMES = 8


class ConfirmDialog(AppScreen, ModalScreen[bool]):
    """Ask `title`; list `lines` (server text, cleaned; at most SHOWN_NAMES); dismiss with the answer."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("confirm")

    def __init__(
        self,
        title: str | Text,
        lines: Sequence[str] = (),
        *,
        note: str | Text = "",
        yes: str = "Yes",
        title_style: str = "bold",
    ) -> None:
        """`title` as str is cleaned here; as Text it must already be safe (built with safe_text)."""
        super().__init__()
        self.title_text = title if isinstance(title, Text) else Text(clean(title), style=title_style)
        self.lines = list(lines)
        self.note = note
        self.yes_label = yes

    def hint(self) -> str:
        keymap = active_keymap(self.app)
        no = " / ".join(keys_display(binding_id, keymap) for binding_id in ("confirm.no", "confirm.cancel"))
        return f"{keys_display('confirm.yes', keymap)} = yes   {no} = no"

    def body(self) -> Text:
        body = Text()
        body.append_text(self.title_text)
        body.append("\n\n", style=self.title_text.style)
        for name in self.lines[:SHOWN_NAMES]:
            body.append(f"  {clean(name)}\n")
        if len(self.lines) > SHOWN_NAMES:
            body.append(f"  ... and {len(self.lines) - SHOWN_NAMES} more\n", style="dim")
        if self.note:
            body.append_text(self.note if isinstance(self.note, Text) else Text(clean(self.note)))
            body.append("\n")
        gap = "\n" if self.lines or self.note else ""
        body.append(gap + self.hint(), style="dim")
        return body

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.body(), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button("No", id="no", variant="primary")
                yield Button(clean(self.yes_label), id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmScreen(ConfirmDialog):
    """Before an action on jobs: "Stop 3 jobs?" and their names."""

    def __init__(self, action: str, job_names: Sequence[str], *, note: str = "") -> None:
        count = len(job_names)
        noun = "job" if count == 1 else "jobs"
        super().__init__(f"{action.capitalize()} {count} {noun}?", job_names, note=note, yes=f"Yes, {action}")
        self.action = action
        self.job_names = list(job_names)
