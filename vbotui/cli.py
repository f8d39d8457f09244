"""`vbotui`: the command line (DESIGN.md fixes it; scripts drive it).

    vbotui [--profile NAME] [--server URL] [--user USER] [--api-version V] [--ca-file PATH | --insecure]
           [--allow-plain-http] [--read-only] [--refresh SECONDS|off] [--no-mouse] [--download-dir DIR]
    vbotui --demo [--demo-jobs N] [--demo-api v3|v8] [--demo-latency-ms MS]
    vbotui logout [--profile NAME | --server URL [--user USER]] [--ca-file PATH | --insecure]

The app signs in by itself (keyring, sign-in screen, certificate prompt); no prompt before it.
A server URL that cannot work (from --server or VBOTUI_SERVER), plain HTTP to another host than
loopback without --allow-plain-http, or a number out of range ends the command at once: exit 2 and
one line on stderr. A bad URL in the config file is reported in the app, which starts anyway.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence

import httpx

from vbotui import __version__, debuglog
from vbotui.api.client import VboClient
from vbotui.commands import EXIT_UNREACHABLE, EXIT_USAGE, find_command, run_command
from vbotui.config import (
    API_VERSIONS,
    DEFAULT_REFRESH_S,
    MAX_REFRESH_S,
    MIN_REFRESH_S,
    ConfigError,
    LoadedConfig,
    Profile,
    ProfileFlags,
    UrlError,
    env_utc,
    load_config,
    normalize_url,
    parse_accent,
    parse_number,
    parse_refresh,
    resolve_profile,
)

DEMO_BASE_URL = "http://demo.vbotui.invalid"


def _add_server_options(parser: argparse.ArgumentParser, *, full: bool) -> None:
    server = parser.add_argument_group("server")
    server.add_argument("--profile", metavar="NAME", help="a profile from the config file")
    server.add_argument("--server", metavar="URL", help="e.g. https://vbo.example.com:4443")
    server.add_argument("--user", metavar="USER")
    if full:
        server.add_argument("--api-version", choices=API_VERSIONS, help="default: auto (newest served)")
    trust = server.add_mutually_exclusive_group()
    trust.add_argument("--ca-file", metavar="PATH", help="trust this CA bundle instead of the system's")
    trust.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    server.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="allow an http:// server other than loopback (the password crosses the network in clear)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbotui",
        description="Keyboard-driven terminal client for Veeam Backup for Microsoft 365 jobs.",
        epilog="vbotui logout [--profile NAME | --server URL [--user USER]]: sign out, forget the sign-in.\n"
        "vbotui jobs | start | stop | enable | disable | explore | sessions | log | restore-sessions |\n"
        "       stop-restore-session ...: one-shot commands for scripts (vbotui COMMAND --help).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"vbotui {__version__}")
    _add_server_options(parser, full=True)
    ui = parser.add_argument_group("behaviour")
    ui.add_argument("--read-only", action="store_true", help="action keys do nothing (and say why)")
    ui.add_argument(
        "--refresh",
        metavar="SECONDS",
        type=_refresh_arg,
        help=f"poll interval, {MIN_REFRESH_S:g} to {MAX_REFRESH_S:g} s (default 30), or off",
    )
    ui.add_argument(
        "--utc", action="store_true", help="show (and read typed) times in UTC (VBOTUI_UTC=1, utc = true)"
    )
    ui.add_argument("--no-mouse", action="store_true", help="leave the mouse to the terminal")
    ui.add_argument(
        "--download-dir",
        metavar="DIR",
        help="where w writes its file (then VBOTUI_DOWNLOAD_DIR, the profile's download_dir, "
        "else your Downloads folder; made 0700 when missing)",
    )
    ui.add_argument(
        "--debug",
        action="store_true",
        help="write tracebacks to ~/.local/state/vbotui/debug.log (0600; tokens and passwords redacted)",
    )
    demo = parser.add_argument_group("demo")
    demo.add_argument("--demo", action="store_true", help="run against the built-in simulator")
    jobs = _number_arg("--demo-jobs", 0, 100_000, integer=True)
    demo.add_argument("--demo-jobs", metavar="N", type=jobs, default=300)
    demo.add_argument("--demo-api", choices=("v3", "v8"), default="v8")
    demo.add_argument(
        "--demo-latency-ms", metavar="MS", type=_number_arg("--demo-latency-ms", 0, 60_000), default=150.0
    )
    return parser


def _refresh_arg(text: str) -> float:
    try:
        return parse_refresh(text, "--refresh")
    except ConfigError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _number_arg(flag: str, low: float, high: float, integer: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return parse_number(text, flag, low, high, integer=integer)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(error.message) from None

    return parse


def build_logout_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbotui logout",
        description="Sign out on the server (API v7+) and delete the saved sign-in from the keyring.",
    )
    _add_server_options(parser, full=False)
    return parser


def profile_flags(args: argparse.Namespace) -> ProfileFlags:
    return ProfileFlags(
        profile=args.profile,
        server=args.server,
        user=args.user,
        api_version=getattr(args, "api_version", None),
        ca_file=args.ca_file,
        insecure=args.insecure,
        read_only=True if getattr(args, "read_only", False) else None,
        refresh=getattr(args, "refresh", None),
        allow_plain_http=bool(getattr(args, "allow_plain_http", False)),
        utc=True if getattr(args, "utc", False) else None,
    )


def choose_profile(flags: ProfileFlags, loaded: LoadedConfig) -> tuple[Profile | None, list[str]]:
    """The profile to start with, and the problems to show (config errors, why none was chosen)."""
    problems = [str(error) for error in loaded.errors]
    try:
        return resolve_profile(flags, loaded), problems
    except UrlError:
        raise  # --server / VBOTUI_SERVER cannot work: the command line says so and exits 2
    except ConfigError as error:
        if flags.profile or flags.server or loaded.profiles:
            problems.append(str(error))  # asked for something that cannot be used: say why
        return None, problems


def demo_client(jobs: int, api: str, latency_ms: float) -> tuple[VboClient, str, str]:
    """A client on the in-process simulator; returns (client, user, password)."""
    from vbotui.sim import SimConfig, Simulator

    config = SimConfig(jobs=jobs, latency_ms=latency_ms)
    sim = Simulator(config)
    client = VboClient(DEMO_BASE_URL, api, transport=httpx.ASGITransport(app=sim.app))
    return client, config.user, config.password


def main(argv: Sequence[str] | None = None) -> int:
    from vbotui.commands.ending import quiet_output

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["logout"]:
        with quiet_output(stop_reads=False):  # `| head`: no traceback (logout's request was sent)
            return logout_main(argv[1:])
    command = find_command(argv)  # one-shot commands: the selection flags may come before them
    if command is not None:
        return run_command(argv[command], argv[:command] + argv[command + 1 :])
    with quiet_output(stop_reads=False):  # `vbotui --help | head -1`
        args = build_parser().parse_args(argv)
    try:
        check_command_line(profile_flags(args))
    except ConfigError as error:
        print(f"vbotui: {error}", file=sys.stderr)
        return EXIT_USAGE
    textual_defaults(os.environ)  # before Textual reads its constants
    if args.debug:
        debuglog.configure()
    else:
        debuglog.silence()
    if args.demo:
        return asyncio.run(_demo_run(args))
    return asyncio.run(_run(args))


def textual_defaults(env: MutableMapping[str, str]) -> None:
    """Textual's settings from the environment, where the operator has not set them."""
    if env.get("SSH_TTY"):
        env.setdefault("TEXTUAL_ANIMATIONS", "none")  # every animated frame is a redraw over the link
    # Textual paints a frame one period after the app goes idle (at 60 fps, up to 17 ms after a
    # key's work is done, twice when a frame leaves a scrollbar to repaint): 120 halves that wait.
    # Frames are still only painted when something changed.
    env.setdefault("TEXTUAL_FPS", "120")


def check_command_line(flags: ProfileFlags, env: Mapping[str, str] | None = None) -> None:
    """Raise ConfigError (one line) for what on the command line or in the environment cannot work:
    a server URL of bad syntax or scheme, plain HTTP not allowed, a number out of range."""
    env = os.environ if env is None else env
    for source, value in (("--server", flags.server), ("VBOTUI_SERVER", env.get("VBOTUI_SERVER"))):
        if value:
            try:
                normalize_url(value)
            except UrlError as error:
                raise UrlError(f"{source}: {error.message}") from None
    if env.get("VBOTUI_REFRESH"):
        parse_refresh(env["VBOTUI_REFRESH"], "VBOTUI_REFRESH")
    env_utc(env)  # VBOTUI_UTC=maybe: said now, as for VBOTUI_REFRESH
    if env.get("VBOTUI_ACCENT"):
        parse_accent(env["VBOTUI_ACCENT"], "VBOTUI_ACCENT")
    if flags.server or env.get("VBOTUI_SERVER"):
        try:
            resolve_profile(flags, load_config(), env)
        except UrlError:
            raise
        except ConfigError:
            pass  # anything else (no such profile, ...) is shown in the app, where the operator can act on it


def run_settings(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> tuple[bool, str | None]:
    """(utc, accent) without a profile (the demo, or no profile chosen yet): --utc, then the
    environment (VBOTUI_UTC, VBOTUI_ACCENT); a bad value is left to check_command_line."""
    env = os.environ if env is None else env
    try:
        utc = bool(args.utc) or env_utc(env)
    except ConfigError:
        utc = bool(args.utc)
    try:
        accent = parse_accent(env["VBOTUI_ACCENT"], "VBOTUI_ACCENT") if env.get("VBOTUI_ACCENT") else None
    except ConfigError:
        accent = None
    return utc, accent


async def _demo_run(args: argparse.Namespace) -> int:
    """The demo: no login, no keyring, no port (the app runs in the loop that owns the client)."""
    from vbotui.ui.app import VboApp

    client, user, password = demo_client(args.demo_jobs, args.demo_api, args.demo_latency_ms)
    try:
        await client.sign_in(user, password)
        mouse = not args.no_mouse
        refresh = args.refresh if args.refresh is not None else DEFAULT_REFRESH_S
        utc, accent = run_settings(args)
        app = VboApp(
            client,
            "demo",
            read_only=args.read_only,
            refresh_s=refresh,
            mouse=mouse,
            utc=utc,
            accent=accent,
            download_dir=args.download_dir,
        )
        loaded = load_config()
        for error in loaded.errors:  # a line in the status panel: it stays
            app.activity.note("config", f"--demo ignores the config file, which has a problem: {error}")
        await app.run_async(mouse=mouse)
        return app.return_code or 0
    finally:
        await client.aclose()


async def _run(args: argparse.Namespace) -> int:
    from vbotui.operations.audit import AuditLog
    from vbotui.ui.app import VboApp
    from vbotui.ui.signin_flow import SignInSetup

    flags = profile_flags(args)
    loaded = load_config()
    profile, problems = choose_profile(flags, loaded)
    setup = SignInSetup(
        profile,
        loaded,
        flags,
        problems,
        make_audit=lambda p, user: AuditLog(server=p.url, user=user or p.user or "", profile=p.name),
    )
    mouse = not args.no_mouse
    utc, accent = (profile.utc, profile.accent) if profile else run_settings(args)
    app = VboApp(
        utc=utc,
        accent=accent,
        label=profile.name if profile else "",
        read_only=profile.read_only if profile else bool(args.read_only),
        refresh_s=profile.refresh if profile else (args.refresh or DEFAULT_REFRESH_S),
        mouse=mouse,
        sign_in=setup,
        download_dir=args.download_dir,
    )
    try:
        await app.run_async(mouse=mouse)
    finally:
        await app.aclose()
    return app.return_code or 0


def logout_main(argv: Sequence[str]) -> int:
    """`vbotui logout`: no Textual. Prints what it did; exit 0, or 2 with a message."""
    args = build_logout_parser().parse_args(argv)
    if args.user and not args.server:
        print("vbotui logout: --user goes with --server", file=sys.stderr)
        return EXIT_USAGE
    loaded = load_config()
    for error in loaded.errors:
        print(f"vbotui logout: warning: {error}", file=sys.stderr)
    try:
        check_command_line(profile_flags(args))
        profile = resolve_profile(profile_flags(args), loaded)
    except ConfigError as error:
        print(f"vbotui logout: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_logout(profile))
    except Exception as error:  # noqa: BLE001 - one line, never a traceback holding a token
        print(f"vbotui logout: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE  # the exit codes of the one-shot commands: 3 = the server, not usage


async def _logout(profile: Profile) -> int:
    from vbotui.auth import ServerSession, open_token_store

    store, notice = await open_token_store()
    if notice:
        # The app's notice ("kept in memory for this run", how to get a keyring for signing in)
        # does not apply here: say what it means for logging out.
        fact = notice.partition(": sign-in kept")[0]
        print(
            f"vbotui logout: {fact}: without one, vbotui saves no sign-in, so none is here to delete;"
            " a running vbotui forgets its sign-in when it quits (or with Sign out in its palette)",
            file=sys.stderr,
        )
    session = ServerSession(profile, store)
    try:
        result = await session.logout()
    finally:
        await session.aclose()
    print(f"profile {profile.name} ({profile.url}):")
    print("  server session revoked" if result.signed_out_on_server else "  no server session revoked")
    if notice:
        print("  no saved sign-in (no keyring)")
    else:
        print(
            "  saved sign-in deleted from the " + store.description
            if result.entry_deleted
            else "  no saved sign-in was stored in the " + store.description
        )
    for line in result.notices:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
