"""The one-shot commands themselves: local checks first (nothing sent), then sign-in, then the
operations layer (every request through `ServerOperations.perform`: one outcome, one audit record)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

from vbotui.api.models import ExploreOptions, Job, JobSession, RestoreSession
from vbotui.auth import Secret
from vbotui.config import ConfigError, Profile, ProfileFlags, load_config, resolve_profile
from vbotui.filtering import FIELDS, JobFilter, parse_filter
from vbotui.operations import (
    DONE,
    NOT_SENT,
    REFUSED,
    UNKNOWN,
    ActivityEntry,
    ActivityLog,
    AuditLog,
    Outcome,
    ServerOperations,
    needs_confirmation,
)
from vbotui.operations.server import CLOCK_SLACK
from vbotui.textclean import clean
from vbotui.timeparse import PointInTime, TimeParseError, parse_point_in_time, system_local_zone

from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, EXIT_UNREACHABLE, EXIT_USAGE, CommandError
from .output import Printer
from .parser import ACTION_COMMANDS, build_command_parser
from .signin import Terminal, read_password_file, read_password_stdin, sign_in

T = TypeVar("T")

JOB_FIELDS = (
    "id",
    "name",
    "organization",
    "organizationId",
    "enabled",
    "lastStatus",
    "lastRun",
    "nextRun",
    "lastBackup",
)
JOB_TABLE = ("name", "organization", "enabled", "lastStatus", "lastRun", "nextRun", "lastBackup", "id")
RESULT_FIELDS = ("jobId", "job", "action", "outcome", "status", "message")
RESULT_TABLE = ("job", "action", "outcome", "status", "message", "jobId")
SESSION_FIELDS = ("id", "jobId", "job", "status", "creationTime", "endTime", "progress", "details")
SESSION_TABLE = ("job", "status", "creationTime", "endTime", "progress", "details", "id")
RESTORE_FIELDS = ("id", "type", "state", "result", "organization", "name", "creationTime", "endTime")
RESTORE_RESULT_FIELDS = (*RESULT_FIELDS, "id", "type", "state")
LOG_FIELDS = ("id", "creationTime", "type", "title", "message")
LOG_TABLE = ("creationTime", "text")
_TRUE_FALSE = {"yes", "y", "true", "1", "on", "no", "n", "false", "0", "off"}
# Always confirmed, whatever the count (`needs_confirmation` says when for job actions).
ALWAYS_CONFIRMED = ("stop", "disable", "stop-restore-session")
LIST_IN_PROMPT = 10
SESSIONS_CONCURRENCY = 8
FOLLOW_INTERVAL_S = 2.0


# --- local checks: nothing is sent when one fails -------------------------------------------------


def strict_filter(text: str) -> JobFilter:
    """The TUI's filter grammar, but an unknown `key:` or a bad `enabled:` value is a usage error."""
    for word in text.split():
        field, sep, value = word.lstrip("!").partition(":")
        if not sep:
            continue
        if field.lower() not in FIELDS:
            raise CommandError(
                EXIT_USAGE, f"--filter: unknown key {field!r} in {word!r} (keys: {', '.join(FIELDS)})"
            )
        if not value:
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


@dataclass
class Plan:
    """What the command line asked for, checked before anything is sent."""

    command: str
    args: argparse.Namespace
    profile: Profile
    terminal: Terminal
    password: Secret | None = None
    job_filter: JobFilter | None = None
    point: PointInTime | None = None

    @property
    def full(self) -> bool:
        return self.command == "start" and bool(self.args.full)

    @property
    def action(self) -> str:
        return "start" if self.command == "start" else self.command


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


# --- running ------------------------------------------------------------------------------------


@dataclass
class Context:
    plan: Plan
    ops: ServerOperations
    printer: Printer

    @property
    def args(self) -> argparse.Namespace:
        return self.plan.args


def main(command: str, argv: list[str]) -> int:
    args = build_command_parser(command).parse_intermixed_args(argv)  # usage: SystemExit(2)
    try:
        plan = prepare(command, args)
        return asyncio.run(_run(plan))
    except CommandError as error:
        print(f"vbotui {command}: {error.message}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print(f"vbotui {command}: interrupted", file=sys.stderr)
        return EXIT_UNKNOWN if is_action(command) else EXIT_FAILED


async def _run(plan: Plan) -> int:
    profile = plan.profile
    signed = await sign_in(
        profile, fingerprint=plan.args.fingerprint, password=plan.password, terminal=plan.terminal
    )
    try:
        client = signed.client
        audit = AuditLog(server=profile.url, user=client.user or profile.user or "", profile=profile.name)
        ops = ServerOperations(
            client, ActivityLog(), label=profile.name, read_only=profile.read_only, audit=audit
        )
        ctx = Context(plan, ops, Printer(plan.args.output, sys.stdout, utc=bool(plan.args.utc)))
        return await COMMANDS[plan.command](ctx)
    finally:
        await signed.session.aclose()


async def read(ctx: Context, action: str, target: str, send: Callable[[], Awaitable[T]]) -> T:
    """A read through `perform`; CommandError when it fails (3 unreachable or signed out, else 1)."""
    result = await ctx.ops.perform(action, target, send, read=True, line="on_problem")
    if result.done:
        value: T = result.value
        return value
    outcome = result.outcome
    unreachable = outcome.kind == NOT_SENT or (outcome.kind == REFUSED and outcome.status == 401)
    what = outcome.message or outcome.describe()
    raise CommandError(EXIT_UNREACHABLE if unreachable else EXIT_FAILED, f"{action}: {clean(what)}")


async def read_jobs(ctx: Context) -> list[Job]:
    ops = ctx.ops
    orgs = await ops.perform(
        "list orgs", "organizations", ops.client.list_organizations, read=True, line="on_problem"
    )
    if orgs.done:
        ops.org_names = {org.id: org.name for org in orgs.value}
    else:
        print(f"vbotui: warning: organizations not read: {clean(orgs.outcome.describe())}", file=sys.stderr)
    return await read(ctx, "list jobs", "jobs", ops.client.list_jobs)


def org_name(ctx: Context, job: Job) -> str:
    return ctx.ops.org_names.get(job.organization_id or "", "")


def in_org(ctx: Context, job: Job, org: str | None) -> bool:
    if org is None:
        return True
    return org.lower() in (org_name(ctx, job).lower(), (job.organization_id or "").lower())


def resolve_job(ctx: Context, jobs: Sequence[Job], wanted: str) -> Job:
    """A job id, else an exact (case-sensitive) name, narrowed by --org; CommandError(2) otherwise."""
    org = ctx.args.org
    by_id = [job for job in jobs if job.id.lower() == wanted.lower() and in_org(ctx, job, org)]
    if by_id:
        return by_id[0]
    named = [job for job in jobs if job.name == wanted and in_org(ctx, job, org)]
    where = f" in organization {clean(org)!r}" if org else ""
    if not named:
        raise CommandError(EXIT_USAGE, f"no job with the id or name {clean(wanted)!r}{where}: nothing sent")
    if len(named) > 1:
        lines = [f"  {job.id}  {clean(org_name(ctx, job)) or '-'}" for job in named]
        raise CommandError(
            EXIT_USAGE,
            f"{clean(wanted)!r} names {len(named)} jobs{where}: give the job id or --org ORG; nothing sent\n"
            + "\n".join(lines),
        )
    return named[0]


def filtered(ctx: Context, jobs: Sequence[Job], job_filter: JobFilter | None) -> list[Job]:
    org = ctx.args.org
    return [
        job
        for job in jobs
        if in_org(ctx, job, org)
        and (
            job_filter is None
            or job_filter.matches(job.name, org_name(ctx, job), job.last_status, job.is_enabled)
        )
    ]


def job_record(ctx: Context, job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "organization": org_name(ctx, job) or None,
        "organizationId": job.organization_id,
        "enabled": job.is_enabled,
        "lastStatus": job.last_status,
        "lastRun": job.last_run,
        "nextRun": job.next_run,
        "lastBackup": job.last_backup,
    }


def result_record(job_id: str, job: str, action: str, outcome: Outcome) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "job": job,
        "action": action,
        "outcome": outcome.kind,
        "status": outcome.status,
        "message": outcome.message or ("" if outcome.kind == DONE else outcome.describe()),
    }


def exit_code(outcomes: Sequence[Outcome]) -> int:
    if any(outcome.kind == UNKNOWN for outcome in outcomes):
        return EXIT_UNKNOWN
    if any(outcome.kind != DONE for outcome in outcomes):
        return EXIT_FAILED
    return EXIT_OK


def confirm(ctx: Context, question: str, names: Sequence[str], needed: bool) -> None:
    """--yes, or a typed y on a terminal; CommandError(2) otherwise (nothing sent)."""
    if ctx.args.yes or not needed:
        return
    terminal = ctx.plan.terminal
    if not terminal.interactive:
        raise CommandError(EXIT_USAGE, f"{question}: needs --yes (no terminal to ask on): nothing sent")
    shown = [f"  {clean(name)}" for name in names[:LIST_IN_PROMPT]]
    if len(names) > LIST_IN_PROMPT:
        shown.append(f"  ... and {len(names) - LIST_IN_PROMPT} more")
    terminal.say("\n".join(shown))
    if terminal.ask(f"{question}? [y/N] ").lower() not in ("y", "yes"):
        raise CommandError(EXIT_USAGE, "not confirmed: nothing sent")


# --- the commands -------------------------------------------------------------------------------

SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda r: r["name"].casefold(),
    "organization": lambda r: r["organization"] or "",
    "enabled": lambda r: r["enabled"],
    "last-status": lambda r: r["lastStatus"],
    "last-run": lambda r: r["lastRun"],
    "next-run": lambda r: r["nextRun"],
    "last-backup": lambda r: r["lastBackup"],
}


def sort_records(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    get = SORTS[key]
    # Missing values last; the name (then the id) breaks ties, so the order is stable across runs.
    return sorted(
        records,
        key=lambda r: (get(r) is None, get(r) if get(r) is not None else 0, r["name"].casefold(), r["id"]),
    )


async def cmd_jobs(ctx: Context) -> int:
    jobs = filtered(ctx, await read_jobs(ctx), ctx.plan.job_filter)
    records = sort_records([job_record(ctx, job) for job in jobs], ctx.args.sort)
    ctx.printer.records(records, JOB_FIELDS if ctx.args.output != "table" else JOB_TABLE)
    if not records and ctx.plan.job_filter is not None:
        print("vbotui jobs: no job matches the filter", file=sys.stderr)
    return EXIT_OK


async def cmd_job_action(ctx: Context) -> int:
    plan, ops = ctx.plan, ctx.ops
    action = plan.action
    jobs = await read_jobs(ctx)
    if plan.job_filter is not None:
        targets = filtered(ctx, jobs, plan.job_filter)
        if not targets:
            print(f"vbotui {plan.command}: no job matches the filter: nothing sent", file=sys.stderr)
            ctx.printer.records([], RESULT_FIELDS if ctx.args.output != "table" else RESULT_TABLE)
            return EXIT_OK
    else:
        targets = []
        for wanted in ctx.args.jobs:
            job = resolve_job(ctx, jobs, wanted)
            if job not in targets:
                targets.append(job)
    capabilities = ops.client.capabilities
    if plan.full and (capabilities is None or not capabilities.full_start):
        raise CommandError(
            EXIT_USAGE, f"--full needs API v6 or later; the server speaks {ops.client.version}: nothing sent"
        )
    verb = "start full" if plan.full else action
    what = f"'{targets[0].name}'" if len(targets) == 1 else f"{len(targets)} jobs"
    confirm(
        ctx,
        f"{verb} {what}",
        [job.name for job in targets],
        plan.full or needs_confirmation(action, len(targets)),
    )
    claimed = ops.jobs.claim(action, targets)
    progress = _progress(ops.activity, action) if len(claimed) > 1 and sys.stderr.isatty() else None
    try:
        outcomes = await ops.jobs.run(action, claimed, full=plan.full)
    finally:
        if progress is not None:
            ops.activity.unsubscribe(progress)
            sys.stderr.write("\n")
    name = "start-full" if plan.full else action
    records = [
        result_record(job.id, job.name, name, outcome) for job, outcome in zip(claimed, outcomes, strict=True)
    ]
    ctx.printer.records(records, RESULT_FIELDS if ctx.args.output != "table" else RESULT_TABLE)
    return exit_code(outcomes)


def _progress(activity: ActivityLog, action: str) -> Callable[[ActivityEntry], None]:
    def show(entry: ActivityEntry) -> None:
        if entry.action == action and entry.target.endswith(" jobs") and entry.note:
            sys.stderr.write(f"\r{action}: {clean(entry.note)}\x1b[K")
            sys.stderr.flush()

    activity.subscribe(show)
    return show


def restore_fields(session: RestoreSession | None) -> dict[str, Any]:
    return {
        "id": session.id if session else None,
        "type": session.type if session else None,
        "state": session.state if session else None,
    }


async def cmd_explore(ctx: Context) -> int:
    plan, ops = ctx.plan, ctx.ops
    assert plan.point is not None
    job = resolve_job(ctx, await read_jobs(ctx), ctx.args.job)
    types = ops.explore_types()
    if ctx.args.type not in types:
        raise CommandError(
            EXIT_USAGE,
            f"--type {ctx.args.type}: API {ops.client.version} takes {', '.join(types)}: nothing sent",
        )
    options = ExploreOptions(
        plan.point.value, ctx.args.type, ctx.args.show_deleted, ctx.args.show_all_versions
    )
    sent_at = ops.clock()
    result = await ops.explore(job, options)
    session: RestoreSession | None = result.value.restore_session if result.done else None
    if session is None and result.outcome.kind in (DONE, UNKNOWN):
        session = await _find_new_session(ctx, job, sent_at)  # v3 answers no body; a lost answer none
    record = {**result_record(job.id, job.name, "explore", result.outcome), **restore_fields(session)}
    ctx.printer.records(
        [record],
        RESTORE_RESULT_FIELDS
        if ctx.args.output != "table"
        else ("job", "action", "outcome", "status", "id", "type", "state", "message"),
    )
    return exit_code([result.outcome])


async def _find_new_session(ctx: Context, job: Job, sent_at: datetime) -> RestoreSession | None:
    """The restore session the explore opened, from the server's list right after it."""
    ops = ctx.ops
    started = [s for s in ops.started_restore_sessions.values() if s.is_working]
    if started:  # found by the operations layer after a lost answer
        return started[-1]
    listed = await ops.list_restore_sessions()
    if not listed.done:
        return None
    org = org_name(ctx, job)
    found = [
        session
        for session in listed.value
        if session.is_working
        and session.creation_time is not None
        and session.creation_time >= sent_at - CLOCK_SLACK
        and (not org or not session.organization or session.organization == org)
    ]
    found.sort(key=lambda s: s.creation_time or sent_at)
    return found[-1] if found else None


def session_record(session: JobSession, job_id: str, job_name: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "jobId": session.job_id or job_id,
        "job": job_name,
        "status": session.status,
        "creationTime": session.creation_time,
        "endTime": session.end_time,
        "progress": session.progress,
        "details": session.details,
    }


async def cmd_sessions(ctx: Context) -> int:
    ops, limit = ctx.ops, ctx.args.limit
    jobs = await read_jobs(ctx)
    chosen = [resolve_job(ctx, jobs, ctx.args.job)] if ctx.args.job else filtered(ctx, jobs, None)
    gate = asyncio.Semaphore(SESSIONS_CONCURRENCY)

    async def of(job: Job) -> list[dict[str, Any]]:
        async with gate:
            found = await read(
                ctx, "sessions", job.name, lambda: ops.client.job_sessions(job.id, limit=limit)
            )
        return [session_record(session, job.id, job.name) for session in found]

    records = [record for batch in await asyncio.gather(*(of(job) for job in chosen)) for record in batch]
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    records.sort(key=lambda r: r["creationTime"] or oldest, reverse=True)
    ctx.printer.records(records[:limit], SESSION_FIELDS if ctx.args.output != "table" else SESSION_TABLE)
    return EXIT_OK


def restore_record(session: RestoreSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "type": session.type,
        "state": session.state,
        "result": session.result,
        "organization": session.organization,
        "name": session.name,
        "creationTime": session.creation_time,
        "endTime": session.end_time,
    }


async def list_restore_sessions(ctx: Context) -> list[RestoreSession]:
    return await read(ctx, "list restores", "restore sessions", ctx.ops.client.list_restore_sessions)


async def cmd_restore_sessions(ctx: Context) -> int:
    sessions = await list_restore_sessions(ctx)
    ctx.printer.records([restore_record(session) for session in sessions], RESTORE_FIELDS)
    return EXIT_OK


async def cmd_stop_restore_session(ctx: Context) -> int:
    wanted = ctx.args.session_id
    sessions = await list_restore_sessions(ctx)
    session = next((s for s in sessions if s.id.lower() == wanted.lower()), None)
    if session is None:
        raise CommandError(EXIT_USAGE, f"no restore session {clean(wanted)!r} on the server: nothing sent")
    label = session.name or session.organization or session.id
    confirm(ctx, f"stop restore session {session.id}", [label], True)
    result = await ctx.ops.stop_restore_session(session)
    record = {
        **result_record("", session.name or "", "stop-restore-session", result.outcome),
        **restore_fields(session),
    }
    if result.done:
        record["state"] = "Stopped"
    ctx.printer.records(
        [record],
        RESTORE_RESULT_FIELDS
        if ctx.args.output != "table"
        else ("id", "action", "outcome", "status", "state", "message", "job"),
    )
    return exit_code([result.outcome])


def log_record(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "creationTime": item.creation_time,
        "type": item.type,
        "title": item.title,
        "message": item.message,
        "text": item.text,
    }


async def cmd_log(ctx: Context) -> int:
    ops, wanted = ctx.ops, ctx.args.session_id
    if ctx.args.follow and ctx.args.output != "table":
        raise CommandError(EXIT_USAGE, "--follow prints a table: it does not go with --output json or csv")
    items = await read(ctx, "log", wanted, lambda: ops.client.session_log_items(wanted))
    fields = LOG_FIELDS if ctx.args.output != "table" else LOG_TABLE
    ctx.printer.records([log_record(item) for item in items], fields, ["TIME", "LOG"])
    if not ctx.args.follow:
        return EXIT_OK
    seen = {item.id for item in items}
    while True:  # like tail -f, until the session is no longer running
        session = await read(ctx, "session", wanted, lambda: ops.client.job_session(wanted))
        if session.is_running:
            await asyncio.sleep(FOLLOW_INTERVAL_S)
        items = await read(ctx, "log", wanted, lambda: ops.client.session_log_items(wanted))
        new = [item for item in items if item.id not in seen]
        seen.update(item.id for item in new)
        if new:
            ctx.printer.records([log_record(item) for item in new], fields, ["TIME", "LOG"], header=False)
        if not session.is_running:
            return EXIT_OK


COMMANDS: dict[str, Callable[[Context], Awaitable[int]]] = {
    "log": cmd_log,
    "jobs": cmd_jobs,
    "start": cmd_job_action,
    "stop": cmd_job_action,
    "enable": cmd_job_action,
    "disable": cmd_job_action,
    "explore": cmd_explore,
    "sessions": cmd_sessions,
    "restore-sessions": cmd_restore_sessions,
    "stop-restore-session": cmd_stop_restore_session,
}
