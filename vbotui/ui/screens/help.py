"""`?`: every key and what it does, from the action registry under the active keymap."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..actions import active_keymap, bindings_for, help_sections, keys_display
from .base import AppScreen

KEY_WIDTH = 20
# Keys Textual's own widgets bind (not in the registry, not remappable), shown with the job list's:
# none left since the job list declares its arrows and pages.
TEXTUAL_KEYS: tuple[tuple[str, str], ...] = ()


class HelpScreen(AppScreen, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("help")

    def compose(self) -> ComposeResult:
        keymap = active_keymap(self.app)
        parts: list[RenderableType] = []
        for number, (title, rows) in enumerate(help_sections(keymap)):
            parts.append(Text(("\n" if number else "") + title, style="bold underline"))
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
            table.add_column("key", style="bold", no_wrap=True, width=KEY_WIDTH)
            table.add_column("does")
            for keys, does in [*TEXTUAL_KEYS, *rows] if number == 0 else rows:
                table.add_row(keys, does)
            parts.append(table)
        closing = keys_display("help.close", keymap).split(" / ")
        closes = closing[0] if len(closing) == 1 else f"{', '.join(closing[:-1])} or {closing[-1]}"
        with VerticalScroll(id="help-dialog"):
            yield Static(f"Keys  ({closes} closes)", id="help-title")
            yield Static(Group(*parts), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)


def open_help(screen: Screen[Any]) -> None:
    """`?` on any screen: this help (every screen's footer shows the key)."""
    screen.app.push_screen(HelpScreen())
