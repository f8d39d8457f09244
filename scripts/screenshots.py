"""Regenerate screenshots/ from the real app against the simulator, with fixed data and clock.

    python scripts/screenshots.py            # writes screenshots/*.svg (and *.png with rsvg-convert)
    python scripts/screenshots.py --out /tmp/shots explore signin-80x24   # some of them, elsewhere

Everything on screen is fixed: the simulator's seed and clock, the time zone (UTC), the server
names, and the certificate of the trust screens (made here from a fixed key, so its fingerprint
never changes). No password is typed anywhere: the simulator's demo password is only passed to
the client, and the sign-in screen is shown with its password field empty.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from rich.cells import cell_len
from textual.pilot import Pilot

from vbotui.api.client import VboClient
from vbotui.auth import MemoryTokenStore, ServerSession, TokenStore
from vbotui.config import LoadedConfig, Profile, ProfileFlags
from vbotui.fixed_tls import HOST, PINNED_PEM, PORT, URL, TlsFront, fetch_presented
from vbotui.sim import ManualClock, SimConfig, Simulator
from vbotui.tls import CertificateInfo, KnownServers
from vbotui.ui.app import VboApp
from vbotui.ui.screens.certificate import CertificateScreen
from vbotui.ui.screens.explore import ExploreDialog
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.pulse import PulseScreen
from vbotui.ui.screens.restore_sessions import ConfirmStopSession, RestoreSessionsScreen
from vbotui.ui.screens.session_log import SessionLogScreen
from vbotui.ui.screens.signin import SignInScreen
from vbotui.ui.signin_flow import SignInSetup

OUT = Path(__file__).resolve().parent.parent / "screenshots"
START = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
PX_PER_COLUMN = 11.7  # PNG width per terminal column: about what a terminal at 12 pt shows

# The server of the sign-in and certificate screens: a name that resolves nowhere, never contacted
# (the client talks to the in-process simulator through `TlsFront`).
SERVER_USER = "CORP\\vbo-operator"


# --- taking a screenshot -------------------------------------------------------------------------


def shown(path: Path) -> str:
    """`path` relative to the working folder when it is under it (screenshots/x.svg), else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_TEXT = re.compile(
    r'(?P<open><text\b[^>]*?)\sx="(?P<x>[\d.]+)"(?P<mid>[^>]*?)\stextLength="(?P<length>[\d.]+)"'
    r"(?P<rest>[^>]*>)(?P<content>[^<]*)</text>"
)


def on_the_grid(svg: str) -> str:
    """Every character of every text run placed on its terminal cell: one `<text>` each, at its x.

    Textual's SVG gives each run its start and its `textLength` and relies on the Fira Code web font;
    rsvg-convert has neither, and it stretches a run to its `textLength` unevenly and drops leading
    spaces, so long runs drifted against the short coloured runs placed after them (cells shifted by
    a column, spaces "lost" between runs, the sign-in box's right border broken). rsvg ignores a list
    of x values, so each character gets its own element; spaces draw nothing (backgrounds are rects).
    """

    def place(match: re.Match[str]) -> str:
        text = html.unescape(match["content"])
        per_cell = float(match["length"]) / max(1, cell_len(text))
        words: list[str] = []
        x = float(match["x"])
        for word in re.finditer(r"\S", text):  # each character: no run of glyphs can drift
            at_x = x + cell_len(text[: word.start()]) * per_cell
            body = html.escape(word.group(), quote=False)
            words.append(f'{match["open"]} x="{at_x:.2f}"{match["mid"]}{match["rest"]}{body}</text>')
        return "".join(words)

    return _TEXT.sub(place, svg)


def write_png(svg: Path, columns: int) -> None:
    png = svg.with_suffix(".png")
    width = str(round(columns * PX_PER_COLUMN))
    with tempfile.TemporaryDirectory(prefix="vbotui-png-") as tmp:
        gridded = Path(tmp) / svg.name
        gridded.write_text(on_the_grid(svg.read_text(encoding="utf-8")), encoding="utf-8")
        subprocess.run(["rsvg-convert", "-w", width, str(gridded), "-o", str(png)], check=True)
    print(shown(png))


async def capture(
    app: VboApp, name: str, size: tuple[int, int], keys: Callable[[Pilot[Any]], Awaitable[None]]
) -> None:
    async with app.run_test(size=size) as pilot:
        await keys(pilot)
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    await app.aclose()
    svg = OUT / f"{name}.svg"
    print(shown(svg))
    if shutil.which("rsvg-convert"):
        write_png(svg, size[0])


async def wait_until(pilot: Pilot[Any], predicate: Callable[[], object], what: str) -> None:
    for _ in range(500):
        if predicate():
            return
        await pilot.pause(0.02)
    raise RuntimeError(f"timed out waiting for {what}")


async def until_loaded(pilot: Pilot[Any]) -> None:
    for _ in range(500):
        screens = pilot.app.screen_stack
        if len(screens) > 1 and isinstance(screens[1], MainScreen) and screens[1].loaded:
            if screens[1]._detail_sessions is not None:
                return
        await pilot.pause(0.02)
    raise RuntimeError("the job list did not load")


# --- the main app, signed in to the simulator ----------------------------------------------------


class World:
    """The simulator of one screenshot and its clock."""

    def __init__(self) -> None:
        self.clock = ManualClock(START)
        self.sim = Simulator(SimConfig(jobs=300, seed=3, clock=self.clock))


async def shot(
    name: str, size: tuple[int, int], keys: Callable[[Pilot[Any], World], Awaitable[None]]
) -> None:
    world = World()
    client = VboClient("http://demo.vbotui.invalid", "v8", transport=httpx.ASGITransport(app=world.sim.app))
    await client.sign_in("admin", "secret")
    app = VboApp(client, "vbo.example.com:4443", clock=world.clock, monotonic=lambda: 0.0, refresh_s=3600)

    async def run(pilot: Pilot[Any]) -> None:
        await until_loaded(pilot)
        await keys(pilot, world)

    await capture(app, name, size, run)
    await client.aclose()


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    screen = pilot.app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


async def to_backed_up_job(pilot: Pilot[Any], world: World, skip: int = 0) -> None:
    """Move the cursor down to the next job whose organization has backups (after `skip` of them)."""
    main = main_screen(pilot)
    seen = 0
    for _ in range(100):
        job = main.jobs.jobs.get(main.jobs.cursor_job_id or "")
        org = world.sim.organizations.get(job.organization_id) if job and job.organization_id else None
        if org is not None and org.first_backup is not None:
            if seen == skip:
                await until_loaded(pilot)
                return
            seen += 1
        await pilot.press("j")
    raise RuntimeError("no job with a backed-up organization")


async def explore_dialog(pilot: Pilot[Any]) -> ExploreDialog:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExploreDialog), "the explore dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, ExploreDialog)
    await wait_until(pilot, lambda: dialog.organization is not None, "the organization's backup times")
    return dialog


async def start_explore(pilot: Pilot[Any]) -> None:
    """o, Enter (latest), wait for the session, Esc."""
    await pilot.press("o")
    dialog = await explore_dialog(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: dialog.last_started is not None, "the restore session")
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen), "the main screen")


# --- the app signing in by itself (sign-in and certificate screens) ---------------------------------


def signin_app(folder: Path, sim: Simulator, env: dict[str, str], pinned: str | None = None) -> VboApp:
    """An app that signs in to URL by itself: memory token store, known servers in `folder`."""
    known = KnownServers(folder / "known_servers.json")
    if pinned is not None:
        known.pin(HOST, PORT, CertificateInfo.from_pem(pinned).sha256)
    store = MemoryTokenStore()

    async def open_store() -> tuple[TokenStore, str | None]:
        return store, None

    def new_session(profile: Profile, store: TokenStore) -> ServerSession:
        front = TlsFront(httpx.ASGITransport(app=sim.app), known)
        return ServerSession(
            profile,
            store,
            known_servers=known,
            transport=front,
            env=env,
            fetch_certificate=fetch_presented,
        )

    profile = Profile("vbo01", URL, user=SERVER_USER, api_version="v8", refresh=3600.0)
    config = LoadedConfig(folder / "config.toml", {"vbo01": profile}, [])
    setup = SignInSetup(
        profile, config, ProfileFlags(), [], open_store, new_session, save_profiles=False, env={}
    )
    return VboApp(sign_in=setup, clock=lambda: START, monotonic=lambda: 0.0, refresh_s=3600.0)


async def signin_shot(
    name: str, size: tuple[int, int], *, certificate: bool, pinned: str | None = None
) -> None:
    sim = Simulator(SimConfig(jobs=3, seed=3, user=SERVER_USER, password="secret", clock=ManualClock(START)))
    # With a password in the session's environment the app signs in at once and meets the certificate;
    # without, it stops at the sign-in screen with the password field empty.
    env = {"VBOTUI_PASSWORD": "secret"} if certificate else {}
    with tempfile.TemporaryDirectory() as folder:
        app = signin_app(Path(folder), sim, env, pinned)

        async def keys(pilot: Pilot[Any]) -> None:
            if certificate:
                await wait_until(
                    pilot, lambda: isinstance(pilot.app.screen, CertificateScreen), "the certificate"
                )
            else:
                screen = lambda: pilot.app.screen  # noqa: E731
                await wait_until(
                    pilot,
                    lambda: isinstance(screen(), SignInScreen) and not screen().busy,
                    "the sign-in screen",
                )

        await capture(app, name, size, keys)


# --- the screenshots -----------------------------------------------------------------------------


async def main(only: list[str]) -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    OUT.mkdir(parents=True, exist_ok=True)
    if not shutil.which("rsvg-convert"):
        print("rsvg-convert is not on the PATH (Debian: librsvg2-bin): writing SVGs only", file=sys.stderr)

    async def browse(pilot: Pilot[Any], world: World) -> None:
        await pilot.press("j", "j", "j")
        await until_loaded(pilot)

    async def bulk(pilot: Pilot[Any], world: World) -> None:
        await pilot.press("slash")
        await pilot.press(*"status:failed")
        await pilot.press("enter", "asterisk", "s")

    async def help_screen(pilot: Pilot[Any], world: World) -> None:
        await pilot.press("question_mark")

    async def explore(pilot: Pilot[Any], world: World) -> None:
        await to_backed_up_job(pilot, world)
        await pilot.press("o")
        await explore_dialog(pilot)
        await pilot.press("home", "ctrl+k", *"2024-03-01", "space", *"08:00")
        await pilot.pause()

    async def restore_sessions(pilot: Pilot[Any], world: World) -> None:
        await to_backed_up_job(pilot, world)
        await start_explore(pilot)
        world.clock.advance(12 * 60)
        await to_backed_up_job(pilot, world, skip=1)
        await start_explore(pilot)
        world.clock.advance(3 * 60)
        await pilot.press("R")
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, RestoreSessionsScreen), "restore sessions"
        )
        screen = pilot.app.screen
        assert isinstance(screen, RestoreSessionsScreen)
        await wait_until(pilot, lambda: len(screen.sessions) == 2, "two restore sessions")
        await pilot.press("x")  # the first (oldest) session, under the cursor
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmStopSession), "the stop question")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: any(s.state == "Stopped" for s in screen.sessions.values()), "the stopped session"
        )
        await pilot.pause()

    async def job_sessions(pilot: Pilot[Any], world: World) -> None:
        await to_backed_up_job(pilot, world)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, JobSessionsScreen) and pilot.app.screen.loaded,
            "sessions",
        )
        await pilot.pause()

    async def session_log(pilot: Pilot[Any], world: World) -> None:
        await job_sessions(pilot, world)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, SessionLogScreen) and pilot.app.screen.loaded,
            "the log",
        )
        await pilot.pause()

    async def pulse(pilot: Pilot[Any], world: World) -> None:
        await pilot.press("p")
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, PulseScreen) and pilot.app.screen.loaded, "the pulse"
        )
        await pilot.pause()

    shots: dict[str, Callable[[], Awaitable[None]]] = {
        "job-sessions-120x40": lambda: shot("job-sessions-120x40", (120, 40), job_sessions),
        "session-log-120x40": lambda: shot("session-log-120x40", (120, 40), session_log),
        "pulse-120x40": lambda: shot("pulse-120x40", (120, 40), pulse),
        "main-120x40": lambda: shot("main-120x40", (120, 40), browse),
        "main-80x24": lambda: shot("main-80x24", (80, 24), browse),
        "bulk-confirm-120x40": lambda: shot("bulk-confirm-120x40", (120, 40), bulk),
        "help-120x40": lambda: shot("help-120x40", (120, 40), help_screen),
        "explore-120x40": lambda: shot("explore-120x40", (120, 40), explore),
        "restore-sessions-120x40": lambda: shot("restore-sessions-120x40", (120, 40), restore_sessions),
        "signin-80x24": lambda: signin_shot("signin-80x24", (80, 24), certificate=False),
        "certificate-80x24": lambda: signin_shot("certificate-80x24", (80, 24), certificate=True),
        "certificate-changed-80x24": lambda: signin_shot(
            "certificate-changed-80x24", (80, 24), certificate=True, pinned=PINNED_PEM
        ),
    }
    unknown = [name for name in only if not any(key.startswith(name) for key in shots)]
    if unknown:
        raise SystemExit(f"no screenshot named {', '.join(unknown)}; known: {', '.join(shots)}")
    for name, take in shots.items():
        if not only or any(name.startswith(prefix) for prefix in only):
            await take()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="only the screenshots whose names start with these")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write to (default {OUT})")
    arguments = parser.parse_args()
    OUT = arguments.out.resolve()
    asyncio.run(main(arguments.names))
