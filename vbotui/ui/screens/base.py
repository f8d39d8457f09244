"""What every screen of the app has: its workers' errors reach the app, and a line of its own for
what the app says when the status panel is not on screen.

Textual posts `Worker.StateChanged` to the node that started the worker only (it does not bubble),
so a worker a screen starts (`@work` on a screen method) would end in ERROR unseen: no line, and a
screen left saying "Reading..." for ever. `AppScreen.on_worker_state_changed` hands the error to
the app's one handler (`VboApp.worker_failed`) and replaces the screen's "Reading..." line.

    class PulseScreen(AppScreen, Screen[Shortcut | None]): ...
    class ExploreDialog(AppScreen, ModalScreen[ExploreOptions | None]): ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ..safe_text import clean

SAID_LINE = "said-line"
# A line that says a worker is at work: "Reading sessions...", "Organization: reading its backup
# times...", "Stopping <session>...".
IN_PROGRESS = ("reading", "stopping")


@runtime_checkable
class TellsTheOperator(Protocol):
    """What a screen needs of its app (VboApp): its one line-writer and its one worker-error handler.
    A test's bare App has neither: a screen then says nothing more than its own line."""

    def say(self, text: str, severity: str = "information", *, action: str = "note") -> None: ...

    def worker_failed(self, worker: Worker[Any]) -> str: ...


if TYPE_CHECKING:
    _ScreenMixin = Screen[Any]  # what the mixin's methods use: the screen it is mixed into
else:
    # A plain class at run time: Textual takes the default CSS of the FIRST DOMNode base only, so
    # a Screen here would drop ModalScreen's (its see-through background) from every dialog.
    _ScreenMixin = object


class AppScreen(_ScreenMixin):
    """The base of every screen: first in the bases, before `Screen[...]` or `ModalScreen[...]`."""

    def say(self, text: str, severity: str = "information", *, action: str = "note") -> None:
        """The app's one way to tell the operator something (VboApp.say): a line, never a toast."""
        if isinstance(self.app, TellsTheOperator):
            self.app.say(text, severity, action=action)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        app = self.app
        said = (
            app.worker_failed(event.worker)
            if isinstance(app, TellsTheOperator)
            else type(event.worker.error).__name__
        )
        self._reading_failed(str(said))

    def _reading_failed(self, said: str) -> None:
        """A line of this screen still says a worker is at work: say instead that it failed."""
        for line in self.query(Static):
            content = line.content
            text = content.plain if isinstance(content, Text) else content if isinstance(content, str) else ""
            if any(word in text.lower() for word in IN_PROGRESS) and text.rstrip().endswith(
                ("...", "\u2026")
            ):
                line.update(Text(clean(said), style="bold red"))
                line.add_class("-error")

    def show_said(self, text: str, severity: str = "information") -> None:
        """The app's line on this screen, which has no status panel: one line above the footer."""
        try:
            bar = self.query_one(f"#{SAID_LINE}", Static)
        except NoMatches:
            bar = Static("", id=SAID_LINE)
            self.mount(bar)
        bar.update(Text(clean(text), no_wrap=True, overflow="ellipsis"))
        bar.set_class(severity == "error", "-error")
        bar.set_class(severity == "warning", "-warning")
