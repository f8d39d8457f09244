"""The detail pane: the job under the cursor and its recent sessions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from vbotui.api.models import Job, JobSession

from ..safe_text import clean, safe_text
from .job_table import format_when, status_style


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


class JobDetail(Static):
    """Rendered from plain data; server text goes through safe_text."""

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._clock = clock

    def show(
        self,
        job: Job | None,
        org_name: str = "",
        sessions: Sequence[JobSession] | None = None,
        error: str = "",
    ) -> None:
        if job is None:
            self.update(Text("No job under the cursor.", style="dim"))
            return
        now = self._clock()
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(safe_text(job.name, style="bold"))
        text.append("  org ", style="dim")
        text.append_text(safe_text(org_name or "-"))
        text.append("  id ", style="dim")
        text.append(clean(job.id))
        text.append("\n")
        text.append("last run ", style="dim")
        text.append(f"{format_when(job.last_run)} ({ago(job.last_run, now)})")
        text.append("  next ", style="dim")
        text.append(f"{format_when(job.next_run)} ({ago(job.next_run, now)})")
        if job.description:
            text.append("  ")
            text.append_text(safe_text(job.description, style="italic"))
        text.append("\n")
        if error:
            text.append("sessions: ", style="dim")
            text.append(clean(error), style="red")
        elif sessions is None:
            text.append("sessions: loading...", style="dim")
        elif not sessions:
            text.append("sessions: none", style="dim")
        for session in sessions or ():
            text.append(f"{format_when(session.creation_time)}  ", style="dim")
            text.append_text(safe_text(f"{session.status or '-':<9}", style=status_style(session.status)))
            if session.progress is not None:
                text.append(f" {session.progress:>6} items")  # processed objects, not a percentage
            if session.details:
                text.append("  ")
                text.append_text(safe_text(session.details))
            text.append("\n")
        text.rstrip()
        self.update(text)
