"""What a one-shot command runs with: the checked plan, the operations layer, the printer; the
reads every command shares (through `ServerOperations.perform`), job selection and confirmation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from vbotui.api.models import Job
from vbotui.auth import Secret
from vbotui.config import Profile
from vbotui.filtering import JobFilter
from vbotui.operations import (
    FAILED,
    NOT_SENT,
    REFUSED,
    ServerOperations,
)
from vbotui.textclean import clean
from vbotui.timeparse import PointInTime
from vbotui.words import counted

from .exits import EXIT_FAILED, EXIT_UNREACHABLE, EXIT_USAGE, CommandError
from .output import Printer
from .signin import Terminal

T = TypeVar("T")

# Always confirmed, whatever the count (`needs_confirmation` says when for job actions).
ALWAYS_CONFIRMED = ("stop", "disable", "stop-restore-session")

LIST_IN_PROMPT = 10


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


@dataclass
class Context:
    plan: Plan
    ops: ServerOperations
    printer: Printer

    @property
    def args(self) -> argparse.Namespace:
        return self.plan.args


async def read(ctx: Context, action: str, target: str, send: Callable[[], Awaitable[T]]) -> T:
    """A read through `perform`; CommandError when it fails (3 unreachable or signed out, else 1)."""
    result = await ctx.ops.perform(action, target, send, read=True, line="on_problem")
    if result.done:
        value: T = result.value
        return value
    outcome = result.outcome
    no_answer = outcome.kind == FAILED and outcome.status is None  # not reached, or timed out
    unreachable = outcome.kind == NOT_SENT or no_answer or (outcome.kind == REFUSED and outcome.status == 401)
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
    return ops.unique_jobs(await read(ctx, "list jobs", "jobs", ops.client.list_jobs))


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
            or job_filter.matches(
                job.name, org_name(ctx, job), job.last_status, job.is_enabled, job.organization_id
            )
        )
    ]


def organizations(ctx: Context, jobs: Sequence[Job]) -> list[tuple[str, int]]:
    """The organizations of `jobs` and how many of them each has, in first-seen order."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for job in jobs:
        key = job.organization_id or ""
        counts[key] = counts.get(key, 0) + 1
        names[key] = clean(org_name(ctx, job) or job.organization_id or "(no organization)")
    return [(names[key], count) for key, count in counts.items()]


def org_list(orgs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} ({counted(count, 'job')})" for name, count in orgs)


def one_organization(ctx: Context, targets: Sequence[Job]) -> None:
    """A write chosen by --filter stays in one organization unless --org or --all-orgs says which:
    `org:contoso` also matches contoso-emea. CommandError(2), naming them, otherwise."""
    if ctx.args.filter is None or ctx.args.org is not None or ctx.args.all_orgs:
        return
    orgs = organizations(ctx, targets)
    if len(orgs) > 1:
        raise CommandError(
            EXIT_USAGE,
            f"--filter {clean(ctx.args.filter)!r} matches jobs of {len(orgs)} organizations: "
            f"{org_list(orgs)}; nothing sent. Say which with --org ORG or org:=NAME in the filter, "
            "or --all-orgs to act on all of them",
        )


def confirm(
    ctx: Context,
    question: str,
    names: Sequence[str],
    needed: bool,
    orgs: Sequence[tuple[str, int]] = (),
) -> None:
    """--yes, or a typed y on a terminal; CommandError(2) otherwise (nothing sent). `orgs`: the
    organizations the targets belong to, listed above the question when more than one."""
    if ctx.args.yes or not needed:
        return
    question = clean(question)  # it may hold a job's name
    terminal = ctx.plan.terminal
    if not terminal.interactive:
        raise CommandError(EXIT_USAGE, f"{question}: needs --yes (no terminal to ask on): nothing sent")
    shown = [f"  {clean(name)}" for name in names[:LIST_IN_PROMPT]]
    if len(names) > LIST_IN_PROMPT:
        shown.append(f"  ... and {len(names) - LIST_IN_PROMPT} more")
    if len(orgs) > 1:
        shown.append(f"in {len(orgs)} organizations: {org_list(orgs)}")
    terminal.say("\n".join(shown))
    if terminal.ask(f"{question}? [y/N] ").lower() not in ("y", "yes"):
        raise CommandError(EXIT_USAGE, "not confirmed: nothing sent")
