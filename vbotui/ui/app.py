"""`VboApp`: the Textual app around a `VboClient`.

Two ways to start it:
  VboApp(client, label, ...)            a client already signed in (the demo, tests)
  VboApp(sign_in=SignInSetup(...))      no client yet: the app signs in by itself (keyring, sign-in
                                        screen, certificate prompt), and can sign out or switch profile
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from vbotui.api.client import VboClient
from vbotui.commands.exits import signal_exit_code
from vbotui.config import Profile
from vbotui.debuglog import redact
from vbotui.operations import (
    ActivityLog,
    AuditLog,
    Event,
    JobsChanged,
    Notice,
    RestoreSessionsChanged,
    ServerOperations,
    SessionExpired,
)
from vbotui.textclean import clean
from vbotui.timeparse import display_zone, zone_label

from .actions import bindings_for
from .commands import SessionCommands, ViewCommands
from .driver import CompactDriver, terminal_hung_up
from .messages import JobsUpdated, SessionEnded, StartedSessionsUpdated
from .palette import OrderedCommandPalette
from .screens.main import MainScreen
from .stop_signals import EarlySignals, ShutdownWatchdog, StopSignals

if TYPE_CHECKING:  # the sign-in flow (keyring, sign-in screens) is imported when it is used
    from .signin_flow import SignInFlow, SignInSetup

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def sixteen_colours(app: App[Any]) -> bool:
    """The terminal shows 16 colours or fewer (Rich reads TERM and COLORTERM)."""
    return app.console.color_system in ("standard", "windows")


class VboApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "vbotui"
    # Only vbotui's own commands: not Textual's generic ones (Keys, Maximize, Screenshot, Theme,
    # and a second Quit that skips the offer to stop restore sessions).
    COMMANDS = {SessionCommands, ViewCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")

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
        ansi: bool | None = None,
        utc: bool = False,
        accent: str | None = None,
        reread_later: bool = True,
        download_dir: str | None = None,
    ) -> None:
        super().__init__()
        # Where `w` writes: --download-dir, else (config.download_folder) VBOTUI_DOWNLOAD_DIR, the
        # signed-in profile's download_dir, the Downloads folder.
        self.download_dir_flag = download_dir
        self.profile_download_dir: str | None = None
        self.reread_later = reread_later
        # Times in UTC (--utc, VBOTUI_UTC=1, utc = true) or local time: one zone for every screen,
        # held by the operations object the screens read it from; the palette toggles it.
        self.utc = utc
        self.utc_toggled = False  # the palette chose for this run: a profile switch keeps it
        self.accent = accent  # the profile's header badge colour (accent = "red")
        self.ansi = ansi  # the terminal's 16 colours; None: when TERM says so
        if client is None and sign_in is None:
            raise ValueError("VboApp needs a signed-in client or a sign-in setup")
        self.label = label
        self.read_only = read_only
        self.refresh_s = max(refresh_s, 2.0)
        self.mouse = mouse
        self._terminal_check: Timer | None = None  # is the terminal still there (Linux, a real one)
        self._stop_signals: StopSignals | None = None
        self._early_signals = EarlySignals()
        self.clock: Clock = clock or utc_now
        self.activity = ActivityLog(self.clock, monotonic)
        self.flow: SignInFlow | None = None
        if sign_in is not None:
            from .signin_flow import SignInFlow

            self.flow = SignInFlow(self, sign_in)
        # The signed-in server: everything the screens do with it goes through this object.
        self.ops: ServerOperations | None = None
        if client is not None:
            self.ops = self._operations(client, label, audit)
        if os.environ.get("SSH_TTY"):
            self.animation_level = "none"  # every animated frame is a redraw over the link

    def get_driver_class(self) -> type[Driver]:
        # On a real terminal, output with its style escapes written as changes (fewer bytes over SSH).
        driver = super().get_driver_class()
        return CompactDriver if driver is LinuxDriver else driver

    def _operations(self, client: VboClient, label: str, audit: AuditLog | None) -> ServerOperations:
        ops = ServerOperations(
            client, self.activity, label=label, read_only=self.read_only, audit=audit, zone=self.zone
        )
        ops.subscribe(lambda event: self._ops_event(ops, event))
        if self.reread_later:  # acted jobs are read again a few seconds later (jobs.REREAD_AFTER_S)
            ops.jobs.scheduler = self._reread_later
        return ops

    def _reread_later(self, delay: float, read: Callable[[], Awaitable[None]]) -> None:
        def start() -> None:
            self.run_worker(read(), group="re-read", exit_on_error=False, description="re-read job")

        self.set_timer(max(delay, 0.01), start)  # a timer of 0 s never fires

    @property
    def zone(self) -> tzinfo:
        """The one zone every time is shown (and typed) in."""
        return display_zone(self.utc)

    def toggle_utc(self) -> None:
        """The palette's "Times in UTC / Times in local time": for this run; every screen repaints."""
        self.utc, self.utc_toggled = not self.utc, True
        zone = self.zone
        if self.ops is not None:
            self.ops.zone = zone
        for screen in self.screen_stack:
            show_zone = getattr(screen, "show_zone", None)
            if callable(show_zone):
                show_zone()
        self.activity.note("times", f"shown in {zone_label(zone, self.clock())}")

    @property
    def client(self) -> VboClient | None:
        return self.ops.client if self.ops is not None else None

    def _ops_event(self, ops: ServerOperations, event: Event) -> None:
        """The operations layer's events become messages (a stale server's events are dropped)."""
        if ops is not self.ops:
            return
        if isinstance(event, Notice):
            self.say(event.message, event.severity, logged=True)  # each has its line in the panel
        elif isinstance(event, SessionExpired):
            self.post_message(SessionEnded(event.reason))
        elif isinstance(event, JobsChanged):
            for screen in self.screen_stack:
                screen.post_message(JobsUpdated(event.jobs, event.gone))
        elif isinstance(event, RestoreSessionsChanged):
            for screen in self.screen_stack:
                screen.post_message(StartedSessionsUpdated(event.sessions))

    @property
    def insecure(self) -> bool:
        """TLS is not verified for the server in use (--insecure): the header says so, always."""
        return self.flow is not None and self.flow.insecure

    def on_mount(self) -> None:
        if self.ansi if self.ansi is not None else (not self.is_headless and sixteen_colours(self)):
            # 16 colours (TERM=xterm, screen): the terminal's own colours, not the nearest of 16
            # to a truecolor theme (which made a warning bright red and a failure magenta).
            self.theme = "ansi-dark"
        # SIGHUP (the SSH link dropped), SIGINT, SIGTERM: stop sending, account for what was sent,
        # end. Only on a real terminal: a test's headless app must not take the test run's signals.
        if not self.is_headless:
            early = self._early_signals.restore()  # what came while the terminal was being taken
            self._stop_signals = StopSignals(
                asyncio.get_running_loop(), self._stop_signal, self._stop_signal_at_once, ShutdownWatchdog()
            )
            if not self._stop_signals.install():
                self._stop_signals = None
            if early:  # the terminal went (or a stop came) before anything was started: end there
                self._stop_signal(early[0])
                return
        # macOS's poll() does not work on terminals: the check is Linux's (where jump hosts are).
        stdin = sys.__stdin__
        if not self.is_headless and sys.platform.startswith("linux") and stdin is not None and stdin.isatty():
            self._terminal_check = self.set_interval(1.0, partial(self._check_terminal, stdin.fileno()))
        if self.flow is not None:
            self.run_worker(self.flow.startup(), group="sign-in", exit_on_error=False)
        else:
            assert self.ops is not None
            self.push_screen(self.main_screen(self.ops))

    def main_screen(self, ops: ServerOperations) -> MainScreen:
        plain_http = self.flow is not None and self.flow.plain_http
        return MainScreen(
            ops, refresh_s=self.refresh_s, insecure=self.insecure, plain_http=plain_http, accent=self.accent
        )

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
        if (
            self.ops is not None
            and client is self.ops.client
            and isinstance(self.screen_stack[1], MainScreen)
        ):
            self.ops.expired = False
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            main = self.screen_stack[1]
            assert isinstance(main, MainScreen)
            main.refresh_jobs(with_orgs=True)
            return
        self.label = profile.name
        self.read_only, self.refresh_s = profile.read_only, max(profile.refresh, 2.0)
        self.accent = profile.accent
        self.profile_download_dir = profile.download_dir
        if not self.utc_toggled:  # the palette's choice holds for the run
            self.utc = profile.utc
        # The profile's own keys (binding id = "keys"), e.g. start = "S"; the defaults otherwise.
        self.set_keymap(dict(profile.keymap))
        self.ops = self._operations(client, profile.name, audit)
        await self.show_only(self.main_screen(self.ops))

    def detach(self) -> None:
        self.ops = None

    @on(SessionEnded)
    def _session_ended(self, message: SessionEnded) -> None:
        """From any screen's request: ask for the password again (nothing is re-sent)."""
        if self.flow is not None:
            self.flow.session_expired()
        elif not any(e.action == "session" for e in self.activity.entries):
            self.activity.note("session", "expired: restart vbotui to sign in again")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers; a screen's reach `worker_failed` through its base (AppScreen)."""
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[Any]) -> str:
        """The one handler of worker errors: reported in a line, and the app goes on. Returns the line."""
        error = worker.error
        what = worker.description or worker.name or "background task"
        log.error("%s failed", what, exc_info=error)  # the traceback: only with --debug, redacted
        # An exception's text may quote a request (a bearer token) or the password it was given.
        said = redact(
            f"{what} failed: {type(error).__name__}: {error}", [os.environ.get("VBOTUI_PASSWORD", "")]
        )
        self.say(said, "error", action="error")
        return said

    def say(
        self, text: str, severity: str = "information", *, action: str = "note", logged: bool = False
    ) -> None:
        """The one way the app tells the operator something: cleaned, a line in the status panel
        (`logged`: it has one already), and on a screen without the panel, that screen's own line.
        Never a toast: one covered the newest status lines and the dialogs."""
        said = clean(text)
        if not logged:
            self.activity.note(action, said)
        for screen in reversed(self.screen_stack):
            if screen.is_modal:  # a dialog: the line goes on the screen beneath, which shows through
                continue
            if not screen.query("StatusPanel"):
                show_said = getattr(screen, "show_said", None)
                if callable(show_said):
                    show_said(said, severity)
            break

    def action_command_palette(self) -> None:
        """Textual's palette, but keys typed right after `:` reach its input in order."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(OrderedCommandPalette(id="--command-palette"))

    def _check_terminal(self, fd: int) -> None:
        if terminal_hung_up(fd):
            if self._terminal_check is not None:
                self._terminal_check.stop()
            self.hang_up()

    def _stop_signal_at_once(self, signum: int) -> None:
        """In the signal handler itself: a hang-up means nothing may wait on the terminal any more."""
        if signum == signal.SIGHUP:
            self._terminal_gone()

    def _stop_signal(self, signum: int) -> None:
        if signum == signal.SIGHUP:
            self.hang_up()
        else:
            self.stop_sending(signal_exit_code(signum))  # 130 SIGINT, 143 SIGTERM: the terminal is restored

    def _terminal_gone(self) -> None:
        driver = self._driver
        if isinstance(driver, CompactDriver):
            driver.terminal_gone = True

    def hang_up(self) -> None:
        """The terminal is gone: nothing more is written to it; then as stop_sending, with 129."""
        self._terminal_gone()
        self.stop_sending(signal_exit_code(signal.SIGHUP))

    def stop_sending(self, code: int) -> None:
        """No new request leaves; each action in flight is cancelled, which writes it to the audit log
        as "outcome unknown" (the operations layer does); then the app ends with `code`, within the
        watchdog's bound even if the terminal cannot be closed."""
        if self.ops is not None:
            self.ops.close()
        for worker in self.workers:
            if worker.group == "action":
                worker.cancel()
        if self._stop_signals is not None:
            self._stop_signals.watchdog.arm(code)
        self.exit(return_code=code)

    async def run_async(self, **kwargs: Any) -> None:
        # A stop signal that comes before on_mount listens (the terminal closed while the app was
        # taking it) is kept and handed over then, not fatal.
        if not kwargs.get("headless", False):
            self._early_signals.listen()
        try:
            return await super().run_async(**kwargs)
        finally:
            self._early_signals.restore()
            if self._stop_signals is not None:  # the app has ended: the shell's handlers again
                self._stop_signals.restore()
                self._stop_signals = None

    async def aclose(self) -> None:
        """Close the session the app opened (the caller closes a client it passed in)."""
        if self.flow is not None:
            await self.flow.aclose()

    async def action_quit(self) -> None:
        if self.ops is None:
            self.exit()
        else:
            from .screens.quit_sessions import request_quit

            request_quit(self, self.ops)
