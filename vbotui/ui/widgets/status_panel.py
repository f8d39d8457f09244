"""The status panel: the last requests, each line completed in place when its answer comes.

A Line API widget: only the visible lines are rendered, and a line completed in place repaints
that line alone (a slow SSH link pays for one line, not the panel). It follows the newest line
unless the operator scrolled up to read back; it takes focus (Tab) and scrolls by keyboard
(up/down, PgUp/PgDn, Home/End).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vbotui.operations.activity import ActivityEntry, ActivityLog

EMPTY = Text("No requests yet.", style="dim")


class StatusPanel(ScrollView, can_focus=True):
    """Renders `ActivityLog`; newest line at the bottom, scrolled there unless read back."""

    def __init__(self, activity: ActivityLog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._activity = activity
        self._lines = 0
        self._follow = True  # at the newest line; False once the operator scrolls up to read back

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow = new_value >= self.max_scroll_y

    def on_mount(self) -> None:
        self._activity.subscribe(self._on_entry)
        self._resize_to_entries(follow=True)

    def on_unmount(self) -> None:
        self._activity.unsubscribe(self._on_entry)

    @property
    def following(self) -> bool:
        return self._follow

    def _resize_to_entries(self, follow: bool) -> None:
        self._lines = len(self._activity.entries)
        self.virtual_size = Size(self.size.width, self._lines)
        if follow:
            self.scroll_target_y = self.scroll_y = self.max_scroll_y
        self.refresh()

    def _on_entry(self, entry: ActivityEntry) -> None:
        entries = self._activity.entries
        follow = self.following
        if len(entries) != self._lines or (entries and entries[-1] is entry and entry.state == "pending"):
            self._resize_to_entries(follow)  # a new line (or the history shifted): everything moves
            return
        try:
            index = len(entries) - 1 - list(reversed(entries)).index(entry)
        except ValueError:
            return
        if entries[index] is not entry:
            return
        row = index - int(self.scroll_y)
        if 0 <= row < self.size.height:
            self.refresh(Region(0, row, self.size.width, 1))  # this line alone
        elif len(entries) and entries[-1] is entry:  # kept (a bulk summary moved to the end)
            self._resize_to_entries(follow)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        entries = self._activity.entries
        width = self.size.width
        if not entries:
            text = EMPTY if y == 0 else Text("")
        elif index >= len(entries):
            return Strip.blank(width, self.rich_style)
        else:
            text = entries[index].render()
        text.no_wrap, text.overflow = True, "ellipsis"
        segments = list(self.app.console.render(text, self.app.console.options.update(width=width, height=1)))
        lines = list(Segment.split_and_crop_lines(segments, width, pad=True))
        strip = Strip(lines[0] if lines else [], width)
        return strip.apply_style(self.rich_style).simplify()  # one escape per run of one style

    @property
    def plain(self) -> str:
        """The panel's text, for tests and the screenshot script."""
        return "\n".join(entry.render().plain for entry in self._activity.entries)
