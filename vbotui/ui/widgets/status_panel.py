"""The status panel: the last requests, each line completed in place when its answer comes.

A Line API widget: only the visible lines are rendered, and a line completed in place repaints
that line alone (a slow SSH link pays for one line, not the panel). It follows the newest line
unless the operator scrolled up to read back; it takes focus (Tab) and scrolls by keyboard
(up/down, PgUp/PgDn, Home/End).
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vbotui.operations.activity import ActivityEntry, ActivityLog

from ..actions import bindings_for

EMPTY = Text("No requests yet.", style="dim")


class StatusPanel(ScrollView, can_focus=True):
    """Renders `ActivityLog`; newest line at the bottom, scrolled there unless read back."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("status-panel")

    def __init__(self, activity: ActivityLog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._activity = activity
        self._lines = 0
        self._shown: list[ActivityEntry] = []  # the entries as last painted, in order
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
        self._shown = list(self._activity.entries)
        self._lines = len(self._shown)
        self.virtual_size = Size(self.size.width, self._lines)
        if follow:
            self.scroll_target_y = self.scroll_y = self.max_scroll_y
        self.refresh()

    def _on_entry(self, entry: ActivityEntry) -> None:
        entries = list(self._activity.entries)
        shown, self._shown = self._shown, entries
        follow = self.following
        if len(entries) != self._lines or (entries and entries[-1] is entry and entry.state == "pending"):
            self._resize_to_entries(follow)  # a new line: everything moves
            return
        # A line moved to the end (a bulk summary kept) or the oldest dropped (the history is
        # full): every line from there down now shows another entry, not just the changed one.
        pairs = enumerate(zip(shown, entries, strict=True))
        moved = next((i for i, (was, now) in pairs if was is not now), None)
        if moved is not None:
            if follow:
                self.scroll_target_y = self.scroll_y = self.max_scroll_y
            top = max(0, moved - int(self.scroll_y))
            if top < self.size.height:
                self.refresh(Region(0, top, self.size.width, self.size.height - top))
            return
        try:
            index = len(entries) - 1 - entries[::-1].index(entry)
        except ValueError:
            return
        row = index - int(self.scroll_y)
        if 0 <= row < self.size.height:
            self.refresh(Region(0, row, self.size.width, 1))  # this line alone

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
