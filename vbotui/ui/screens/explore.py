"""The explore dialog (`o`): start a restore session for a job's backup at a point in time.

The dialog reads the job's organization for its first and last backup times, shows the typed time
in UTC as it is typed and says what the server will do with it (the seed: before the first backup
the session holds no data; after the last one the latest restore point is used). Enter sends the
explore action itself, in a worker; a refusal is shown verbatim and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from vbotui.api.errors import VboError
from vbotui.api.models import EXPLORE_TYPES, ExploreOptions, Job, Organization, RestoreSession
from vbotui.operations import DONE, UNKNOWN, ServerOperations
from vbotui.operations.backed_up import default_explore_type, read_backed_up_types
from vbotui.timeparse import PointInTime, TimeParseError, parse_point_in_time, zone_label
from vbotui.timetext import zoned_text
from vbotui.ui.actions import bindings_for
from vbotui.ui.safe_text import safe_text
from vbotui.ui.typeahead import TypeaheadInput

from ..zone import InTheAppsZone
from .base import AppScreen

Clock = Callable[[], datetime]
HINT = "Enter explore  Tab next field  arrows type  Space tick  Esc close"
NOT_SENT_BAD_TIME = "Not sent: correct the point in time first."


def format_utc(value: datetime) -> str:
    return zoned_text(value, timezone.utc, "%Y-%m-%d %H:%M:%S UTC")


class TypePicker(RadioSet, inherit_bindings=False):
    """A radio set where the arrows choose (as in native radio groups) and Enter is left to the dialog."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("explore-type")

    def action_choose_next(self) -> None:
        self.action_next_button()
        self.action_toggle_button()

    def action_choose_previous(self) -> None:
        self.action_previous_button()
        self.action_toggle_button()


class Flag(Checkbox, inherit_bindings=False):
    """A checkbox toggled by space only, so that Enter sends the dialog."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("explore-flag")

    def render(self) -> Content:
        # Textual draws "X" either way and tells on from off by colour alone, which 16-colour
        # and NO_COLOR terminals lose: blank when off.
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()


class TypeButton(RadioButton):
    """A radio button whose dot shows only when chosen (not only in colour, as Textual's does)."""

    def render(self) -> Content:
        self.BUTTON_INNER = "\u25cf" if self.value else " "
        return super().render()


class ExploreDialog(AppScreen, InTheAppsZone, ModalScreen[ExploreOptions | None]):
    """Returns the options of the last restore session it started, or None if it started none."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("explore")

    def __init__(
        self,
        ops: ServerOperations,
        job: Job,
        *,
        clock: Clock | None = None,
        local_tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.ops = ops
        self.job = job
        # The app's clock (the simulator's in --demo) decides what "now" is, unless one is given.
        self.clock: Clock = clock or ops.clock
        self._zone = local_tz  # a fixed zone (tests); None: the app's, which can change
        self.types = ops.explore_types()
        self.organization: Organization | None = None
        self.organization_error: str | None = None
        self.sending = False
        self.last_started: ExploreOptions | None = None
        self.time_refused = False  # the outcome line says the time is wrong (until it is right)

    def compose(self) -> ComposeResult:
        with Vertical(id="explore-box"):
            title = Text.assemble("Explore backup of job ", safe_text(self.job.name))
            yield Static(title, id="explore-title")
            yield Static("Organization: reading its backup times...", id="explore-org")
            with Horizontal(classes="explore-row", id="explore-time-row"):
                yield Label("Point in time", classes="explore-label")
                yield TypeaheadInput(
                    "latest",
                    placeholder="latest, -2h, YYYY-MM-DD HH:MM (local), ISO 8601",
                    id="explore-time",
                    select_on_focus=True,
                )
            yield Static("", id="explore-utc")
            yield Static("", id="explore-consequence")
            with Horizontal(classes="explore-row"):
                yield Label("Type", classes="explore-label")
                with TypePicker(id="explore-type", compact=True):
                    for index, code in enumerate(self.types):
                        yield TypeButton(EXPLORE_TYPES[code], value=index == 0, id=f"type-{code}")
            with Horizontal(classes="explore-row"):
                yield Label("", classes="explore-label")
                yield Flag("Show deleted items", id="explore-deleted", compact=True)
                yield Flag("Show all versions", id="explore-versions", compact=True)
            yield Static("", id="explore-outcome", classes="-empty")  # shown once there is an outcome
            with Horizontal(classes="explore-row", id="explore-buttons"):
                yield Button("Explore", id="explore-send", variant="primary", compact=True)
                yield Button("Cancel", id="explore-cancel", compact=True)
            yield Static(HINT, id="explore-hint")

    def on_mount(self) -> None:
        self.query_one("#explore-time", Input).focus()
        self.update_preview()
        self.load_organization()
        self.load_backed_up_types()

    # --- the organization's backup times (read once, in a worker)

    @work(exclusive=True, group="explore-organization", exit_on_error=False, description="read organization")
    async def load_organization(self) -> None:
        if not self.job.organization_id:
            self.organization_error = "the job does not name its organization"
        else:
            try:
                self.organization = await self.ops.organization(self.job.organization_id)
            except VboError as err:
                self.organization_error = err.describe()
        self.show_organization()
        self.update_preview()

    # --- the default type: what the job backs up (read once, in a worker)

    @work(exclusive=True, group="explore-backed-up", exit_on_error=False, description="read selected items")
    async def load_backed_up_types(self) -> None:
        backed_up = await read_backed_up_types(self.ops, self.job)
        chosen = default_explore_type(self.types, backed_up)
        # Only while the operator has not chosen: a type picked by hand stays.
        if self.is_attached and self.chosen_type() == self.types[0] and chosen != self.types[0]:
            self.query_one(f"#type-{chosen}", RadioButton).value = True

    def show_organization(self) -> None:
        line = Text("Organization: ")
        org = self.organization
        if org is None:
            line.append("backup times unknown (")
            line.append_text(safe_text(self.organization_error or "not read"))
            line.append(")")
        else:
            line.append_text(safe_text(org.name or org.id, style="bold"))
            first, last = org.first_backup_time, org.last_backup_time
            line.append("\n  first backup ")
            line.append(format_utc(first) if first else "none")
            line.append("   last backup ")
            line.append(format_utc(last) if last else "none")
        self.query_one("#explore-org", Static).update(line)

    # --- the typed time, in UTC, and what the server will do with it

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "explore-time":
            self.update_preview()

    def parse_time(self) -> PointInTime:
        text = self.query_one("#explore-time", Input).value
        return parse_point_in_time(text, now=self.clock(), local_tz=self.local_tz)

    def update_preview(self) -> None:
        utc_line = self.query_one("#explore-utc", Static)
        consequence = self.query_one("#explore-consequence", Static)
        try:
            point = self.parse_time()
        except TimeParseError as err:
            utc_line.update(Text(str(err)))
            utc_line.add_class("-error")
            consequence.update("")
            return
        utc_line.remove_class("-error")
        if self.time_refused:  # the time that line was about is correct now
            self.show_outcome(Text(""))
        utc = point.value.strftime("%Y-%m-%d %H:%M:%S")
        said = f"{'now: ' if point.is_latest else ''}UTC {utc}"
        if zone_label(self.local_tz, point.value) != "UTC":  # with --utc, typed times are UTC too
            said += f" · local {point.value.astimezone(self.local_tz).strftime('%Y-%m-%d %H:%M:%S %Z')}"
        utc_line.update(said)
        message, is_warning = self.consequence_of(point)
        consequence.update(message)
        consequence.set_class(not is_warning, "-ok")

    def consequence_of(self, point: PointInTime) -> tuple[str, bool]:
        """What the server does with this point in time (the seed's rules), and if it deserves a warning."""
        org = self.organization
        if org is None:
            return ("" if self.organization_error else "Checking the organization's backups...", False)
        first, last = org.first_backup_time, org.last_backup_time
        if first is None and last is None:
            return "The organization has no backup yet: the restore session will hold no data.", True
        if first is not None and point.value < first:
            return (
                "Before the first backup: the restore session will be created with no data "
                "to explore or restore.",
                True,
            )
        if last is not None and (point.is_latest or point.value > last):
            prefix = "The" if point.is_latest else "After the last backup: the"
            return f"{prefix} session uses the latest restore point ({format_utc(last)}).", False
        return "The session shows the data as backed up at that time.", False

    # --- sending

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_explore()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "explore-send":
            self.action_explore()
        else:
            self.action_close()

    def chosen_type(self) -> str:
        index = self.query_one(TypePicker).pressed_index
        return self.types[index] if 0 <= index < len(self.types) else self.types[0]

    def action_explore(self) -> None:
        if self.sending:
            return
        try:
            point = self.parse_time()
        except TimeParseError:
            self.show_outcome(Text(NOT_SENT_BAD_TIME), error=True)
            self.time_refused = True
            self.query_one("#explore-time", Input).focus()
            return
        options = ExploreOptions(
            point_in_time=point.value,
            type=self.chosen_type(),
            show_deleted=self.query_one("#explore-deleted", Checkbox).value,
            show_all_versions=self.query_one("#explore-versions", Checkbox).value,
        )
        self.sending = True
        self.query_one("#explore-send", Button).disabled = True
        self.show_outcome(Text(f"Starting a {EXPLORE_TYPES[options.type]} restore session..."))
        # On the app, not the dialog: closing the dialog mid-request must not lose a session that
        # the server creates (it is recorded, logged and offered for stopping on quit all the same).
        self.app.run_worker(self.send_explore(options), group="explore-send", exit_on_error=False)

    async def send_explore(self, options: ExploreOptions) -> None:
        try:
            result = await self.ops.explore(self.job, options)
        finally:
            self.sending = False
            if self.is_attached:
                self.query_one("#explore-send", Button).disabled = False
        outcome = result.outcome
        if outcome.kind == DONE:
            self.last_started = options
            self.show_started(result.value.restore_session)
        elif outcome.kind == UNKNOWN:
            line = Text.assemble(
                "Outcome unknown, the server may have created a session: ", safe_text(outcome.message)
            )
            self.show_outcome(line.append(". See Restore sessions (R)."), error=True)
        else:  # shown, not raised: the operator adjusts and retries
            words = f"{outcome.status} {outcome.message}" if outcome.status is not None else outcome.message
            head = "Refused: " if outcome.status is not None else "Not sent: "
            self.show_outcome(Text.assemble(head, safe_text(words)), error=True)

    def show_started(self, session: RestoreSession | None) -> None:
        if not self.is_attached:
            return
        close = self.query_one("#explore-cancel", Button)
        close.label = "Close"
        close.focus()  # so that a second Enter closes rather than starts another session
        if session is None or not session.id:
            self.show_outcome(Text("Started; the server sent no session back: see Restore sessions (R)."))
            return
        line = Text("Restore session started: ")
        line.append_text(safe_text(session.id, style="bold"))
        line.append("  type ")
        line.append_text(safe_text(session.type or "?"))
        line.append("  state ")
        line.append_text(safe_text(session.state or "?"))
        self.show_outcome(line)

    def show_outcome(self, text: Text, *, error: bool = False) -> None:
        if not self.is_attached:
            return  # closed while the request was in flight
        self.time_refused = False
        outcome = self.query_one("#explore-outcome", Static)
        outcome.update(text)
        outcome.set_class(error, "-error")
        outcome.set_class(not text.plain, "-empty")

    def action_close(self) -> None:
        self.dismiss(self.last_started)
