"""`vbotui`: the command line (DESIGN.md fixes it; scripts drive it)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx

from vbotui.api.client import VboClient
from vbotui.api.errors import AuthError, TransportError, VboError

API_VERSIONS = ("auto", "v3", "v4", "v5", "v6", "v7", "v8")
DEMO_BASE_URL = "http://demo.vbotui.invalid"
EXIT_SIGN_IN_FAILED = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbotui", description="Keyboard-driven terminal client for Veeam Backup for Microsoft 365 jobs."
    )
    server = parser.add_argument_group("server")
    server.add_argument("--profile", metavar="NAME", help="a saved profile")
    server.add_argument("--server", metavar="URL", help="e.g. https://vbo.example.com:4443")
    server.add_argument("--user", metavar="USER")
    server.add_argument("--api-version", choices=API_VERSIONS, default="auto")
    trust = server.add_mutually_exclusive_group()
    trust.add_argument("--ca-file", metavar="PATH", help="trust this CA bundle instead of the system's")
    trust.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    ui = parser.add_argument_group("behaviour")
    ui.add_argument("--read-only", action="store_true", help="action keys do nothing (and say why)")
    ui.add_argument("--refresh", metavar="SECONDS", type=float, default=30.0, help="poll interval (30)")
    ui.add_argument("--no-mouse", action="store_true", help="leave the mouse to the terminal")
    demo = parser.add_argument_group("demo")
    demo.add_argument("--demo", action="store_true", help="run against the built-in simulator")
    demo.add_argument("--demo-jobs", metavar="N", type=int, default=300)
    demo.add_argument("--demo-api", choices=("v3", "v8"), default="v8")
    demo.add_argument("--demo-latency-ms", metavar="MS", type=float, default=150.0)
    return parser


def demo_client(jobs: int, api: str, latency_ms: float) -> tuple[VboClient, str, str]:
    """A client on the in-process simulator; returns (client, user, password)."""
    from vbotui.sim import SimConfig, Simulator

    config = SimConfig(jobs=jobs, latency_ms=latency_ms)
    sim = Simulator(config)
    client = VboClient(DEMO_BASE_URL, api, transport=httpx.ASGITransport(app=sim.app))
    return client, config.user, config.password


def read_password(user: str) -> str:
    """Until the sign-in screen lands: VBOTUI_PASSWORD, else a prompt before the app starts."""
    return os.environ.get("VBOTUI_PASSWORD") or getpass.getpass(f"Password for {user}: ")


def server_client(args: argparse.Namespace) -> VboClient:
    verify: bool | str = True
    if args.insecure:
        verify = False
    elif args.ca_file:
        import ssl

        verify = ssl.create_default_context(cafile=args.ca_file)  # type: ignore[assignment]
    return VboClient(args.server, args.api_version, verify=verify)  # type: ignore[arg-type]


def server_label(url: str, profile: str | None) -> str:
    if profile:
        return profile
    parts = urlsplit(url)
    return parts.netloc or url


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.demo:
        client, user, password = demo_client(args.demo_jobs, args.demo_api, args.demo_latency_ms)
        label = "demo"
    else:
        if not args.server or not args.user:
            parser.error("--server and --user are needed (or --demo); profiles come with sign-in")
        client, user = server_client(args), args.user
        password = read_password(user)
        label = server_label(args.server, args.profile)
    if os.environ.get("SSH_TTY"):
        os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")  # before Textual reads its constants
    try:
        return asyncio.run(_signed_in_run(client, user, password, label, args))
    except AuthError as error:
        print(f"vbotui: sign-in refused: {error.describe()}", file=sys.stderr)
    except TransportError as error:
        print(f"vbotui: cannot reach {args.server or 'the server'}: {error.describe()}", file=sys.stderr)
    except VboError as error:
        print(f"vbotui: sign-in failed: {error.describe()}", file=sys.stderr)
    return EXIT_SIGN_IN_FAILED


async def _signed_in_run(
    client: VboClient, user: str, password: str, label: str, args: argparse.Namespace
) -> int:
    """Sign in, then run the app in the same event loop (the client's pool belongs to it)."""
    try:
        await client.sign_in(user, password)
        from vbotui.ui.app import VboApp
        from vbotui.ui.audit import AuditLog

        audit = None if args.demo else AuditLog(server=args.server, user=user)
        mouse = not args.no_mouse
        app = VboApp(
            client, label, read_only=args.read_only, refresh_s=args.refresh, mouse=mouse, audit=audit
        )
        await app.run_async(mouse=mouse)
        return app.return_code or 0
    finally:
        await client.aclose()


if __name__ == "__main__":
    sys.exit(main())
