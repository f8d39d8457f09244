"""The status panel: the last requests, each line completed in place when its answer comes."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from vbotui.operations.activity import ActivityEntry, ActivityLog


class StatusPanel(VerticalScroll, can_focus=False):
    """Renders `ActivityLog`; newest line at the bottom, scrolled there unless read back."""

    def __init__(self, activity: ActivityLog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._activity = activity
        self._body = Static("", id="status-lines")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def on_mount(self) -> None:
        self._activity.subscribe(self._on_entry)
        self._redraw()

    def on_unmount(self) -> None:
        self._activity.unsubscribe(self._on_entry)

    def _on_entry(self, entry: ActivityEntry) -> None:
        self._redraw()

    def _redraw(self) -> None:
        follow = self.scroll_y >= self.max_scroll_y
        lines = [entry.render() for entry in self._activity.entries]
        self._body.update(Text("\n", end="").join(lines) if lines else Text("No requests yet.", style="dim"))
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)

    @property
    def plain(self) -> str:
        """The panel's text, for tests and the screenshot script."""
        return "\n".join(entry.render().plain for entry in self._activity.entries)
