"""The one-shot commands themselves, one coroutine each, through the operations layer (every
request through `ServerOperations.perform`: one outcome, one audit record)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from vbotui.api.models import ExploreOptions, Job, RestoreSession
from vbotui.operations import (
    DONE,
    UNKNOWN,
    ActivityEntry,
    ActivityLog,
    bulk_summary,
    needs_confirmation,
)
from vbotui.operations.restore_lookup import sessions_opened_since
from vbotui.operations.sessions import log_item_key
from vbotui.textclean import clean

from .context import (
    Context,
    confirm,
    filtered,
    one_organization,
    org_name,
    organizations,
    read,
    read_jobs,
    resolve_job,
)
from .exits import EXIT_OK, EXIT_USAGE, CommandError
from .records import (
    JOB_FIELDS,
    JOB_TABLE,
    LOG_FIELDS,
    LOG_TABLE,
    RESTORE_FIELDS,
    RESTORE_RESULT_FIELDS,
    RESULT_FIELDS,
    RESULT_TABLE,
    SESSION_FIELDS,
    SESSION_TABLE,
    START_FIELDS,
    START_TABLE,
    exit_code,
    job_record,
    log_record,
    restore_fields,
    restore_record,
    result_record,
    session_record,
    sort_records,
    start_record,
)

SESSIONS_CONCURRENCY = 8

FOLLOW_INTERVAL_S = 2.0


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
    one_organization(ctx, targets)
    verb = "start full" if plan.full else action
    what = f"'{targets[0].name}'" if len(targets) == 1 else f"{len(targets)} jobs"
    confirm(
        ctx,
        f"{verb} {what}",
        [job.name for job in targets],
        plan.full or needs_confirmation(action, len(targets)),
        organizations(ctx, targets),
    )
    claimed = ops.jobs.claim(action, targets)
    progress = _progress(ops.activity, action) if len(claimed) > 1 and sys.stderr.isatty() else None
    try:
        outcomes = await ops.jobs.run(action, claimed, full=plan.full)
    finally:
        if progress is not None:
            ops.activity.unsubscribe(progress)
    if progress is not None:
        sys.stderr.write(f"\r{action}: {bulk_summary(outcomes)}\x1b[K\n")
    name = "start-full" if plan.full else action
    started = ops.jobs.started_sessions
    records = [
        start_record(job.id, job.name, name, outcome, started.get(job.id))
        if action == "start"
        else result_record(job.id, job.name, name, outcome)
        for job, outcome in zip(claimed, outcomes, strict=True)
    ]
    fields: tuple[str, ...]
    if action == "start":
        fields = START_FIELDS if ctx.args.output != "table" else START_TABLE
    else:
        fields = RESULT_FIELDS if ctx.args.output != "table" else RESULT_TABLE
    ctx.printer.records(records, fields)
    return exit_code(outcomes)


def _progress(activity: ActivityLog, action: str) -> Callable[[ActivityEntry], None]:
    def show(entry: ActivityEntry) -> None:
        if entry.action == action and entry.target.endswith(" jobs") and entry.note:
            sys.stderr.write(f"\r{action}: {clean(entry.note)}\x1b[K")
            sys.stderr.flush()

    activity.subscribe(show)
    return show


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
        drops=(),  # the restore session's id is what explore is for
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
    found = sessions_opened_since(listed.value, sent_at, org_name(ctx, job))
    return found[-1] if found else None


async def cmd_sessions(ctx: Context) -> int:
    ops, limit = ctx.ops, ctx.args.limit
    jobs = await read_jobs(ctx)
    chosen = [resolve_job(ctx, jobs, ctx.args.job)] if ctx.args.job else filtered(ctx, jobs, None)
    gate = asyncio.Semaphore(SESSIONS_CONCURRENCY)

    async def of(job: Job) -> list[dict[str, Any]]:
        async with gate:
            found = await read(ctx, "sessions", job.name, lambda: ops.history(job).newest(limit))
        return [session_record(session, job.id, job.name) for session in found]

    records = [record for batch in await asyncio.gather(*(of(job) for job in chosen)) for record in batch]
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    records.sort(key=lambda r: r["creationTime"] or oldest, reverse=True)
    ctx.printer.records(records[:limit], SESSION_FIELDS if ctx.args.output != "table" else SESSION_TABLE)
    return EXIT_OK


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
        drops=(),
    )
    return exit_code([result.outcome])


async def cmd_log(ctx: Context) -> int:
    ops, wanted = ctx.ops, ctx.args.session_id
    if ctx.args.follow and ctx.args.output != "table":
        raise CommandError(EXIT_USAGE, "--follow prints a table: it does not go with --output json or csv")
    items = await read(ctx, "log", wanted, lambda: ops.client.session_log_items(wanted))
    fields = LOG_FIELDS if ctx.args.output != "table" else LOG_TABLE
    ctx.printer.records([log_record(item) for item in items], fields, ["TIME", "LOG"])
    if not ctx.args.follow:
        return EXIT_OK
    seen = {log_item_key(item, position) for position, item in enumerate(items)}
    while True:  # like tail -f, until the session is no longer running
        session = await read(ctx, "session", wanted, lambda: ops.client.job_session(wanted))
        if session.is_running:
            await asyncio.sleep(FOLLOW_INTERVAL_S)
        items = await read(ctx, "log", wanted, lambda: ops.client.session_log_items(wanted))
        keys = [log_item_key(item, position) for position, item in enumerate(items)]
        new = [item for key, item in zip(keys, items, strict=True) if key not in seen]
        seen.update(keys)
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
