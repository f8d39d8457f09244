"""Every screen's footer: the screen's keys on one line, in the registry's footer ranks.

One widget that draws the keys itself. Textual's footer is a container with a widget per key:
each styled, laid out and composed again on every bindings signal (~75 ms of start-up with
the main screen's 14 keys, and a repaint of the whole screen after the first load). This one
repaints its own line when the keys it shows change, and nothing else.

Textual's footer lists the bindings in their chain order and clips what does not fit: at 80
columns the list ended at "^r Re" and the two keys a newcomer needs never showed. This footer
orders the keys by their `rank` in the registry (by binding id, so a remapped key keeps its
place) and shows the lowest ranks that fit, whole: what does not fit is left out, never cut in the
middle. Rank 0 (`?`) is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from vbotui.keymap import BY_ID

UNRANKED = 100  # a binding outside the registry (Textual's own) comes after every ranked one
DISABLED = Style(dim=True)


@dataclass(frozen=True)
class FooterEntry:
    key: str  # the key as Textual names it (for a click)
    key_display: str  # as shown: "?", "^r", "⏎"
    description: str
    action: str
    enabled: bool
    rank: int = UNRANKED


class KeyFooter(Widget, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    # The look of Textual's compact footer: the key bold in the key colours, a space, the
    # description, and a space of the footer's background between two keys.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: tuple[FooterEntry, ...] = ()  # every key of the screen, in footer order
        self._spans: list[tuple[int, int, FooterEntry]] = []  # what the last paint shows, where

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if not screen.is_current:
            return  # its bindings are not the active ones yet: the screen's resume signals again
        entries = self._entries_of(screen)
        if entries != self.entries:
            self.entries = entries
            self.refresh()  # one line, its size fixed: no layout

    def _entries_of(self, screen: Screen[Any]) -> tuple[FooterEntry, ...]:
        seen: set[str] = set()
        entries: list[FooterEntry] = []
        for _, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue  # one entry per action, as Textual's footer does
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            declared = BY_ID.get(binding.id or "")
            rank = declared.rank if declared is not None else UNRANKED
            entries.append(
                FooterEntry(binding.key, display, binding.description, binding.action, enabled, rank)
            )
        return tuple(sorted(entries, key=lambda entry: entry.rank))  # stable: ties keep their order

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        shown = fitting(self.entries, self.size.width)
        text = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for entry in shown:
            text.append(" " if text.cell_len else "")
            start = text.cell_len
            dim = DISABLED if not entry.enabled else Style()
            text.append(entry.key_display, style=key_style + dim)
            if entry.description:
                text.append(" " + entry.description, style=description_style + dim)
            self._spans.append((start, text.cell_len, entry))
        return text

    @property
    def shown(self) -> list[str]:
        """The keys on screen, as `key description` (tests, and what a screen reader would say)."""
        return [label(entry) for _, _, entry in self._spans]

    def on_click(self, event: events.Click) -> None:
        for start, end, entry in self._spans:
            if start <= event.x < end:
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                else:
                    self.app.bell()
                return


def label(entry: FooterEntry) -> str:
    return f"{entry.key_display} {entry.description}" if entry.description else entry.key_display


def fitting(entries: tuple[FooterEntry, ...], width: int) -> list[FooterEntry]:
    """The entries (in rank order) that one line of `width` cells shows: rank 0 always, then each
    next-ranked key whose whole label still fits after a space; one that does not is left out and
    a lower-ranked, shorter one may still fit."""
    shown: list[FooterEntry] = []
    used = 0
    for entry in entries:
        needed = cell_len(label(entry)) + (1 if shown else 0)
        if entry.rank == 0 or used + needed <= width:
            shown.append(entry)
            used += needed
    return shown
