"""Running a one-shot command: local checks first (nothing sent), then sign-in, then the command."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import datetime, timezone

from vbotui.config import ConfigError, Profile, ProfileFlags, load_config, resolve_profile
from vbotui.filtering import FIELDS, JobFilter, filter_words, parse_filter
from vbotui.operations import (
    ActivityEntry,
    ActivityLog,
    ServerOperations,
)
from vbotui.operations.server import SERVER_NOTE
from vbotui.textclean import clean
from vbotui.timeparse import TimeParseError, parse_point_in_time, system_local_zone

from .context import ALWAYS_CONFIRMED, Context, Plan
from .ending import OutputClosed, RememberingAudit, SignalStop, Stopped, quiet_output, stop_signals
from .exits import EXIT_OK, EXIT_USAGE, CommandError
from .output import Printer
from .parser import ACTION_COMMANDS, parse_command_args
from .signin import Terminal, read_password_file, read_password_stdin, sign_in
from .verbs import COMMANDS

_TRUE_FALSE = {"yes", "y", "true", "1", "on", "no", "n", "false", "0", "off"}


def strict_filter(text: str) -> JobFilter:
    """The TUI's filter grammar, but an unknown `key:` or a bad `enabled:` value is a usage error."""
    for word in filter_words(text):
        field, sep, value = word.lstrip("!").partition(":")
        if not sep:
            continue
        if field.lower() not in FIELDS:
            raise CommandError(
                EXIT_USAGE, f"--filter: unknown key {field!r} in {word!r} (keys: {', '.join(FIELDS)})"
            )
        if value in ("", "="):  # `org:=$TENANT` with the variable empty must not mean every job
            raise CommandError(EXIT_USAGE, f"--filter: {word!r} needs a value")
        if field.lower() == "enabled" and value.lower() not in _TRUE_FALSE:
            raise CommandError(EXIT_USAGE, f"--filter: enabled takes yes or no, not {value!r}")
    return parse_filter(text)


def profile_flags(args: argparse.Namespace) -> ProfileFlags:
    return ProfileFlags(
        profile=args.profile,
        server=args.server,
        user=args.user,
        api_version=args.api_version,
        ca_file=args.ca_file,
        insecure=args.insecure,
        read_only=True if args.read_only else None,
        allow_plain_http=bool(args.allow_plain_http),
        utc=True if getattr(args, "utc", False) else None,
    )


def choose_profile(args: argparse.Namespace, command: str) -> Profile:
    loaded = load_config()
    for error in loaded.errors:
        print(f"vbotui {command}: warning: {error}", file=sys.stderr)
    try:
        return resolve_profile(profile_flags(args), loaded)
    except ConfigError as error:
        raise CommandError(EXIT_USAGE, str(error)) from None


def is_action(command: str) -> bool:
    return command in (*ACTION_COMMANDS, "explore", "stop-restore-session")


def prepare(command: str, args: argparse.Namespace) -> Plan:
    job_filter = strict_filter(args.filter) if getattr(args, "filter", None) is not None else None
    if command in ACTION_COMMANDS:
        if args.jobs and args.filter is not None:
            raise CommandError(EXIT_USAGE, "give JOB ... or --filter EXPR, not both")
        if not args.jobs and args.filter is None:
            raise CommandError(EXIT_USAGE, "which jobs? give JOB ... or --filter EXPR")
    point = None
    if command == "explore":
        zone = timezone.utc if args.utc else system_local_zone()
        try:
            point = parse_point_in_time(args.at, now=datetime.now(timezone.utc), local_tz=zone)
        except TimeParseError as error:
            raise CommandError(EXIT_USAGE, f"--at: {error}") from None
    profile = choose_profile(args, command)
    if point is not None and profile.utc and not args.utc:  # utc = true / VBOTUI_UTC=1: typed in UTC
        point = parse_point_in_time(args.at, now=datetime.now(timezone.utc), local_tz=timezone.utc)
    if is_action(command) and profile.read_only:
        raise CommandError(EXIT_USAGE, f"profile {profile.name} is read-only: {command} not sent")
    terminal = Terminal.detect(stdin_taken=bool(args.password_stdin))
    plan = Plan(command, args, profile, terminal, job_filter=job_filter, point=point)
    always = command in ALWAYS_CONFIRMED or plan.full
    if always and not getattr(args, "yes", False) and not terminal.interactive:
        what = "--full" if plan.full else command
        raise CommandError(EXIT_USAGE, f"{what} needs --yes (no terminal to ask on): nothing sent")
    if args.password_file:
        plan.password = read_password_file(args.password_file)
    elif args.password_stdin:
        plan.password = read_password_stdin(sys.stdin)
    return plan


def main(command: str, argv: list[str]) -> int:
    with quiet_output(stop_reads=not is_action(command)), stop_signals():
        try:
            args = parse_command_args(command, argv)  # usage: SystemExit(2)
            plan = prepare(command, args)
            return asyncio.run(_run(plan))
        except CommandError as error:
            print(f"vbotui {command}: {error.message}", file=sys.stderr)
            return error.code
        except OutputClosed:  # a read whose reader went away (`| head`): nothing more to do
            return EXIT_OK
        except (Stopped, KeyboardInterrupt) as stop:
            stopped = stop if isinstance(stop, Stopped) else Stopped(signal.SIGINT)
            for line in stopped.lines():
                print(f"vbotui {command}: {line}", file=sys.stderr)
            return stopped.code


async def _run(plan: Plan) -> int:
    stop = SignalStop()  # SIGINT, SIGTERM: nothing new sent, what is in flight audited as unknown
    try:
        return await _signed_in_run(plan, stop)
    except asyncio.CancelledError:
        stopped = stop.stopped()
        if stopped is None:
            raise
        raise stopped from None


async def _signed_in_run(plan: Plan, stop: SignalStop) -> int:
    profile = plan.profile
    signed = await sign_in(
        profile,
        fingerprint=plan.args.fingerprint,
        password=plan.password,
        terminal=plan.terminal,
        keyring_note=bool(plan.args.verbose) or plan.terminal.stderr.isatty(),
    )
    try:
        client = signed.client
        audit = RememberingAudit(profile.url, client.user or profile.user or "", profile=profile.name)
        ops = ServerOperations(
            client, ActivityLog(), label=profile.name, read_only=profile.read_only, audit=audit
        )
        ops.activity.subscribe(_warn_about_answers)
        stop.ops = ops
        printer = Printer(
            plan.args.output,
            sys.stdout,
            utc=profile.utc,
            csv_raw=bool(getattr(plan.args, "csv_raw", False)),
            label=f"vbotui {plan.command}",
        )
        ctx = Context(plan, ops, printer)
        return await COMMANDS[plan.command](ctx)
    finally:
        await signed.session.aclose()


def _warn_about_answers(entry: ActivityEntry) -> None:
    """What the operations layer says once about the server's answers (a page it repeats, a job it
    lists twice) goes to stderr: the output may be incomplete."""
    if entry.action == SERVER_NOTE and entry.note:
        print(f"vbotui: warning: {clean(entry.note)}", file=sys.stderr)
