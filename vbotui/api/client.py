"""`VboClient`: the VB365 REST API as the UI sees it (docs/architecture.md is the contract)."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import httpx

from .answers import decode_json, expect_object
from .bearer import flag_resent
from .dialects import API_VERSION_CHOICES, VERSIONS, Capabilities, Dialect, dialect_for
from .errors import NotFound, VboError
from .http import READ_RETRY_DELAYS_S, ExchangeHook, HttpSession, error_from_response
from .limits import Limits
from .models import (
    ActionResult,
    ExploreOptions,
    Health,
    Job,
    JobSession,
    License,
    LogItem,
    Organization,
    ProcessedObject,
    Proxy,
    Repository,
    RestoreSession,
    SelectedItem,
    ServiceInstance,
)
from .paging import MAX_PAGE_SIZE
from .session_pages import SessionPages
from .tokens import AccessTokens

_OLDEST = datetime.min.replace(tzinfo=timezone.utc)
OFF_LOOP_ITEMS = 2_000  # a job list at least this long is parsed in a worker thread


def _jobs_from_json(items: list[dict[str, Any]]) -> list[Job]:
    return [Job.from_json(item) for item in items]


class VboClient(SessionPages):
    """One server, one long-lived connection pool, one signed-in user."""

    def __init__(
        self,
        base_url: str,
        api_version: str = "auto",
        *,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = None,
        limits: Limits | None = None,
        page_size: int = MAX_PAGE_SIZE,
        on_exchange: ExchangeHook | None = None,
        clock: Callable[[], float] = time.monotonic,
        read_retry_delays: Sequence[float] = READ_RETRY_DELAYS_S,
    ) -> None:
        """`read_retry_delays`: the pauses before each resend of a read (GET) whose answer was a
        transport failure, a timeout or a 5xx; `()` sends every request once. Actions never are.
        `limits`: deadlines and size ceilings (limits.py); `timeout`, when given, is its request_s."""
        if api_version not in API_VERSION_CHOICES:
            raise ValueError(f"api_version must be one of {', '.join(API_VERSION_CHOICES)}")
        self.base_url = base_url.rstrip("/")
        self.requested_version = api_version
        self.page_size = page_size
        self._dialect: Dialect | None = None if api_version == "auto" else dialect_for(api_version)
        self._http = HttpSession(
            self.base_url,
            verify=verify,
            transport=transport,
            timeout=timeout,
            limits=limits,
            read_retry_delays=read_retry_delays,
        )
        self._http.on_exchange = on_exchange
        # Told (once per list read) when paging stopped early: a server that repeats its pages.
        self.on_paging_stopped = None
        self._tokens = AccessTokens(self._send_grant, clock=clock)
        self._user: str | None = None

    def __repr__(self) -> str:
        signed_in = self._tokens.access_token is not None
        return (
            f"VboClient({self.base_url!r}, version={self.version!r}, user={self.user!r}, "
            f"signed_in={signed_in})"
        )

    # --- state the UI reads
    @property
    def version(self) -> str | None:
        return self._dialect.version if self._dialect else None

    @property
    def capabilities(self) -> Capabilities | None:
        """What the server's API version can do; None until the version is known."""
        return self._dialect.capabilities if self._dialect else None

    @property
    def user(self) -> str | None:
        return self._user or self._tokens.user_name

    @property
    def refresh_token(self) -> str | None:
        return self._tokens.refresh_token

    @property
    def is_signed_in(self) -> bool:
        return self._tokens.access_token is not None

    @property
    def on_refresh_token(self) -> Callable[[str], None] | None:
        return self._tokens.on_refresh_token

    @on_refresh_token.setter
    def on_refresh_token(self, callback: Callable[[str], None] | None) -> None:
        self._tokens.on_refresh_token = callback

    @property
    def on_exchange(self) -> ExchangeHook | None:
        return self._http.on_exchange

    @on_exchange.setter
    def on_exchange(self, hook: ExchangeHook | None) -> None:
        self._http.on_exchange = hook

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> VboClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- version
    async def detect_version(self) -> str:
        """Probe anonymous `GET /vN/ServiceInstance`, newest first: 200/401/403 = served, 404 = not."""
        answers: list[str] = []
        for version in reversed(VERSIONS):
            path = f"/{version}/ServiceInstance"
            response = await self._http.send("GET", path)
            answers.append(f"{version}: {response.status_code}")
            if response.status_code in (200, 401, 403):
                self._dialect = dialect_for(version)
                return version
        raise NotFound(
            f"no VB365 REST API (v3-v8) answers at {self.base_url} ({', '.join(answers)})",
            method="GET",
            path="/vN/ServiceInstance",
        )

    async def _ensure_dialect(self) -> Dialect:
        if self._dialect is None:
            await self.detect_version()
        assert self._dialect is not None
        return self._dialect

    # --- sign-in
    async def sign_in(self, user: str, password: str) -> None:
        await self._ensure_dialect()
        await self._tokens.password_grant(user, password)
        self._user = user

    async def sign_in_with_refresh_token(self, refresh_token: str) -> None:
        await self._ensure_dialect()
        await self._tokens.refresh_grant(refresh_token)
        self._user = None  # the token reply's userName says who this is

    async def sign_out(self) -> None:
        """Revoke the session where the API can (v7+), and always forget the tokens."""
        token = await self._tokens.sign_out()
        path = self._dialect.logout_path() if self._dialect else None
        self._user = None
        if token is None or path is None:
            return
        try:
            await self._http.send("POST", path, headers={"Authorization": f"Bearer {token}"})
        except VboError:
            pass  # best effort: the tokens are gone from here either way

    async def _send_grant(self, form: dict[str, str]) -> Mapping[str, Any]:
        dialect = await self._ensure_dialect()
        path = dialect.token_path()
        response = await self._http.send("POST", path, form={**form, **dialect.token_form_extras()})
        if not response.is_success:
            raise error_from_response(response, "POST", path, token=True)
        return expect_object(decode_json(response, "POST", path), response, "POST", path)

    # --- jobs and organizations
    async def list_jobs(
        self,
        *,
        first_page: int | None = None,
        on_page: Callable[[list[Job]], Awaitable[None]] | None = None,
    ) -> list[Job]:
        """Every job. Where the API pages (v6+), `first_page` asks for that many first and
        `on_page` is awaited with the jobs read so far after each page but the last (the list
        can be shown while the rest comes); each page is parsed as it comes."""
        dialect = await self._ensure_dialect()
        path = dialect.path("Jobs")
        jobs: list[Job] = []
        async for items, last in self._pages(path, paged=dialect.jobs_paged(), first_page=first_page):
            if len(items) < OFF_LOOP_ITEMS:
                jobs += [Job.from_json(item) for item in items]
            else:
                # Thousands of jobs: parsed in a thread, which yields the GIL to the event loop
                # every few milliseconds (sys.getswitchinterval), so keys and paints go on meanwhile.
                jobs += await asyncio.to_thread(_jobs_from_json, items)
            del items  # a page's JSON goes as soon as it is parsed
            if on_page is not None and not last:
                await on_page(list(jobs))
        return jobs

    async def get_job(self, job_id: str) -> Job:
        dialect = await self._ensure_dialect()
        return Job.from_json(await self._get_object(dialect.path("Jobs", _seg(job_id))))

    async def job_selected_items(self, job_id: str) -> list[SelectedItem] | None:
        """What the job backs up, item by item: v6/v7 write `selectedItems` in the job, v8 serves
        `/Jobs/{id}/SelectedItems` (paged); None before v6, whose jobs do not say."""
        dialect = await self._ensure_dialect()
        where = dialect.capabilities.selected_items
        if not where:
            return None
        if where == "job":
            job = await self._get_object(dialect.path("Jobs", _seg(job_id)))
            items = job.get("selectedItems")
            return [SelectedItem.from_json(item) for item in items] if isinstance(items, list) else None
        items = await self._get_all(dialect.path("Jobs", _seg(job_id), "SelectedItems"), paged=True)
        return [SelectedItem.from_json(item) for item in items]

    async def list_organizations(self) -> list[Organization]:
        dialect = await self._ensure_dialect()
        items = await self._get_all(dialect.path("Organizations"), paged=dialect.organizations_paged())
        return [Organization.from_json(item) for item in items]

    async def get_organization(self, org_id: str) -> Organization:
        dialect = await self._ensure_dialect()
        path = dialect.path("Organizations", _seg(org_id))
        return Organization.from_json(await self._get_object(path, dialect.organization_params() or None))

    async def job_sessions(self, job_id: str, limit: int = 10) -> list[JobSession]:
        """The job's newest `limit` sessions, newest first (the API has no order parameter)."""
        dialect = await self._ensure_dialect()
        spec = dialect.job_sessions(job_id)
        items = await self._get_all(spec.path, paged=dialect.sessions_paged(), params=spec.params)
        sessions = [JobSession.from_json(item) for item in items]
        sessions.sort(key=lambda s: s.creation_time or _OLDEST, reverse=True)
        return sessions[:limit]

    async def job_session(self, session_id: str) -> JobSession:
        dialect = await self._ensure_dialect()
        return JobSession.from_json(await self._get_object(dialect.job_session(session_id).path))

    async def session_log_items(self, session_id: str) -> list[LogItem]:
        """Every log item of a job session, oldest first (paged on every version)."""
        dialect = await self._ensure_dialect()
        items = await self._get_all(dialect.session_log_items(session_id).path, paged=True)
        log = [LogItem.from_json(item) for item in items]
        log.sort(key=lambda item: (item.usn is None, item.usn or 0))  # stable: the server's order otherwise
        return log

    async def processed_objects(self, session_id: str) -> list[ProcessedObject]:
        """The objects a job session processed (v7+; ask `capabilities.processed_objects`)."""
        dialect = await self._ensure_dialect()
        items = await self._get_all(dialect.processed_objects(session_id).path, paged=True)
        return [ProcessedObject.from_json(item) for item in items]

    # --- the server itself
    async def service_instance(self) -> ServiceInstance:
        dialect = await self._ensure_dialect()
        return ServiceInstance.from_json(await self._get_object(dialect.path("ServiceInstance")))

    async def health(self) -> Health:
        """v8 `GET /Health` (ask `capabilities.health`)."""
        dialect = await self._ensure_dialect()
        return Health.from_json(await self._get_object(dialect.path("Health")))

    async def list_proxies(self) -> list[Proxy]:
        dialect = await self._ensure_dialect()
        items = await self._get_all(dialect.path("Proxies"), paged=dialect.capabilities.proxies_paged)
        return [Proxy.from_json(item) for item in items]

    async def list_repositories(self) -> list[Repository]:
        dialect = await self._ensure_dialect()
        paged = dialect.capabilities.proxies_paged
        items = await self._get_all(dialect.path("BackupRepositories"), paged=paged)
        return [Repository.from_json(item) for item in items]

    async def license(self) -> License:
        dialect = await self._ensure_dialect()
        return License.from_json(await self._get_object(dialect.path("License")))

    # --- actions
    # An action is sent once. A 2xx whose body cannot be read raises UnreadableAnswer: the server
    # probably acted, but that answer is not one to say "done" on (the caller re-reads the job).
    async def job_action(self, job_id: str, action: str, *, full: bool = False) -> ActionResult:
        """`full`: an active full start (v6+); elsewhere the dialect's ValueError, nothing sent."""
        dialect = await self._ensure_dialect()
        spec = dialect.job_action(job_id, action, full=full)
        started = time.perf_counter()
        response, resent = await self._request_resent(spec)
        with flag_resent(resent):
            body = decode_json(response, spec.method, spec.path)  # most actions answer no body at all
            session = None
            if action == "start" and body is not None:
                session = JobSession.from_json(expect_object(body, response, spec.method, spec.path))
        elapsed = time.perf_counter() - started
        return ActionResult(
            response.status_code, elapsed, job_session=session, resent_after_refused_token=resent
        )

    async def explore(self, job_id: str, options: ExploreOptions) -> ActionResult:
        dialect = await self._ensure_dialect()
        spec = dialect.explore(job_id, options)
        started = time.perf_counter()
        response, resent = await self._request_resent(spec)
        with flag_resent(resent):
            body = decode_json(response, spec.method, spec.path)
            session = None
            if body is not None:
                session = RestoreSession.from_json(expect_object(body, response, spec.method, spec.path))
        elapsed = time.perf_counter() - started
        return ActionResult(
            response.status_code, elapsed, restore_session=session, resent_after_refused_token=resent
        )

    async def list_restore_sessions(self) -> list[RestoreSession]:
        dialect = await self._ensure_dialect()
        items = await self._get_all(dialect.path("RestoreSessions"), paged=dialect.sessions_paged())
        return [RestoreSession.from_json(item) for item in items]

    async def stop_restore_session(self, session_id: str) -> ActionResult:
        dialect = await self._ensure_dialect()
        spec = dialect.stop_restore_session(session_id)
        started = time.perf_counter()
        response, resent = await self._request_resent(spec)
        with flag_resent(resent):
            decode_json(
                response, spec.method, spec.path
            )  # no body is documented; an unreadable one is no "done"
        elapsed = time.perf_counter() - started
        return ActionResult(response.status_code, elapsed, resent_after_refused_token=resent)


def _seg(value: str) -> str:
    return quote(value, safe="")
