"""The session log screen (Enter on a session): its log items, oldest at the top, following the end
while the session runs, like `tail -f`.

Scrolling up (arrows, PgUp, Home, the mouse) stops following; `G` or End goes to the last line and
follows again. Right and Left move half a view sideways along long lines. `/` searches: every match
is highlighted, the current one more strongly; `n` and `N` go to the next and previous match (and
stop following, so the match stays in view). From API v7 a second tab lists the session's processed
objects (`o` switches).

The log is read by pages (operations/log_reading.py): its last page first, then, every POLL_S
seconds while the session runs, only the lines written since; scrolling to the top (or Home there)
reads the page before. When the session has ended, one last read and no more. Search looks in the
lines held, and the status line says so while earlier lines are not.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import tzinfo
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from vbotui.api.models import Job, JobSession, LogItem, ProcessedObject
from vbotui.operations import ServerOperations
from vbotui.operations.log_reading import LogReader
from vbotui.operations.sessions import read_earlier_log, read_log, read_processed_objects, read_session
from vbotui.timeparse import zone_label
from vbotui.timetext import stamp, zoned_text
from vbotui.words import counted

from ..actions import bindings_for
from ..safe_text import clean, safe_text
from ..typeahead import TypeaheadInput
from ..widgets.footer import KeyFooter
from ..zone import InTheAppsZone
from .base import AppScreen
from .help import open_help
from .log_lines import LogLines, line_text

POLL_S = 2.0
MATCH_STYLE = "reverse"
CURRENT_MATCH_STYLE = "bold reverse yellow"


def log_line(item: LogItem, zone: tzinfo) -> Text:
    """`HH:MM:SS  [Type] message`, server text made safe, coloured (and written) by its type."""
    return line_text(clean(item.text), item.kind.lower(), item.creation_time, zone)


class LogView(ScrollView, can_focus=True):
    """The log's lines on the Line API; follows the end unless scrolled up; highlights a search.

    The scroll containers' keys reach this view first (it has the focus), so they are its own: End
    follows like G (the container's End would go back to the first column and, animated, land short
    of lines arriving meanwhile), and Right/Left move half a view (not one column), so the end of a
    long line is a press or two away.
    """

    class FollowingChanged(Message):
        """The view started or stopped following the end (the screen's status line says which)."""

    class ReachedTop(Message):
        """The operator scrolled to the first line held (or pressed Home there): earlier lines wanted."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = LogLines()
        self.following = True
        self.term = ""
        self.matches: list[int] = []  # line numbers holding the term, ascending
        self._matched: set[int] = set()
        self.current = -1  # index into matches

    @property
    def plain(self) -> list[str]:
        return [line.plain for line in self.lines]

    def _set_following(self, following: bool) -> None:
        if following != self.following:
            self.following = following
            self.post_message(self.FollowingChanged())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Only a move up stops following: the end moving away from a still view (a horizontal
        # scrollbar that appears, a shorter view) is repaired by _pin_end, not taken as a scroll.
        if new_value >= self.max_scroll_y:
            self._set_following(True)
        elif new_value < old_value:
            self._set_following(False)
        if new_value <= 0 < old_value:
            self.post_message(self.ReachedTop())

    def action_scroll_home(self) -> None:
        if self.scroll_y <= 0:
            self.post_message(self.ReachedTop())
        self._set_following(False)
        self.scroll_to(y=0, animate=False, immediate=True)

    def _resize(self) -> None:
        self.virtual_size = Size(self.lines.width, len(self.lines))

    def append(self, items: list[LogItem]) -> None:
        """New lines at the end (only they are searched)."""
        start = len(self.lines)
        if not self.lines.extend(items):
            return
        if self.term:
            found = self.lines.find(self.term, start)
            self.matches.extend(found)
            self._matched.update(found)
        self._resize()
        if self.following:
            self._pin_end()
        self.refresh()

    def prepend(self, items: list[LogItem]) -> None:
        """Earlier lines above the first; the lines in view stay where they are."""
        added = self.lines.prepend(items)
        if not added:
            return
        current = self.matches[self.current] + added if self.current >= 0 else None
        self._find()
        self.current = bisect_left(self.matches, current) if current is not None else -1
        self._resize()
        self.scroll_to(y=self.scroll_y + added, animate=False, immediate=True, force=True)
        self.refresh()

    def show_again(self) -> None:
        """Paint every line again (their times in another zone)."""
        self._resize()
        self.refresh()

    def follow(self) -> None:
        """To the last line (the column stays), and follow the end from now on."""
        self._set_following(True)
        self._pin_end()

    def _pin_end(self) -> None:
        """Show the last line now, and again once the layout has settled: a line wider than the view
        brings a horizontal scrollbar with the next layout, which takes a row from the view. Forced:
        until that layout shows the vertical scrollbar, Textual refuses to scroll a view that has none."""
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self.call_after_refresh(self._repin)

    def _repin(self) -> None:
        if self.following and self.scroll_y < self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        if self.following:
            self.call_after_refresh(self._repin)

    def action_scroll_end(self) -> None:
        self.follow()

    def _step_x(self) -> int:
        return max(1, self.scrollable_content_region.width // 2)

    def action_scroll_right(self) -> None:
        self.scroll_to(x=self.scroll_x + self._step_x(), animate=False, immediate=True)

    def action_scroll_left(self) -> None:
        self.scroll_to(x=max(0.0, self.scroll_x - self._step_x()), animate=False, immediate=True)

    # --- search
    def search(self, term: str) -> None:
        self.term = term
        self._find()
        self.current = -1
        self.refresh()

    def _find(self) -> None:
        self.matches = self.lines.find(self.term)
        self._matched = set(self.matches)
        if self.current >= len(self.matches):
            self.current = len(self.matches) - 1

    def step(self, forward: bool) -> int | None:
        """Go to the next (or previous) match, wrapping around; its line number, or None."""
        if not self.matches:
            return None
        if self.current < 0:
            after = bisect_left(self.matches, int(self.scroll_y))  # the first match at or below the top
            self.current = (after if forward else after - 1) % len(self.matches)
        else:
            self.current = (self.current + (1 if forward else -1)) % len(self.matches)
        line = self.matches[self.current]
        self.scroll_to(y=max(0, line - self.size.height // 2), animate=False, immediate=True)
        self._set_following(self.scroll_y >= self.max_scroll_y and line >= len(self.lines) - 1)
        self.refresh()
        return line

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width  # the scrollbars' cells are not the text's
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        text = self.lines[index]
        if self.term and index in self._matched:
            text = text.copy()
            current = self.current >= 0 and self.matches[self.current] == index
            text.highlight_words(
                [self.term], CURRENT_MATCH_STYLE if current else MATCH_STYLE, case_sensitive=False
            )
        text.no_wrap, text.overflow = True, "ellipsis"
        scroll_x = int(self.scroll_x)
        console = self.app.console
        segments = list(console.render(text, console.options.update(width=scroll_x + width, height=1)))
        lines = list(
            Segment.split_and_crop_lines(segments, scroll_x + width, pad=True, include_new_lines=False)
        )
        strip = Strip(lines[0] if lines else [], scroll_x + width).crop(scroll_x, scroll_x + width)
        return strip.apply_style(self.rich_style)


class SessionLogScreen(AppScreen, InTheAppsZone, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("session-log")

    def __init__(
        self,
        ops: ServerOperations,
        job: Job,
        session: JobSession,
        *,
        local_tz: tzinfo | None = None,
        poll_s: float | None = None,
    ) -> None:
        super().__init__()
        self.ops = ops
        self.job = job
        self.session = session
        self._zone = local_tz  # a fixed zone (tests); None: the app's, which can change
        self.poll_s = poll_s if poll_s is not None else POLL_S
        self.reader = LogReader(ops.client, session.id)
        self.loaded = False
        self.poll_timer: Timer | None = None
        capabilities = ops.client.capabilities
        self.with_objects = capabilities is not None and capabilities.processed_objects

    @property
    def label(self) -> str:
        when = stamp(self.session.creation_time, "%Y-%m-%d %H:%M") if self.session.creation_time else ""
        return f"{clean(self.job.name)} {when}".strip()

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="session-log-title")
        with TabbedContent(id="session-log-tabs"):
            with TabPane("Log", id="log-tab"):
                yield LogView(id="session-log")
            if self.with_objects:
                with TabPane("Processed objects", id="objects-tab"):
                    yield DataTable(id="session-objects", cursor_type="row", zebra_stripes=True)
        yield TypeaheadInput(placeholder="search the log (enter keeps, esc clears)", id="log-search")
        yield Static("Reading the log...", id="session-log-status", classes="sessions-line")
        yield KeyFooter()

    def title_text(self) -> Text:
        title = Text("Log of ", style="bold")
        title.append_text(safe_text(self.job.name, style="bold"))
        if self.session.creation_time is not None:
            start = zoned_text(self.session.creation_time, self.local_tz, "%Y-%m-%d %H:%M")
            title.append(f"  started {start} {zone_label(self.local_tz, self.ops.clock())}")
        title.append("  ")
        status = self.session.status or "-"
        title.append_text(safe_text(status, style="bold green" if self.session.is_running else ""))
        return title

    @property
    def log_view(self) -> LogView:
        return self.query_one("#session-log", LogView)

    def on_mount(self) -> None:
        self.query_one("#log-search", Input).display = False
        self.log_view.lines.zone = self.local_tz
        self.log_view.focus()
        if self.with_objects:
            self.query_one("#session-objects", DataTable).add_columns("object", "type", "status")
        self.load()

    # --- reading, and following while the session runs
    @work(exclusive=True, group="session-log-refresh", exit_on_error=False, description="session log")
    async def load(self) -> None:
        was_running = self.session.is_running
        if was_running and self.loaded:
            fresh = await read_session(self.ops, self.session.id, self.label)
            if fresh.done:
                self.session = fresh.value
                self.query_one("#session-log-title", Static).update(self.title_text())
        result = await read_log(self.ops, self.reader, self.label)
        if not result.done:
            self.show_status(
                Text.assemble("Could not read the log: ", safe_text(result.outcome.describe())), True
            )
        else:
            self.log_view.append(result.value)
            self.loaded = True
            self.show_status(self.status_text())
        if self.with_objects:
            await self.load_objects()
        if self.poll_timer is not None:
            self.poll_timer.stop()
        if self.is_attached and not self.ops.expired and (self.session.is_running or not result.done):
            self.poll_timer = self.set_timer(self.poll_s, self.load, name="session-log-poll")

    def show_zone(self) -> None:
        """The app's zone changed (the palette's UTC / local toggle): the title and every line again."""
        self.query_one("#session-log-title", Static).update(self.title_text())
        self.log_view.lines.zone = self.local_tz
        self.log_view.show_again()

    @on(LogView.ReachedTop)
    def _reached_top(self) -> None:
        if self.reader.opened and not self.reader.at_start:
            self.read_earlier()

    @work(exclusive=True, group="session-log-earlier", exit_on_error=False, description="session log")
    async def read_earlier(self) -> None:
        self.show_status(Text(f"Reading the lines before line {self.reader.first + 1:,}..."))
        result = await read_earlier_log(self.ops, self.reader, self.label)
        if not result.done:
            self.show_status(
                Text.assemble("Could not read earlier lines: ", safe_text(result.outcome.describe())), True
            )
            return
        self.log_view.prepend(result.value)
        self.show_status(self.status_text())

    async def load_objects(self) -> None:
        result = await read_processed_objects(self.ops, self.session.id, self.label)
        if not result.done:
            return
        objects: list[ProcessedObject] = result.value
        table = self.query_one("#session-objects", DataTable)
        table.clear()
        for item in objects:
            table.add_row(safe_text(item.id), safe_text(item.type or "-"), safe_text(item.status or "-"))

    def status_text(self) -> Text:
        log = self.log_view
        reader = self.reader
        if reader.at_start:
            parts = [counted(len(log.lines), "line")]
        else:
            parts = [f"lines {reader.first + 1:,}-{reader.end:,} held: the top or Home reads earlier ones"]
        if self.session.is_running:
            parts.append(
                "following the end (scroll up to stop, G or End to follow)"
                if log.following
                else "not following: G or End follows the end again"
            )
        else:
            parts.append("the session has ended")
        if log.term:
            parts.append(
                f"{len(log.matches)} matches of {log.term!r}"
                + ("" if reader.at_start else " in the lines held")
                + ("  n next, N previous" if log.matches else "")
            )
        return Text("; ".join(parts))

    def show_status(self, text: Text, error: bool = False) -> None:
        status = self.query_one("#session-log-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # --- keys
    def action_follow(self) -> None:
        self.query_one(TabbedContent).active = "log-tab"
        self.log_view.follow()
        self.log_view.focus()
        self.show_status(self.status_text())

    def action_search(self) -> None:
        box = self.query_one("#log-search", Input)
        if self.focused is box:
            from textual import events

            box.post_message(events.Key("slash", "/"))
            return
        self.query_one(TabbedContent).active = "log-tab"
        box.display = True
        self.set_focus(box)

    @on(LogView.FollowingChanged)
    def _following_changed(self) -> None:
        if self.loaded:
            self.show_status(self.status_text())

    @on(Input.Changed, "#log-search")
    def _search_typed(self, event: Input.Changed) -> None:
        self.log_view.search(event.value)
        self.show_status(self.status_text())

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.log_view.search(event.value)
        if self.log_view.matches:
            self.log_view.step(True)
        self.set_focus(self.log_view)
        self.show_status(self.status_text())

    def _step(self, forward: bool) -> None:
        if not self.log_view.term:
            self.say("No search: / searches the log.", "warning")
            return
        if self.log_view.step(forward) is None:
            self.say(f"No match of {self.log_view.term!r}.", "warning")
        self.show_status(self.status_text())

    def action_next_match(self) -> None:
        self._step(True)

    def action_previous_match(self) -> None:
        self._step(False)

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        if not self.with_objects:
            self.say("Processed objects: API v7 and later.")
            return
        tabs.active = "objects-tab" if tabs.active == "log-tab" else "log-tab"

    def action_refresh(self) -> None:
        self.load()

    def action_help(self) -> None:
        open_help(self)

    def action_back(self) -> None:
        box = self.query_one("#log-search", Input)
        if self.focused is box:  # esc in the search box clears the search, and stays here
            box.value = ""
            box.display = False
            self.log_view.search("")
            self.set_focus(self.log_view)
            self.show_status(self.status_text())
            return
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self.poll_timer is not None:
            self.poll_timer.stop()


__all__ = ["LogView", "SessionLogScreen", "log_line"]
