"""The simulator as a client nobody here wrote sees it: `veeam-365` (PyPI, pinned in the `test` extra;
generated from the official v6-v8 OpenAPI documents, and what a Home Assistant integration is built
on) against the simulator over real HTTPS on loopback, for every call both sides have.

Each call goes through the client's own `VeeamClient.call` (its sign-in, refresh and error handling)
and its generated `asyncio_detailed` operation, whose parser takes only the statuses its document
gives: an undocumented status parses as the error model, or, with no body, raises the client's
VeeamSessionError; a body of the wrong shape raises from the generated model. Any of those fails.
"""

from __future__ import annotations

import importlib
import ssl
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from vbotui.sim import Simulator

from ..helpers.tls import self_signed, serve_https

pytest.importorskip("veeam_365", reason="the third-party client veeam-365 is not installed")

from veeam_365.client import VeeamClient  # noqa: E402

SEED_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"
PAGE = 7  # small pages: 40 jobs take six


@pytest.fixture
def served(sim: Simulator, tmp_path: Any) -> Iterator[tuple[str, ssl.SSLContext]]:
    """The test's simulator behind uvicorn over HTTPS; its URL and a context trusting its certificate."""
    cert = self_signed(tmp_path, "sim")
    with serve_https(sim.app, cert) as port:
        yield f"https://127.0.0.1:{port}", ssl.create_default_context(cafile=str(cert.cert))


class Peer:
    """Calls the client's generated operations through `VeeamClient.call` and checks each answer."""

    def __init__(self, client: VeeamClient) -> None:
        self.client = client
        self.package = client.package

    def model(self, module: str, name: str) -> Any:
        return getattr(importlib.import_module(f"{self.package}.models.{module}"), name)

    async def call(self, operation: str, parsed_as: str | None, *args: Any, **kwargs: Any) -> Any:
        """Run `operation` (e.g. "job.job_get"); the answer must be a 2xx parsed as `parsed_as`
        (a model's name, "list", or None for an operation documented without a body)."""
        self.client.api(operation)  # imports it the client's way (the generated code lacks a name)
        module = sys.modules[f"{self.package}.api.{operation}"]
        response = await self.client.call(module.asyncio_detailed, *args, **kwargs)
        parsed = response.parsed
        assert 200 <= response.status_code < 300, (operation, response.status_code, response.content)
        kind = "list" if isinstance(parsed, list) else None if parsed is None else type(parsed).__name__
        assert kind == parsed_as, (operation, response.status_code, kind, response.content[:300])
        return parsed

    async def every_page(self, operation: str, page_model: str, **kwargs: Any) -> list[Any]:
        """Every item of a paged collection, a page at a time, as a client pages it."""
        items: list[Any] = []
        while True:
            page = await self.call(operation, page_model, limit=PAGE, offset=len(items), **kwargs)
            items += page.results
            if len(page.results) < PAGE:
                return items


def tolerate_null_enums(monkeypatch: pytest.MonkeyPatch, package: str, where: dict[str, str]) -> None:
    """The client's generated parser wraps every enum value in its Enum, so a null, which the
    documents allow (`"nullable": true` on RESTJob.lastStatus and friends: a job that never ran), raises
    "None is not a valid RESTJobLastStatus". That is the client's fault, not the server's: read null
    as absent in those models, as the Home Assistant integration built on this client does."""
    unset = importlib.import_module(f"{package}.types").UNSET
    for module_name, enum_name in where.items():
        module = importlib.import_module(f"{package}.models.{module_name}")
        enum = getattr(module, enum_name)
        monkeypatch.setattr(
            module, enum_name, lambda value, enum=enum: unset if value is None else enum(value)
        )


def token_grants(sim: Simulator) -> list[str]:
    """The grant type of every token request the simulator has received, oldest first."""
    grants = []
    for request in sim.requests:
        if request.path.lower().endswith("/token"):
            body = request.form or (request.json if isinstance(request.json, dict) else {})
            grants.append(str(body.get("grant_type")))
    return grants


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
async def test_the_peer_client_takes_every_answer(
    sim: Simulator, served: tuple[str, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    url, trust = served
    n = int(version[1:])
    async with VeeamClient(url, "admin", "secret", version, verify_ssl=trust, timeout=10) as client:
        peer = Peer(client)
        tolerate_null_enums(monkeypatch, client.package, {"rest_job": "RESTJobLastStatus"})

        # sign-in, then a refresh when the client thinks its token is about to expire
        await client.connect()
        assert token_grants(sim) == ["password"]
        await peer.call("service_instance.service_instance_get", "RESTServiceInstance")
        refresh_before = client._refresh_token
        client._expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        await peer.call("license_.license_get", "RESTLicense")
        assert token_grants(sim) == ["password", "refresh_token"]  # refreshed, no password fallback
        assert client._refresh_token != refresh_before

        # organizations and jobs (every page on v8, where they are paged)
        if n >= 8:
            orgs = await peer.every_page("organization.organization_get", "PageOfRestOrganizationComposed")
            jobs = await peer.every_page("job.job_get", "PageOfRESTJob")
        else:
            orgs = await peer.call("organization.organization_get", "list")
            jobs = await peer.call("job.job_get", "list")
        assert {str(org.id) for org in orgs} == set(sim.organizations)
        assert sorted(str(job.id) for job in jobs) == sorted(sim.jobs)
        job_id = UUID(SEED_JOB)
        org_id = UUID(sim.jobs[SEED_JOB].organization_id)
        job = await peer.call("job.job_get_by_id", "RESTJob", job_id)
        assert job.name == sim.jobs[SEED_JOB].name

        # the job's sessions, a session's log (and one line of it), its processed objects
        if n >= 7:
            sessions = await peer.call("job_session.job_session_get", "PageOfRESTJobSession", job_id=job_id)
        else:
            of_job = "job_session.job_session_get_by_job_id"
            sessions = await peer.call(of_job, "PageOfRESTJobSession", job_id)
        session_id = sessions.results[0].id
        log = await peer.call(
            "job_session_log.job_session_log_get_batch_by_session_id", "PageOfRESTLogItem", session_id
        )
        line = await peer.call(
            "job_session_log.job_session_log_get_batch_by_session_id_by_log_item_id",
            "RESTLogItem",
            session_id,
            log.results[-1].id,
        )
        assert line.id == log.results[-1].id
        if n >= 7:
            await peer.call(
                "job_session_objects.job_session_get_objects_by_session_id",
                "PageOfRESTJobSessionObject",
                session_id,
            )

        # the actions: disable, enable, start with empty options (`full` is optional), stop
        await peer.call("job.job_disable_action", None, job_id)
        assert sim.jobs[SEED_JOB].is_enabled is False
        await peer.call("job.job_enable_action", None, job_id)
        start_options = peer.model("rest_start_job_options", "RESTStartJobOptions")()
        assert start_options.to_dict() == {}
        started = "RESTJobSession" if n >= 8 else None  # v8 answers the new session
        await peer.call("job.job_start_action", started, job_id, body=start_options)
        assert sim.jobs[SEED_JOB].last_status == "Running"
        await peer.call("job.job_stop_action", None, job_id)
        assert sim.jobs[SEED_JOB].last_status == "Stopped"

        # explore by job and by organization; the restore sessions, their organization, stop
        explore_type = peer.model("rest_explore_options_type", "RESTExploreOptionsType")
        explore_options = peer.model("rest_explore_options", "RESTExploreOptions")
        by_job = await peer.call(
            "job.job_explore_action",
            "RESTRestoreSession",
            job_id,
            body=explore_options(date_time=datetime(2024, 5, 1, tzinfo=timezone.utc), type_=explore_type.VEX),
        )
        if n >= 8:
            org_options = peer.model("rest_organization_explore_options", "RESTOrganizationExploreOptions")
            org_type = peer.model(
                "rest_organization_explore_options_type", "RESTOrganizationExploreOptionsType"
            )
            repository = UUID(sim.organizations[str(org_id)].repository_id)
            body = org_options(type_=org_type.VESP, show_deleted=True, repository_id=repository)
            by_org = await peer.call(
                "organization.organization_explore", "RESTRestoreSession", org_id, body=body
            )
        else:
            body = explore_options(type_=explore_type.VESP, show_deleted=True)
            by_org = await peer.call(
                "organization.organization_explore_action", "RESTRestoreSession", org_id, body=body
            )
        assert {str(by_job.id), str(by_org.id)} == set(sim.restore_sessions)
        page = await peer.call("restore_session.restore_session_get_page", "PageOfRESTRestoreSession")
        assert {str(session.id) for session in page.results} == set(sim.restore_sessions)
        await peer.call(
            "restore_session.restore_session_get_by_restore_session_id", "RESTRestoreSession", by_org.id
        )
        organization = await peer.call(
            "backup_organization.backup_organization_get_by_restore_session_id",
            "RESTBackupOrganization",
            by_org.id,
        )
        assert organization.id == org_id
        await peer.call("restore_session.restore_session_stop_action", None, by_job.id)
        assert sim.restore_sessions[str(by_job.id)].state == "Stopped"

        # the server's parts
        if n >= 8:
            proxies = await peer.every_page("proxy.proxy_get_proxies", "PageOfRESTProxy")
            repositories = await peer.every_page(
                "backup_repository.backup_repository_get_repositories", "PageOfRESTBackupRepository"
            )
            health = await peer.call("health.health_get", "RESTHealthReport")
            assert set(health.entries.additional_properties) == {"NATS", "PostgreSQL"}
        else:
            proxies = await peer.call("proxy.proxy_get_proxies", "list")
            repositories = await peer.call("backup_repository.backup_repository_get_repositories", "list")
        assert proxies and repositories
        await peer.call("proxy.proxy_get_proxy", "RESTProxy", proxies[0].id)
        one_repository = "backup_repository.backup_repository_get_repositories_by_id"
        await peer.call(one_repository, "RESTBackupRepository", repositories[0].id)

        # sign out (v7+), after which the session's token is refused
        if n >= 7:
            await peer.call("auth.logout", None)
            assert sim.tokens.check(client._access_token or "", sim.now()) is None
