"""The pulse screen (`p`): what an operator checks first in the morning.

The server's version and build (ServiceInstance), its health (Health, API v8), proxies and
repositories with their state, the licence's use; then per organization: jobs by last status,
running, disabled, never run, and the oldest last backup. Each figure is a shortcut into the job
list: Enter on "Failed 7" shows exactly those seven (the organization's id and an exact status, not
a substring of a name); Enter on the oldest backup goes to that job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from vbotui.api.models import Job
from vbotui.operations import ServerOperations
from vbotui.operations.sessions import OrganizationPulse, ServerPulse, organizations_pulse, read_pulse

from ..actions import bindings_for
from ..safe_text import clean, safe_text
from ..widgets.footer import KeyFooter
from ..widgets.job_index import fit_middle
from ..zone import InTheAppsZone
from .base import AppScreen
from .help import open_help
from .job_sessions import as_given, human_bytes, local_date

# The figure columns: (key, title, title in two lines for a narrow screen).
FIGURES = (
    ("failed", "Failed", "Failed"),
    ("warning", "Warning", "Warning"),
    ("success", "Success", "Success"),
    ("running", "Running", "Running"),
    ("disabled", "Disabled", "Disabled"),
    ("never", "Never run", "Never\nrun"),
)
OLDEST = ("oldest last backup", "Oldest\nbackup")
WIDE_FROM = 110  # below it the titles take two lines, so that every column fits 80
ORG_WIDTH = 28  # at most; narrower when the screen is
ORG_MIN = len("organization")
SCROLLBAR = 2  # kept free for the table's scroll bar, when there are more organizations than lines
LICENCE_TYPE_WIDTH = 24  # a long licence type must not push its status out of sight
# A filter value is printable ASCII without spaces or quotes: anything else is not put in the box.
_PLAIN_ID = re.compile(r"[!#-~]{1,512}")


@dataclass(frozen=True)
class Shortcut:
    """What Enter on a figure does in the job list: a filter, or a jump to one job."""

    filter: str = ""
    job_id: str = ""
    count: int = 0


def figure_jobs(org: OrganizationPulse, key: str) -> list[Job]:
    if key == "running":
        return org.running
    if key == "disabled":
        return org.disabled
    if key == "never":
        return org.never_run
    return org.by_status(key)


def organization_id(org: OrganizationPulse) -> str | None:
    """The id the jobs of `org` share, when it can go into the filter box as it is (the box's value
    is written to the terminal: no escape, no space, no quote); else None."""
    given = org.jobs[0].organization_id if org.jobs else None
    if not given or _PLAIN_ID.fullmatch(given) is None:
        return None
    return given


def organization_filter(org: OrganizationPulse) -> str:
    """The `/` filter of every job of `org`: by its id (a name may hold spaces, quotes, escapes and
    may be shared); "" when the id cannot be put in the box."""
    given = organization_id(org)
    return f"orgid:={given}" if given is not None else ""


def figure_filter(org: OrganizationPulse, key: str) -> str:
    """The `/` filter that shows exactly the jobs behind a figure of `org` ("" when none can)."""
    where = organization_filter(org)
    if not where:
        return ""
    if key == "disabled":
        return f"{where} enabled:no"
    if key == "never":
        return ""  # no filter says "never run": the figure lists them in the status line instead
    return f"{where} status:={key}"


def ago(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    hours = (now - value).total_seconds() / 3600
    return f"{hours:.0f} h ago" if hours < 48 else f"{hours / 24:.0f} d ago"


def server_lines(pulse: ServerPulse, zone: tzinfo, api_version: str | None = None) -> Text:
    """The server's part: version, health, proxies, repositories, licence (each says when missing)."""
    text = Text()

    def head(label: str) -> None:
        # The padding unstyled: SVG screenshots drop a styled piece's trailing spaces.
        if label.startswith("\n"):
            text.append("\n")
            label = label[1:]
        text.append(label, style="bold")
        text.append(" " * (13 - len(label)))

    def missing(part: str) -> None:
        text.append_text(safe_text(f"not read: {pulse.problems.get(part, 'no answer')}", style="red"))

    head("Server")
    if pulse.instance is not None:
        text.append_text(safe_text(f"build {pulse.instance.version or '?'}"))
        text.append("  ")
        text.append(f"REST API {api_version or '?'}", style="dim")
    else:
        missing("instance")
    head("\nHealth")
    if not pulse.health_available:
        text.append("reported from API v8 (this server's API has no /Health)", style="dim")
    elif pulse.health is not None:
        status = pulse.health.status or "?"
        text.append_text(safe_text(status, style="bold green" if status == "Healthy" else "bold red"))
        for name, part_status, description in pulse.health.entries:
            if part_status != "Healthy":
                text.append("  ")
                text.append_text(safe_text(f"{name}: {part_status}", style="red"))
                if description:
                    text.append_text(safe_text(f" ({description})"))
    else:
        missing("health")
    head("\nProxies")
    if pulse.proxies is not None:
        for index, proxy in enumerate(pulse.proxies):
            if index:
                text.append(", ")
            text.append_text(safe_text(proxy.host_name or proxy.id))
            text.append(" ")
            status = proxy.status or "?"
            text.append_text(safe_text(status, style="green" if status == "Online" else "bold red"))
        if not pulse.proxies:
            text.append("none", style="dim")
    else:
        missing("proxies")
    head("\nRepositories")
    if pulse.repositories is not None:
        problems = [repo for repo in pulse.repositories if repo.state != "OK"]
        low = [
            repo
            for repo in pulse.repositories
            if repo.capacity_bytes
            and repo.free_bytes is not None
            and repo.free_bytes * 10 < repo.capacity_bytes  # whole numbers: any size, no float
        ]
        text.append(f"{len(pulse.repositories)}, {len(pulse.repositories) - len(problems)} OK")
        for repo in problems:
            text.append("  ")
            text.append_text(safe_text(f"{repo.name}: {repo.state}", style="red"))
        for repo in low[:3]:
            text.append("  ")
            text.append_text(safe_text(f"{repo.name}: {human_bytes(repo.free_bytes)} free", style="yellow"))
    else:
        missing("repositories")
    head("\nLicence")
    if pulse.license is not None:
        lic = pulse.license
        used = "?" if lic.used is None else as_given(lic.used)
        total = "?" if lic.total is None else as_given(lic.total)
        # The status first: whatever the type holds, "Expired" stays in sight.
        style = "green" if lic.status == "Valid" else "bold red"
        text.append_text(safe_text(lic.status or "?", style=style, width=LICENCE_TYPE_WIDTH))
        text.append(f", {used} of {total} used, ")
        text.append_text(safe_text(lic.type or "?", width=LICENCE_TYPE_WIDTH))
        if lic.expires is not None:
            text.append(f", expires {local_date(lic.expires, zone)}")
    else:
        missing("license")
    return text


class PulseScreen(AppScreen, InTheAppsZone, Screen[Shortcut | None]):
    """Dismissed with the Shortcut of the figure Enter was pressed on (None: back)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("pulse")

    def __init__(
        self,
        ops: ServerOperations,
        jobs: Sequence[Job],
        org_names: dict[str, str],
        *,
        local_tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.ops = ops
        self.jobs = list(jobs)
        self.org_names = dict(org_names)
        self._zone = local_tz  # a fixed zone (tests); None: the app's, which can change
        self.orgs: list[OrganizationPulse] = organizations_pulse(self.jobs, self.org_names)
        self.pulse: ServerPulse | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Pulse", style="bold"), id="pulse-title")
        # The server's lines stay in sight; only the organizations' table scrolls (its cursor
        # taking focus must not scroll the version and health away).
        yield Static("Reading the server...", id="pulse-server")
        yield DataTable(id="pulse-table", cursor_type="cell", zebra_stripes=True)
        yield Static(
            "enter on a figure: those jobs in the list   ctrl+r refresh   esc back",
            id="pulse-status",
            classes="sessions-line",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.relayout()
        table.focus()
        if table.row_count:
            table.move_cursor(row=0, column=1)
        self.load()

    def on_resize(self) -> None:
        self.relayout()

    def relayout(self) -> None:
        """The columns for the screen's width: below WIDE_FROM the titles take two lines and the
        organizations' names give way, so that every figure and the oldest backup stay in sight."""
        table = self.query_one(DataTable)
        narrow = self.app.size.width < WIDE_FROM
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.header_height = 2 if narrow else 1
        table.add_column("organization", key="organization")
        for key, title, short in FIGURES:
            table.add_column(short if narrow else title, key=key)
        table.add_column(OLDEST[1] if narrow else OLDEST[0], key="oldest")
        self.fill_table()
        if table.row_count:
            table.move_cursor(row=cursor.row, column=cursor.column)

    def fill_table(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        now = self.ops.clock()
        rows: list[list[Text]] = []
        for org in self.orgs:
            cells: list[Text] = []
            for key, _, _ in FIGURES:
                count = len(figure_jobs(org, key))
                style = {"failed": "bold red", "warning": "yellow", "running": "bold green"}.get(key, "")
                cells.append(Text(str(count), style=style if count else "dim"))
            job, when = org.oldest_backup
            cells.append(Text(ago(when, now) if job is not None else "-"))
            rows.append(cells)
        width = self.organization_width(rows)
        for index, (org, cells) in enumerate(zip(self.orgs, rows, strict=True)):
            name = fit_middle(clean(org.name.removesuffix(".onmicrosoft.com")), width).rstrip()
            table.add_row(Text(name), *cells, key=str(index))

    def organization_width(self, rows: list[list[Text]]) -> int:
        """What is left for the names once the figures have their room (ORG_MIN..ORG_WIDTH)."""
        table = self.query_one(DataTable)
        columns = list(table.columns.values())[1:]
        used = 0
        for at, column in enumerate(columns):
            title = max((cell_len(line) for line in column.label.plain.split("\n")), default=0)
            used += max([title, *(row[at].cell_len for row in rows)]) + 2 * table.cell_padding
        room = self.app.size.width - used - 2 * table.cell_padding - SCROLLBAR
        return max(ORG_MIN, min(ORG_WIDTH, room))

    @work(exclusive=True, group="pulse", exit_on_error=False, description="pulse")
    async def load(self) -> None:
        self.pulse = await read_pulse(self.ops)
        text = server_lines(self.pulse, self.local_tz, self.ops.client.version)
        self.query_one("#pulse-server", Static).update(text)
        self.loaded = True

    def show_zone(self) -> None:
        """The app's zone changed (the palette's UTC / local toggle): the licence's date again."""
        if self.pulse is not None:
            text = server_lines(self.pulse, self.local_tz, self.ops.client.version)
            self.query_one("#pulse-server", Static).update(text)

    def shortcut_under_cursor(self) -> Shortcut | None:
        table = self.query_one(DataTable)
        if not self.orgs or table.row_count == 0:
            return None
        row, column = table.cursor_coordinate
        org = self.orgs[row]
        if column == 0:
            return Shortcut(filter=organization_filter(org), count=len(org.jobs))
        if column <= len(FIGURES):
            key = FIGURES[column - 1][0]
            return Shortcut(filter=figure_filter(org, key), count=len(figure_jobs(org, key)))
        job, _ = org.oldest_backup
        return Shortcut(job_id=job.id, count=1) if job is not None else None

    def action_open_figure(self) -> None:
        shortcut = self.shortcut_under_cursor()
        if shortcut is None or (not shortcut.filter and not shortcut.job_id):
            self.say("No shortcut into the job list for this figure.", "warning")
            return
        if shortcut.count == 0:
            self.say("No jobs behind this figure.")
            return
        self.dismiss(shortcut)

    def action_help(self) -> None:
        open_help(self)

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["FIGURES", "PulseScreen", "Shortcut", "figure_filter", "organization_filter", "server_lines"]
