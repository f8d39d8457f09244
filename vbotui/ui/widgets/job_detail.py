"""The detail pane: the job under the cursor and its recent sessions.

A Line API widget: `show()` builds the text, and only the lines that differ from what is on
screen are repainted (a cursor move repaints the job's lines; the sessions' lines are repainted
when they arrive; a poll that changed nothing repaints nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from vbotui.api.models import Job, JobSession
from vbotui.timeparse import zone_label

from ..safe_text import clean, safe_text
from .job_index import format_when, status_style


def ago(when: datetime | None, now: datetime) -> str:
    """'3h 12m ago' / 'in 5m'; '-' for none."""
    if when is None:
        return "-"
    seconds = int((now - when).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        span = f"{days}d {hours}h"
    elif hours:
        span = f"{hours}h {minutes}m"
    else:
        span = f"{minutes}m" if minutes else f"{seconds}s"
    return f"in {span}" if future else f"{span} ago"


# At most this many rows of a failure reason in the pane (a job list of a few rows stays above it).
REASON_ROWS = 4


class JobDetail(Widget):
    """Rendered from plain data; server text goes through safe_text."""

    DEFAULT_CSS = """
    JobDetail {
        height: auto;
    }
    """

    def __init__(
        self, clock: Callable[[], datetime], *, id: str | None = None, zone: tzinfo | None = None
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.zone = zone  # the display zone (None: the system's local zone)
        self._text = Text("")
        self._lines: list[Text] = []
        self._strips: dict[tuple[int, int], Strip] = {}  # (line, width) -> painted strip
        # What show() was given last (a resize wraps the reason again).
        self._shown: tuple[Job | None, str, Sequence[JobSession] | None, str, str] | None = None

    def render(self) -> Text:
        """The whole text (what the lines are cut from)."""
        return self._text

    def update(self, text: Text) -> None:
        """Show `text`, repainting only the lines that changed."""
        lines: list[Text] = list(text.split("\n", allow_blank=True)) if text.plain else []
        old = self._lines
        self._text, self._lines = text, lines
        changed = [
            y
            for y in range(max(len(old), len(lines)))
            if y >= len(old) or y >= len(lines) or old[y] != lines[y]
        ]
        if not changed:
            return
        width, height = self.size
        painted = self._strips
        self._strips = {key: strip for key, strip in painted.items() if key[0] not in changed}
        if not width:
            self.refresh()
            return
        # Only the lines inside the pane (a region below it would repaint the next widget's
        # border), and of each only the cells that differ from what is on screen: a slow link
        # pays for the changed columns, not the trailing blanks of a whole-width line.
        regions = []
        for y in changed:
            if y >= height:
                continue
            before = painted.get((y, width))
            span = _changed_span(before, self.render_line(y)) if before is not None else (0, width)
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self.refresh(*regions)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        strip = self._strips.get((y, width))
        if strip is None:
            base = self.rich_style
            if y < len(self._lines):
                line = self._lines[y].copy()
                line.truncate(width, overflow="ellipsis")
                segments = Segment.apply_style(line.render(self.app.console), base)
                strip = Strip(list(segments)).adjust_cell_length(width, base).simplify()  # fewer escapes
            else:
                strip = Strip.blank(width, base)
            self._strips[(y, width)] = strip
        return strip

    def show(
        self,
        job: Job | None,
        org_name: str = "",
        sessions: Sequence[JobSession] | None = None,
        error: str = "",
        reason: str = "",
    ) -> None:
        """`reason`: why the newest session failed (its log's first error line), shown whole under it."""
        self._shown = (job, org_name, sessions, error, reason)
        if job is None:
            self._fit(0)
            self.update(Text("No job under the cursor.", style="dim"))
            return
        now = self._clock()
        zone = self.zone
        label = zone_label(zone, now) if zone is not None else (now.astimezone().tzname() or "local")

        def when(value: datetime | None) -> str:  # labelled: the list's zone, said here too
            return f"{format_when(value, zone=zone)} {label}" if value else "-"

        text = Text(no_wrap=True, overflow="ellipsis")
        _parts(
            text,
            [
                # The id before the organization: whole at 120 columns even beside long names.
                ("", safe_text(job.name, style="bold")),
                ("id", Text(clean(job.id))),
                ("org", safe_text(org_name or "-")),
            ],
        )
        text.append("\n")
        line = [
            ("last run", Text(f"{when(job.last_run)} ({ago(job.last_run, now)})")),
            ("next", Text(f"{when(job.next_run)} ({ago(job.next_run, now)})")),
        ]
        if job.description:
            line.append(("", safe_text(job.description, style="italic")))
        _parts(text, line)
        text.append("\n")
        if error:
            text.append("sessions: ", style="dim")
            text.append(clean(error), style="red")
        elif sessions is None:
            text.append("sessions: loading...", style="dim")
        elif not sessions:
            text.append("sessions: none", style="dim")
        reason_lines = self._wrapped(reason) if reason and sessions else []
        for index, session in enumerate(sessions or ()):
            _session_line(text, session, zone)
            if index == 0:  # why the newest session failed, right under it
                for row in reason_lines:
                    text.append_text(row)
                    text.append("\n")
        text.rstrip()
        self._fit(3 + len(reason_lines) if reason_lines else 0)
        self.update(text)

    def _wrapped(self, reason: str) -> list[Text]:
        """The reason in lines of the pane's width: whole when it says why in a few lines, else its
        first REASON_ROWS rows and where the rest is (a stack trace must not push the job list and
        the status panel off the screen)."""
        width = self.size.width or 80
        whole = safe_text(reason[: REASON_ROWS * width * 2], style="red")
        whole.no_wrap = False
        rows = list(whole.wrap(self.app.console, width, overflow="fold"))
        if len(rows) <= REASON_ROWS:
            return rows
        shown = rows[: REASON_ROWS - 1]
        shown.append(Text("… the rest in the session's log (Enter, Enter)", style="dim"))
        return shown

    def _fit(self, rows: int) -> None:
        """Grow past the stylesheet's height while `rows` lines must show whole; back after."""
        base = self.styles.base.height
        extra = self.styles.gutter.height
        if rows and base is not None and base.is_cells and rows + extra > base.value:
            self.styles.height = rows + extra
        elif self.styles.inline.height is not None:
            self.styles.height = None

    def on_resize(self) -> None:
        if self._shown is not None and self._shown[4]:  # a reason is wrapped to the width
            self.show(*self._shown)


def _session_line(text: Text, session: JobSession, zone: tzinfo | None) -> None:
    """Append `start  status  N items  details` and a line break."""
    text.append(f"{format_when(session.creation_time, zone=zone)}  ", style="dim")
    # Padding goes at the end of the part before it, never at the start of the next one.
    status = f"{session.status or '-':<9}"
    progress = "" if session.progress is None else f"{session.progress} items"  # objects, not %
    if progress:
        status += " " * (1 + max(0, 6 - len(str(session.progress))))
    elif session.details:
        status += "  "
    text.append_text(safe_text(status, style=status_style(session.status)))
    if progress:
        text.append(progress + ("  " if session.details else ""))
    if session.details:
        text.append_text(safe_text(session.details))
    text.append("\n")


def _cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """One (character, style) per cell; a wide character's second cell is ("", style)."""
    cells: list[tuple[str, Style | None]] = []
    for text, style, control in strip:
        if control:
            continue
        for char in text:
            cells.append((char, style))
            if cell_len(char) == 2:
                cells.append(("", style))
    return cells


def _changed_span(before: Strip, after: Strip) -> tuple[int, int] | None:
    """The [start, end) cells where `after` differs from `before`; None when they are the same."""
    old, new = _cells(before), _cells(after)
    if old == new:
        return None
    size = max(len(old), len(new))
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = size
    while end > start and end <= min(len(old), len(new)) and old[end - 1] == new[end - 1]:
        end -= 1
    # Keep a wide character whole at either end.
    if start and start < len(new) and new[start][0] == "":
        start -= 1
    if end < len(new) and new[end][0] == "":
        end += 1
    return start, end


SEPARATOR = "  "


def _parts(text: Text, parts: Sequence[tuple[str, Text]]) -> None:
    """Append 'label value' parts two spaces apart: "Name  org adatum.onmicrosoft.com  id 2331...".

    Each separator ends the part before it (in that part's style), so no part starts with spaces:
    the text reads the same in a terminal and in an SVG export.
    """
    for index, (label, value) in enumerate(parts):
        if label:
            text.append(f"{label} ", style="dim")
        part = value.copy()
        if index < len(parts) - 1:
            part.append(SEPARATOR)
        text.append_text(part)
