"""The command palette, with keys typed right after `:` kept in order.

`:` is a priority binding: the palette is pushed the moment the key arrives, but its input takes
focus only once mounted, so the keys of the same read reach the palette screen itself. They are
handed to the input after the next refresh, in order (Textual #6605; see typeahead.py).
"""

from __future__ import annotations

from textual import events
from textual.command import CommandInput, CommandPalette


class OrderedCommandPalette(CommandPalette):
    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and not isinstance(self.focused, CommandInput):
            event.stop()
            event.prevent_default()
            key = events.Key(event.key, event.character)
            self.call_after_refresh(lambda: self.query_one(CommandInput).post_message(key))
            return
        await super()._on_key(event)
