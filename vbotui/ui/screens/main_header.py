"""The main screen's header line: profile (in its accent), the warnings that must never be cut off,
API version and user, how fresh the list is, and the counts; every piece of server text cleaned."""

from __future__ import annotations

from rich.text import Text

from vbotui.operations import ServerOperations
from vbotui.words import counted

from ..safe_text import clean
from ..widgets.job_table import JobTable


def marks_said(marked: int, hidden: int) -> str:
    """`3 marked`, or `3 marked, 2 hidden by the filter`."""
    return f"{marked} marked" + (f", {hidden} hidden by the filter" if hidden else "")


def header_text(
    ops: ServerOperations,
    table: JobTable,
    *,
    accent: str | None,
    insecure: bool,
    plain_http: bool,
    polling: bool,
) -> Text:
    """The header's text; the screen repaints it only when this changes."""
    header = Text(no_wrap=True, overflow="ellipsis", end="")
    # The profile's accent (accent = "red"): a colour of the 16, so it reads in 16 colours; in
    # NO_COLOR it is reverse video like before, and the text says which profile it is.
    badge = f"bold reverse {accent}" if accent else "bold reverse"
    header.append(f" {clean(ops.label)} ", style=badge)
    if insecure:  # first, so that no narrow terminal can cut it off
        header.append(" INSECURE: TLS not verified ", style="bold reverse red")
    if plain_http:  # password and tokens cross the network in clear
        header.append(" PLAIN HTTP ", style="bold reverse red")
    if ops.read_only:
        header.append(" READ-ONLY ", style="bold reverse red")
    header.append(f" API {clean(ops.client.version or '?')}  user {clean(ops.client.user or '?')}  ")
    if ops.last_update is None:
        failed = ops.refresh_error is not None
        header.append("load failed" if failed else "loading...", style="bold red" if failed else "yellow")
    else:
        age = int((ops.clock() - ops.last_update).total_seconds())
        header.append(f"updated {max(age, 0)} s ago", style="bold red" if ops.refresh_error else "")
        if not polling:
            header.append(" (polling off)", style="dim")
    if ops.refresh_error is not None:
        # Said in words, not only in red: 16-colour and NO_COLOR terminals lose the colour.
        header.append("  ")
        header.append("refresh failed: ", style="bold red")
        header.append(clean(ops.refresh_error), style="red")
    # Short enough for 80 columns; the filter's words are on the filter line below.
    # (Separators go in unstyled pieces: SVG screenshots drop a styled piece's leading spaces.)
    total, shown = len(table.jobs), table.row_count
    header.append("  ")
    if table.complete or not total:
        header.append(
            counted(total, "job") if shown == total else f"{shown} of {counted(total, 'job')}", style="dim"
        )
    else:  # the first pages of the list: the count is what came so far, not the list's
        header.append(f"{total} so far" if shown == total else f"{shown} of {total} so far", style="dim")
    if table.marks:
        header.append(", ")
        header.append(marks_said(len(table.marks), table.hidden_marks()), style="bold")
    header.append("  ")
    header.append(f"sort {table.sort_label}", style="dim")
    return header
