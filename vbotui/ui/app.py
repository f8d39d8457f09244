"""`VboApp`: the Textual app around a `VboClient`.

Two ways to start it:
  VboApp(client, label, ...)            a client already signed in (the demo, tests)
  VboApp(sign_in=SignInSetup(...))      no client yet: the app signs in by itself (keyring, sign-in
                                        screen, certificate prompt), and can sign out or switch profile
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from vbotui.api.client import VboClient
from vbotui.api.models import RestoreSession
from vbotui.config import Profile

from .activity import ActivityLog
from .audit import AuditLog
from .commands import SessionCommands
from .screens.main import MainScreen
from .screens.quit_sessions import request_quit
from .signin_flow import SignInFlow, SignInSetup

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class VboApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "vbotui"
    COMMANDS = App.COMMANDS | {SessionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit-now"),
    ]

    def __init__(
        self,
        client: VboClient | None = None,
        label: str = "",
        *,
        read_only: bool = False,
        refresh_s: float = 30.0,
        mouse: bool = True,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        audit: AuditLog | None = None,
        sign_in: SignInSetup | None = None,
    ) -> None:
        super().__init__()
        if client is None and sign_in is None:
            raise ValueError("VboApp needs a signed-in client or a sign-in setup")
        self.client = client
        self.label = label
        self.read_only = read_only
        self.refresh_s = max(refresh_s, 2.0)
        self.mouse = mouse
        self.clock: Clock = clock or utc_now
        self.activity = ActivityLog(self.clock, monotonic)
        self.audit = audit
        self.flow = SignInFlow(self, sign_in) if sign_in is not None else None
        self.org_names: dict[str, str] = {}
        self.last_update: datetime | None = None
        self.refresh_failed = False
        # Restore sessions opened from this app, offered for stopping on quit.
        self.started_restore_sessions: dict[str, RestoreSession] = {}
        if os.environ.get("SSH_TTY"):
            self.animation_level = "none"  # every animated frame is a redraw over the link

    @property
    def insecure(self) -> bool:
        """TLS is not verified for the server in use (--insecure): the header says so, always."""
        return self.flow is not None and self.flow.insecure

    def on_mount(self) -> None:
        if self.flow is not None:
            self.run_worker(self.flow.startup(), group="sign-in", exit_on_error=False)
        else:
            self.push_screen(MainScreen())

    # --- driven by the sign-in flow ----------------------------------------------------------------

    async def show_only(self, screen: Screen[None]) -> None:
        """Make `screen` the only screen above the default one (dialogs and the old main go)."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) == 2:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    async def attach(self, client: VboClient, profile: Profile, audit: AuditLog | None) -> None:
        """Use `client` from now on. The same client signed in again: just close the sign-in screen."""
        if client is self.client and isinstance(self.screen_stack[1], MainScreen):
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            main = self.screen_stack[1]
            assert isinstance(main, MainScreen)
            main.refresh_jobs(with_orgs=True)
            return
        self.client, self.label = client, profile.name
        self.read_only, self.refresh_s = profile.read_only, max(profile.refresh, 2.0)
        # The profile's own keys (binding id = "keys"), e.g. start = "S"; the defaults otherwise.
        self.set_keymap(dict(profile.keymap))
        self.audit = audit
        self.org_names, self.last_update, self.refresh_failed = {}, None, False
        self.started_restore_sessions = {}
        await self.show_only(MainScreen())

    def detach(self) -> None:
        self.client = None

    def check_session(self) -> None:
        """After a request: a client that lost its tokens (refresh refused) means sign in again."""
        client = self.client
        if client is not None and not client.is_signed_in:
            if self.flow is not None:
                self.flow.session_expired()
            elif not any(e.action == "session" for e in self.activity.entries):
                self.activity.note("session", "expired: restart vbotui to sign in again")

    async def aclose(self) -> None:
        """Close the session the app opened (the caller closes a client it passed in)."""
        if self.flow is not None:
            await self.flow.aclose()

    async def action_quit(self) -> None:
        if self.client is None:
            self.exit()
        else:
            request_quit(self, self.client)
