"""On quit, offer to stop the restore sessions this app started and that still hold server resources.

A restore session keeps its backup mounted on the server until it is stopped or times out (the
timeout is not documented), so leaving one behind is worth a question. Wiring, in the app:

    def action_quit(self) -> None:
        request_quit(self, self.ops)

`request_quit` runs `offer_to_stop_sessions` in a worker (a dialog can only be awaited from one)
and exits the app when the answer is to quit.
"""

from __future__ import annotations

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
from .base import AppScreen
from .restore_sessions import describe_session

STOP, KEEP = "stop", "keep"
SHOWN_SESSIONS = 6


class StopSessionsOnQuit(AppScreen, ModalScreen[str | None]):
    """`y` stop them and quit; `k` (or a second quit key) quit, keep them; `n`, `esc` (the default) stay."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("quit-offer")

    def __init__(self, sessions: list[RestoreSession]) -> None:
        super().__init__()
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        count = len(self.sessions)
        body = Text()
        noun = "restore session" if count == 1 else "restore sessions"
        body.append(f"{count} {noun} started from here still working:\n", style="bold")
        for session in self.sessions[:SHOWN_SESSIONS]:
            body.append("  ")
            body.append_text(describe_session(session))
            body.append("\n")
        if count > SHOWN_SESSIONS:
            body.append(f"  ... and {count - SHOWN_SESSIONS} more\n", style="dim")
        body.append("A restore session holds server resources until it is stopped or times out.\n")
        body.append("y stop them and quit   k quit, keep them   n or esc stay", style="dim")
        with Vertical():
            yield Static(body)
            with Horizontal():
                yield Button("Quit, keep them", id="quit-keep", compact=True)
                yield Button("Stop them and quit", id="quit-stop", variant="warning", compact=True)
                yield Button("Stay", id="quit-stay", compact=True)

    def on_mount(self) -> None:
        self.query_one("#quit-stay", Button).focus()  # the default does nothing irreversible

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss({"quit-keep": KEEP, "quit-stop": STOP}.get(event.button.id or ""))

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


async def offer_to_stop_sessions(app: App[Any], ops: ServerOperations) -> bool:
    """Whether to quit now. Must run in a worker (it awaits a dialog).

    No working session: True. Otherwise asks: stop them (each reported in the status panel; if any
    stop fails the app stays open so the failure can be read), keep them (True), or stay (False).
    """
    working = await ops.working_started_sessions()
    if not working:
        return True
    answer = await app.push_screen_wait(StopSessionsOnQuit(working))
    if answer is None:
        return False
    if answer == STOP:
        results = [await ops.stop_restore_session(session) for session in working]
        return all(result.outcome.kind == DONE for result in results)
    return True


def request_quit(app: App[Any], ops: ServerOperations) -> None:
    """The app's quit action: offer to stop sessions, then exit. A second quit key while asking
    answers "quit, keep them"."""
    if isinstance(app.screen, StopSessionsOnQuit):
        app.screen.dismiss(KEEP)
        return

    async def quit_flow() -> None:
        if await offer_to_stop_sessions(app, ops):
            app.exit()

    app.run_worker(quit_flow(), name="quit-offer", group="quit-offer", exit_on_error=False)
