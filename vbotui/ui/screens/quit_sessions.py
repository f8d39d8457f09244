"""On quit, offer to stop the restore sessions this app started and that still hold server resources.

A restore session keeps its backup mounted on the server until it is stopped or times out (the
timeout is not documented), so leaving one behind is worth a question. Wiring, in the app:

    def action_quit(self) -> None:
        request_quit(self, self.ops)

`request_quit` runs `offer_to_stop_sessions` in a worker (a dialog can only be awaited from one)
and exits the app when the answer is to quit.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from vbotui.api.models import RestoreSession
from vbotui.operations import DONE, ServerOperations

from ..actions import bindings_for
from ..safe_text import safe_text
from .base import AppScreen
from .restore_sessions import describe_session

STOP, KEEP = "stop", "keep"
SHOWN_SESSIONS = 6


class StopSessionsOnQuit(AppScreen, ModalScreen[str | None]):
    """`y` stop them and quit; `k` (or a second quit key) quit, keep them; `n`, `esc` (the default) stay.

    The dialog stays up while the sessions are stopped and, when one was not (refused, failed, or
    its answer lost), says which and why, and that vbotui stays open: then only keep or stay."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("quit-offer")

    def __init__(self, sessions: list[RestoreSession]) -> None:
        super().__init__()
        self.sessions = sessions
        self.state = "asking"  # asking | stopping | not_stopped
        self.problems: list[tuple[RestoreSession, str]] = []
        self._answers: asyncio.Queue[str | None] = asyncio.Queue()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._body(), id="quit-body")
            with Horizontal():
                yield Button("Quit, keep them", id="quit-keep", compact=True)
                yield Button("Stop them and quit", id="quit-stop", variant="warning", compact=True)
                yield Button("Stay", id="quit-stay", compact=True)

    def _body(self) -> Text:
        body = Text()
        if self.state == "not_stopped":
            count = len(self.problems)
            noun = "restore session was" if count == 1 else "restore sessions were"
            body.append(f"{count} {noun} not stopped, so vbotui stays open:\n", style="bold")
            for session, why in self.problems[:SHOWN_SESSIONS]:
                body.append("  ")
                body.append_text(describe_session(session))
                body.append(": ")
                body.append_text(safe_text(why))
                body.append("\n")
            if count > SHOWN_SESSIONS:
                body.append(f"  ... and {count - SHOWN_SESSIONS} more (see the status panel)\n", style="dim")
            body.append("The audit log has each outcome. Check them before quitting.\n")
            body.append("k quit, keep them   n or esc stay", style="dim")
            return body
        count = len(self.sessions)
        noun = "restore session" if count == 1 else "restore sessions"
        body.append(f"{count} {noun} started from here still working:\n", style="bold")
        for session in self.sessions[:SHOWN_SESSIONS]:
            body.append("  ")
            body.append_text(describe_session(session))
            body.append("\n")
        if count > SHOWN_SESSIONS:
            body.append(f"  ... and {count - SHOWN_SESSIONS} more\n", style="dim")
        body.append("A restore session holds server resources until it is stopped or times out.\n")
        if self.state == "stopping":
            body.append(f"Stopping {count} {noun}...", style="bold")
        else:
            body.append("y stop them and quit   k quit, keep them   n or esc stay", style="dim")
        return body

    def on_mount(self) -> None:
        self.query_one("#quit-stay", Button).focus()  # the default does nothing irreversible

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer({"quit-keep": KEEP, "quit-stop": STOP}.get(event.button.id or ""))

    def action_answer(self, answer: str | None) -> None:
        if self.state == "stopping" or (answer == STOP and self.state != "asking"):
            return  # stop is asked once: a session whose stop was not done is the operator's to check
        self._answers.put_nowait(answer)

    async def next_answer(self) -> str | None:
        return await self._answers.get()

    def stopping(self) -> None:
        self.state = "stopping"
        self.query_one("#quit-stop", Button).disabled = True
        self.query_one("#quit-body", Static).update(self._body())

    def not_stopped(self, problems: list[tuple[RestoreSession, str]]) -> None:
        self.state, self.problems = "not_stopped", problems
        self.query_one("#quit-stop", Button).display = False
        self.query_one("#quit-body", Static).update(self._body())
        self.query_one("#quit-stay", Button).focus()


async def offer_to_stop_sessions(app: App[Any], ops: ServerOperations) -> bool:
    """Whether to quit now. Must run in a worker (it awaits a dialog).

    No working session: True. Otherwise asks: stop them (each reported in the status panel; if any
    stop is not done the dialog says which and why, and asks again: keep them and quit, or stay),
    keep them (True), or stay (False).
    """
    working = await ops.working_started_sessions()
    if not working:
        return True
    dialog = StopSessionsOnQuit(working)
    await app.push_screen(dialog)
    try:
        answer = await dialog.next_answer()
        if answer == STOP:
            dialog.stopping()
            results = [(session, await ops.stop_restore_session(session)) for session in working]
            problems = [(session, r.outcome.describe()) for session, r in results if r.outcome.kind != DONE]
            if not problems:
                return True
            dialog.not_stopped(problems)
            answer = await dialog.next_answer()
        return answer == KEEP
    finally:
        if dialog.is_attached and app.screen is dialog:
            dialog.dismiss(None)


def request_quit(app: App[Any], ops: ServerOperations) -> None:
    """The app's quit action: offer to stop sessions, then exit. A second quit key while asking
    answers "quit, keep them"."""
    if isinstance(app.screen, StopSessionsOnQuit):
        app.screen.action_answer(KEEP)
        return

    async def quit_flow() -> None:
        if await offer_to_stop_sessions(app, ops):
            app.exit()

    app.run_worker(quit_flow(), name="quit-offer", group="quit-offer", exit_on_error=False)
