"""Every v6-v8 body the simulator produces, validated against the official OpenAPI documents.

The documents live beside the checkout in ../shared/vb365-openapi/; without them these tests skip.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT / ".." / "shared" / "vb365-openapi"
MISSING = "00000000-0000-4000-8000-000000000000"


@cache
def spec(version: str) -> dict[str, Any]:
    path = SPEC_DIR / f"vb365_rest_{version}.json"
    if not path.is_file():
        pytest.skip(f"OpenAPI document {path} is absent")
    return allow_null_in_nullable_enums(json.loads(path.read_text(encoding="utf-8")))


def allow_null_in_nullable_enums(node: Any) -> Any:
    """Swashbuckle writes `nullable: true` enums without null in the list; OAS 3.0.3 would then
    refuse null, but the intent (and what servers send, vbo-api.md §3) is that null is allowed."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for value in node.values():
            allow_null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            allow_null_in_nullable_enums(value)
    return node


def operation_schema(version: str, method: str, path: str, status: int) -> dict[str, Any]:
    """The response schema the document gives for a concrete path (ids matched to {templates})."""
    document = spec(version)
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path, re.IGNORECASE) and method.lower() in operations:
            responses = operations[method.lower()]["responses"]
            response = responses.get(str(status)) or responses["default"]
            content = response["content"]
            media = content.get("application/json") or next(iter(content.values()))
            return media["schema"]
    raise AssertionError(f"{method} {path} is not in the {version} document")


def assert_conforms(version: str, response: httpx.Response) -> None:
    from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

    request = response.request
    path = request.url.path
    schema = operation_schema(version, request.method, path, response.status_code)
    # The components travel with the schema so that its $refs resolve inside one document.
    root = {**schema, "components": spec(version)["components"]}
    validator = OAS30ReadValidator(root, format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{request.method} {path} {response.status_code}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )


@pytest.fixture(params=["v6", "v7", "v8"])
def version(request: pytest.FixtureRequest) -> str:
    spec(request.param)
    return str(request.param)


async def test_token_conforms(sim_client, version) -> None:
    response = await sim_client.post(
        f"/{version}/token", json={"grant_type": "password", "username": "admin", "password": "secret"}
    )
    assert response.status_code == 200
    assert_conforms(version, response)
    assert set(response.json()) >= {".issued", ".expires", "access_token", "refresh_token"}


async def test_read_endpoints_conform(sim_client, sign_in, seed_job, sim, version) -> None:
    auth = await sign_in(version)
    org_id = next(iter(sim.organizations))
    never_backed_up = list(sim.organizations)[-1]
    paths = [
        "/Jobs",
        f"/Jobs/{seed_job}",
        "/Organizations",
        "/Organizations?extendedView=true",
        "/Organizations?extendedView=false",
        f"/Organizations/{org_id}?extendedView=true",
        f"/Organizations/{org_id}?extendedView=false",
        f"/Organizations/{never_backed_up}?extendedView=true",
        "/JobSessions",
        "/RestoreSessions",
        "/ServiceInstance",
    ]
    if version != "v8":
        paths.append(f"/Organizations/{org_id}/Jobs")
    if version == "v6":
        paths.append(f"/Jobs/{seed_job}/JobSessions")
    else:
        paths.append(f"/JobSessions?jobId={seed_job}")
    if version == "v8":
        paths += ["/Health", "/Jobs?limit=5&offset=3"]
    for path in paths:
        response = await sim_client.get(f"/{version}{path}", headers=auth)
        assert response.status_code == 200, (path, response.text)
        assert_conforms(version, response)
    session_id = sim.jobs[seed_job].session_ids[-1]
    one = await sim_client.get(f"/{version}/JobSessions/{session_id}", headers=auth)
    assert_conforms(version, one)


async def test_actions_and_sessions_conform(sim_client, sign_in, seed_job, sim, sim_clock, version) -> None:
    auth = await sign_in(version)
    start = await sim_client.post(f"/{version}/Jobs/{seed_job}/start", json={"full": False}, headers=auth)
    if version == "v8":
        assert start.status_code == 200
        assert_conforms(version, start)  # a running RESTJobSession
    else:
        assert start.status_code == 204
    running = await sim_client.get(f"/{version}/Jobs/{seed_job}", headers=auth)
    assert_conforms(version, running)
    sim_clock.advance(1)
    sessions = await sim_client.get(f"/{version}/JobSessions", headers=auth)
    assert_conforms(version, sessions)
    for point in ("2019-04-12T10:54:40.2794046Z", "2024-05-01T00:00:00Z", "2099-01-01T00:00:00Z"):
        explore = await sim_client.post(
            f"/{version}/Jobs/{seed_job}/explore",
            headers=auth,
            json={"dateTime": point, "type": "Vesp", "showDeleted": True, "showAllVersions": True},
        )
        assert explore.status_code == (201 if version == "v8" else 200)
        assert_conforms(version, explore)
    session_id = explore.json()["id"]
    organization = await sim_client.get(explore.json()["_links"]["organization"]["href"], headers=auth)
    assert organization.status_code == 200, organization.text
    assert_conforms(version, organization)
    assert organization.json()["id"] == sim.jobs[seed_job].organization_id
    stop = await sim_client.post(f"/{version}/RestoreSessions/{session_id}/Stop", headers=auth)
    assert (stop.status_code, stop.content) == (204 if version == "v8" else 200, b"")  # as documented
    assert documented_statuses(version, "POST", stop.request.url.path) == {stop.status_code}
    stopped = await sim_client.get(f"/{version}/RestoreSessions/{session_id}", headers=auth)
    assert stopped.json()["state"] == "Stopped"
    assert_conforms(version, stopped)
    assert_conforms(version, await sim_client.get(f"/{version}/RestoreSessions", headers=auth))


async def test_explore_by_organization_conforms(sim_client, sign_in, sim, version) -> None:
    auth = await sign_in(version)
    org_id = next(iter(sim.organizations))
    body: dict[str, object] = {"dateTime": "2024-05-01T00:00:00Z", "type": "Vex", "showDeleted": False}
    if version == "v8":
        body["repositoryId"] = sim.organizations[org_id].repository_id
    explore = await sim_client.post(f"/{version}/Organizations/{org_id}/explore", json=body, headers=auth)
    assert explore.status_code == (201 if version == "v8" else 200), explore.text
    assert documented_statuses(version, "POST", explore.request.url.path) == {explore.status_code}
    assert_conforms(version, explore)
    assert explore.json()["organization"] == sim.organizations[org_id].name
    assert explore.json()["id"] in sim.restore_sessions
    missing = await sim_client.post(f"/{version}/Organizations/{MISSING}/explore", json=body, headers=auth)
    assert missing.status_code == 404
    assert_conforms(version, missing)


async def test_linked_resources_are_served_and_conform(sim_client, sign_in, seed_job, sim, version) -> None:
    """Every `_links` href of a job, a session's log item, a proxy and a repository answers."""
    auth = await sign_in(version)
    job = (await sim_client.get(f"/{version}/Jobs/{seed_job}", headers=auth)).json()
    session_id = sim.jobs[seed_job].session_ids[-1] if sim.jobs[seed_job].session_ids else None
    if session_id is None:
        sessions_path = (
            f"/Jobs/{seed_job}/JobSessions" if version == "v6" else f"/JobSessions?jobId={seed_job}"
        )
        await sim_client.get(f"/{version}{sessions_path}", headers=auth)
        session_id = sim.jobs[seed_job].session_ids[-1]
    log = (await sim_client.get(f"/{version}/JobSessions/{session_id}/LogItems", headers=auth)).json()
    proxies = (await sim_client.get(f"/{version}/Proxies", headers=auth)).json()
    repositories = (await sim_client.get(f"/{version}/BackupRepositories", headers=auth)).json()
    if version == "v8":  # paged from v8 on
        proxies, repositories = proxies["results"], repositories["results"]
    hrefs = [
        job["_links"]["backupRepository"]["href"],
        job["_links"]["organization"]["href"],
        log["results"][0]["_links"]["self"]["href"],
        proxies[0]["_links"]["self"]["href"],
        repositories[0]["_links"]["self"]["href"],
    ]
    for href in hrefs:
        response = await sim_client.get(href, headers=auth)
        assert response.status_code == 200, (href, response.text)
        assert documented_statuses(version, "GET", response.request.url.path) == {200}
        assert_conforms(version, response)
    assert (await sim_client.get(hrefs[2], headers=auth)).json() == log["results"][0]
    for missing in (
        f"Proxies/{MISSING}",
        f"BackupRepositories/{MISSING}",
        f"JobSessions/{session_id}/LogItems/{MISSING}",
    ):
        response = await sim_client.get(f"/{version}/{missing}", headers=auth)
        assert response.status_code == 404, missing
        assert_conforms(version, response)


async def test_service_instance_wants_a_token(sim_client, sign_in, version) -> None:
    """The documents give ServiceInstance no anonymous mark (Health on v8 has one: x-anonymous)."""
    anonymous = await sim_client.get(f"/{version}/ServiceInstance")
    assert anonymous.status_code == 401
    assert not spec(version)["paths"][f"/{version}/ServiceInstance"]["get"].get("x-anonymous")
    signed_in = await sim_client.get(f"/{version}/ServiceInstance", headers=await sign_in(version))
    assert signed_in.status_code == 200
    assert_conforms(version, signed_in)
    if version == "v8":
        assert spec(version)["paths"]["/v8/Health"]["get"]["x-anonymous"] is True
        health = await sim_client.get("/v8/Health")
        assert health.status_code == 200
        assert_conforms(version, health)


def documented_statuses(version: str, method: str, path: str) -> set[int]:
    """The success statuses the document gives an operation (`default` is its error answer)."""
    document = spec(version)
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path, re.IGNORECASE) and method.lower() in operations:
            return {int(status) for status in operations[method.lower()]["responses"] if status.isdigit()}
    raise AssertionError(f"{method} {path} is not in the {version} document")


async def test_error_bodies_conform(sim_client, sign_in, seed_job, version) -> None:
    auth = await sign_in(version)
    responses = [
        await sim_client.get(f"/{version}/Jobs/{MISSING}", headers=auth),
        await sim_client.post(f"/{version}/Jobs/{seed_job}/stop", headers=auth),
        await sim_client.post(f"/{version}/Jobs/{seed_job}/start", json={"full": "maybe"}, headers=auth),
        await sim_client.get(f"/{version}/Organizations/{MISSING}", headers=auth),
    ]
    for response in responses:
        assert response.status_code in (400, 404)
        assert_conforms(version, response)


def test_the_check_catches_a_wrong_body() -> None:
    """Guard against a vacuous validator: a body the document forbids must fail."""
    request = httpx.Request("GET", f"http://sim.test/v8/Jobs/{MISSING}")
    bad = httpx.Response(
        200, json={"id": MISSING, "name": "x", "isEnabled": "yes", "eTag": "1"}, request=request
    )
    with pytest.raises(AssertionError, match="isEnabled"):
        assert_conforms("v8", bad)
    wrong_page = httpx.Response(
        200, json={"offset": 0, "results": []}, request=httpx.Request("GET", "http://sim.test/v8/Jobs")
    )
    with pytest.raises(AssertionError, match="limit"):
        assert_conforms("v8", wrong_page)
