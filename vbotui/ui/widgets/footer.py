"""The main screen's footer: `? Help` and `q Quit` first, so that no terminal width cuts them off.

Textual's footer lists the bindings in their chain order and clips what does not fit: at 80
columns the list ended at "^r Re" and the two keys a newcomer needs never showed. This footer
shows the registry's `FOOTER_FIRST` actions first, then the others in their usual order.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from vbotui.keymap import BY_ID

FOOTER_FIRST = ("help", "quit")
"""Binding ids the footer always shows first, in this order."""


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        first = [BY_ID[binding_id].action for binding_id in FOOTER_FIRST]
        widgets = list(super().compose())

        def rank(widget: object) -> int:
            action = widget.action if isinstance(widget, FooterKey) else ""
            return first.index(action) if action in first else len(first)

        yield from sorted(widgets, key=rank)  # stable: the others keep their order
