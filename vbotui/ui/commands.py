"""The command palette (`:` or ctrl+p): every action of the main screen, and jump to a job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from vbotui.api.client import VboClient

from .actions import PaletteAction, active_keymap, palette_actions
from .safe_text import clean
from .widgets.job_table import JobTable

if TYPE_CHECKING:
    from .signin_flow import SignInFlow

MAX_JOB_HITS = 40


# What the providers need of the screen and the app they serve, said as protocols: the main screen
# and the app import this module for their COMMANDS, so it must not import them back.
@runtime_checkable
class JobsScreen(Protocol):
    jobs: JobTable

    def run_palette_action(self, name: str) -> None: ...

    def go_to_job(self, job_id: str) -> None: ...


@runtime_checkable
class SigningInApp(Protocol):
    flow: SignInFlow | None

    @property
    def client(self) -> VboClient | None: ...


@runtime_checkable
class ZoneApp(Protocol):
    utc: bool

    def toggle_utc(self) -> None: ...


class ViewCommands(Provider):
    """How times are shown, on every screen: in UTC or in local time (for this run)."""

    def _command(self) -> tuple[str, Callable[[], object], str] | None:
        app = self.app
        if not isinstance(app, ZoneApp):
            return None
        if app.utc:
            return "Times in local time", app.toggle_utc, "show every time in this computer's time zone"
        return "Times in UTC", app.toggle_utc, "show every time in UTC (as --utc or utc = true do)"

    async def discover(self) -> Hits:
        command = self._command()
        if command is not None:
            title, run, help_text = command
            yield DiscoveryHit(Text(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        command = self._command()
        if command is None:
            return
        title, run, help_text = command
        matcher = self.matcher(query)
        score = max(matcher.match(title), matcher.match("time zone utc local"))
        if score > 0:
            yield Hit(score, Text(title), run, text=title, help=help_text)


class JobCommands(Provider):
    def _main(self) -> JobsScreen | None:
        screen = self.screen
        return screen if isinstance(screen, JobsScreen) else None

    def _run(self, action: str) -> Callable[[], object]:
        main = self._main()
        assert main is not None
        return partial(main.run_palette_action, action)

    def _actions(self) -> list[PaletteAction]:
        """The main screen's actions from the registry, with the keys of the active keymap."""
        return palette_actions("main", active_keymap(self.app))

    async def discover(self) -> Hits:
        if self._main() is None:
            return
        for entry in self._actions():
            yield DiscoveryHit(entry.title, self._run(entry.action), help=escape(entry.help))

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for entry in self._actions():
            score = matcher.match(entry.title)
            if score > 0:
                title = matcher.highlight(entry.title)
                yield Hit(score, title, self._run(entry.action), help=escape(entry.help))
        # Job names are server text: plain Text (the matcher's highlight would parse markup),
        # and substring tests (fuzzy matching 10,000 names per keystroke is too slow): every word
        # of the query in the name or the organization ("fab tea" finds Fabrikam - Teams).
        words = query.lower().split()
        if not words:
            return
        hits = 0
        typed = sum(len(word) for word in words)
        for job in main.jobs.jobs.values():
            hay = f"{job.name.lower()}\n{main.jobs.org_name(job).lower()}"
            if all(word in hay for word in words):
                name = clean(job.name)
                yield Hit(
                    0.5 + 0.5 * min(1.0, typed / max(len(job.name), 1)),
                    Text(f"Go to job: {name}"),
                    partial(main.go_to_job, job.id),
                    text=f"Go to job: {name}",
                    help=escape(clean(main.jobs.org_name(job))),  # the palette parses help as markup
                )
                hits += 1
                if hits >= MAX_JOB_HITS:
                    return


class SessionCommands(Provider):
    """Sign out, and switch to each configured profile (only when the app signs in by itself)."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.app
        if not isinstance(app, SigningInApp) or app.flow is None:
            return []
        flow = app.flow
        commands: list[tuple[str, Callable[[], object], str]] = []
        if app.client is not None:
            commands.append(
                (
                    "Sign out (logout)",
                    partial(_in_worker, app, flow.sign_out),
                    "revoke the session on the server where the API can, delete the saved sign-in",
                )
            )
        for name in sorted(flow.profiles):
            title = f"Switch profile: {clean(name)}"
            url = clean(flow.profiles[name].url)
            switch = partial(_in_worker, app, partial(flow.switch, name))
            commands.append((title, switch, escape(f"sign in to {url}")))
        return commands

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(Text(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, Text(title), run, text=title, help=help_text)


def _in_worker(app: App[Any], job: Callable[[], Awaitable[None]]) -> None:
    app.run_worker(job(), group="sign-in", exit_on_error=False)
