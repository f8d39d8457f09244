"""The sign-in screen: server, user, password (masked). Enter signs in; errors are shown inline.

The password is read into a `Secret` and the field is cleared the moment Enter is pressed; it is
never logged, stored, or kept in the widget. The network work runs in an app worker (see
`signin_flow.SignInFlow.submit`), which calls back `ready()` with an error or replaces this screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from vbotui.auth import Secret

from ..actions import bindings_for
from ..commands import SessionCommands
from ..safe_text import clean
from ..typeahead import TypeaheadInput
from .base import AppScreen

if TYPE_CHECKING:
    from ..app import VboApp


class SignInScreen(AppScreen, Screen[None]):
    COMMANDS = {SessionCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("signin")

    def __init__(
        self,
        *,
        server: str = "",
        user: str = "",
        profile_name: str | None = None,
        trust: Text | None = None,
        profiles: list[str] | None = None,
        message: str = "",
        error: str = "",
        busy: str = "",
        cancellable: bool = False,
        expired: bool = False,
        config_problems: list[str] | None = None,
    ) -> None:
        super().__init__()
        # What is wrong with the config file: on this screen while it is up (a toast fades).
        self.config_problems = list(config_problems or [])
        # An Input draws its value as it is (ESC included): a user name or URL from the config
        # file, --user or the environment that holds control or invisible characters is never put
        # in a field; the operator is told, with the name cleaned, and types it.
        fields = {"server URL": server, "user name": user}
        unsafe = {what: value for what, value in fields.items() if clean(value) != value}
        self.field_warning = ""  # shown above every message while the screen is up
        if unsafe:
            shown = ", ".join(f"{what} {clean(value)}" for what, value in unsafe.items())
            self.field_warning = f"The saved {shown} holds control or invisible characters: type it."
            server = "" if "server URL" in unsafe else server
            user = "" if "user name" in unsafe else user
        self.server, self.user, self.profile_name = server, user, profile_name
        self.trust = trust or Text("")
        self.profiles = profiles or []
        self.message, self.error, self.busy = message, error, busy
        self.cancellable = cancellable
        self.expired = expired  # same server and session: only the password is asked again

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-dialog"):
            yield Static(Text("vbotui: sign in to Veeam Backup for Microsoft 365", style="bold"))
            yield Static(self._profile_line(), id="signin-profile")
            yield Label("Server URL")
            yield TypeaheadInput(self.server, placeholder="https://vbo.example.com:4443", id="server")
            yield Label("User")
            yield TypeaheadInput(self.user, placeholder="DOMAIN\\operator or operator@example.com", id="user")
            yield Label("Password")
            yield TypeaheadInput(placeholder="never stored", password=True, id="password")
            yield Static(self.trust, id="signin-trust")
            if self.config_problems:
                yield Static(self._config_line(), id="signin-config")
            # Hidden while empty (class -empty): no blank rows above the keys line at 80x24.
            yield Static("", id="signin-message", classes="-empty")
            yield Static("", id="signin-error", classes="-empty")
            keys = "enter sign in   tab next field   ctrl+p profiles   ctrl+q quit"
            keys += "   esc back" if self.cancellable else ""
            yield Static(Text(keys, style="dim"), id="signin-keys")

    def set_trust(self, trust: Text) -> None:
        """How the certificate is checked, again (a certificate was just pinned)."""
        self.trust = trust
        if self.is_mounted:
            self.query_one("#signin-trust", Static).update(trust)

    def _config_line(self) -> Text:
        first, more = self.config_problems[0], len(self.config_problems) - 1
        line = Text("Config problem: ", style="bold")
        line.append(clean(first))
        if more:
            line.append(f" (and {more} more in the status panel)", style="dim")
        return line

    def _profile_line(self) -> Text:
        line = Text()
        line.append("Profile: ", style="dim")
        line.append(clean(self.profile_name) if self.profile_name else "new (named after the server)")
        return line

    def on_mount(self) -> None:
        self.query_one("#server", Input).disabled = self.expired
        if self.busy:
            self.set_busy(self.busy)
        else:
            self.ready(message=self.message, error=self.error)

    # --- state, set by the flow ------------------------------------------------------------------

    def _inputs(self) -> list[Input]:
        return list(self.query(Input).results(Input))

    def set_busy(self, text: str) -> None:
        self.busy = text
        for box in self._inputs():
            box.disabled = True
        self._show(message=text, error="")

    def ready(self, message: str = "", error: str = "") -> None:
        """Editable again, focused on the first empty field; `error` shown in red."""
        self.busy = ""
        for box in self._inputs():
            box.disabled = box.id == "server" and self.expired
        self._show(message=message, error=error)
        empty = [box for box in self._inputs() if not box.value and not box.disabled]
        (empty[0] if empty else self.query_one("#password", Input)).focus()

    def show_error(self, error: str) -> None:
        """Change the error line alone (a countdown): fields, focus and what is typed stay."""
        self._show(message=self.message, error=error)

    def action_retry(self) -> None:
        """ctrl+r: a server being waited for is tried now."""
        vbo: VboApp = self.app  # type: ignore[assignment]
        if vbo.flow is not None:
            vbo.flow.retry_now()

    def _show(self, message: str, error: str) -> None:
        self.message, self.error = message, error
        if self.field_warning:
            message = f"{self.field_warning} {message}".strip()
        for line_id, text in (
            ("#signin-message", Text(clean(message))),
            ("#signin-error", Text(clean(error), style="bold red")),
        ):
            line = self.query_one(line_id, Static)
            line.update(text)
            line.set_class(not text.plain, "-empty")

    @property
    def error_text(self) -> str:
        return self.error

    # --- input ------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        server = self.query_one("#server", Input).value.strip()
        user = self.query_one("#user", Input).value.strip()
        password_box = self.query_one("#password", Input)
        missing = [(box, what) for box, what in (("#server", server), ("#user", user)) if not what]
        if missing:
            self.ready(error=f"{'Server URL' if missing[0][0] == '#server' else 'User'} needed.")
            self.query_one(missing[0][0], Input).focus()
            return
        if not password_box.value:
            password_box.focus()
            self._show(message="Type the password and press Enter.", error="")
            return
        password = Secret(password_box.value)
        password_box.value = ""  # cleared now: the widget never keeps it past this key
        self.set_busy(f"Signing in to {server} as {user}...")
        vbo: VboApp = self.app  # type: ignore[assignment]
        assert vbo.flow is not None
        vbo.run_worker(vbo.flow.submit(self, server, user, password), group="sign-in", exit_on_error=False)

    def action_cancel(self) -> None:
        vbo: VboApp = self.app  # type: ignore[assignment]
        if self.cancellable and not self.busy and vbo.flow is not None:
            vbo.flow.cancel_switch()
            self.dismiss()
