"""The main screen's footer: `? Help` and `q Quit` first, so that no terminal width cuts them off.

Textual's footer lists the bindings in their chain order and clips what does not fit: at 80
columns the list ended at "^r Re" and the two keys a newcomer needs never showed. This footer
shows the registry's `FOOTER_FIRST` actions first, then the others in their usual order.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from vbotui.keymap import BY_ID

FOOTER_FIRST = ("help", "quit")
"""Binding ids the footer always shows first, in this order."""


class KeyFooter(Footer):
    _shown: tuple[Any, ...] | None = None  # the keys last composed

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Textual recomposes the footer (a widget per key, each styled) on every bindings signal,
        # which focus changes and the first load send several times with nothing changed
        # (~25 ms each at start-up): recompose only when what it shows changes.
        if not screen.is_current:
            return  # its bindings are not the active ones yet: the screen's resume signals again
        shown = self._what_it_shows(screen)
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)

    @staticmethod
    def _what_it_shows(screen: Screen[Any]) -> tuple[Any, ...]:
        return tuple(
            (binding.key, binding.key_display, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        first = [BY_ID[binding_id].action for binding_id in FOOTER_FIRST]
        widgets = list(super().compose())

        def rank(widget: object) -> int:
            action = widget.action if isinstance(widget, FooterKey) else ""
            return first.index(action) if action in first else len(first)

        yield from sorted(widgets, key=rank)  # stable: the others keep their order
