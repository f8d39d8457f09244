"""The requests each API generation expects (vbo-api.md §4, the seed)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from vbotui.api import EXPLORE_TYPES, ExploreOptions, VboClient
from vbotui.api.dialects import (
    API_VERSION_CHOICES,
    VERSIONS,
    ActionDialect,
    VerbDialect,
    capabilities_for,
    dialect_for,
)

from .sim_support import make_sim

OLD = ["v3", "v4", "v5"]
NEW = ["v6", "v7", "v8"]
WHEN = datetime(2019, 4, 12, 10, 54, 40, 279404, tzinfo=timezone.utc)


@pytest.mark.parametrize("version", OLD)
@pytest.mark.parametrize("action", ["enable", "start", "stop", "disable"])
def test_old_versions_post_the_seed_action_bodies(version, action):
    spec = dialect_for(version).job_action("3396ba22", action)
    assert (spec.method, spec.path, spec.body, spec.has_body) == (
        "POST",
        f"/{version}/Jobs/3396ba22/Action",
        {action: None},
        True,
    )


@pytest.mark.parametrize("version", NEW)
@pytest.mark.parametrize("action", ["enable", "stop", "disable"])
def test_new_versions_post_to_a_verb_without_body(version, action):
    spec = dialect_for(version).job_action("j", action)
    assert (spec.method, spec.path, spec.has_body) == ("POST", f"/{version}/Jobs/j/{action}", False)


@pytest.mark.parametrize("version", NEW)
def test_new_versions_start_with_full_false(version):
    spec = dialect_for(version).job_action("j", "start")
    assert (spec.path, spec.body) == (f"/{version}/Jobs/j/start", {"full": False})


@pytest.mark.parametrize("version", OLD)
def test_old_explore_body(version):
    spec = dialect_for(version).explore("j", ExploreOptions(WHEN, "vex", True, True))
    assert spec.path == f"/{version}/Jobs/j/Action"
    assert spec.body == {
        "explore": {
            "datetime": "2019-04-12T10:54:40.279404Z",
            "type": "vex",
            "showDeleted": True,
            "showAllVersions": True,
        }
    }


@pytest.mark.parametrize("version", NEW)
@pytest.mark.parametrize(
    ("kind", "sent"), [("vex", "Vex"), ("veod", "Veod"), ("vesp", "Vesp"), ("vet", "Vet")]
)
def test_new_explore_body_capitalises_the_type(version, kind, sent):
    spec = dialect_for(version).explore("j", ExploreOptions(WHEN, kind))
    assert spec.path == f"/{version}/Jobs/j/explore"
    assert spec.body == {
        "dateTime": "2019-04-12T10:54:40.279404Z",
        "type": sent,
        "showDeleted": False,
        "showAllVersions": False,
    }


def test_restore_session_stop_per_generation():
    old = dialect_for("v4").stop_restore_session("s1")
    new = dialect_for("v6").stop_restore_session("s1")
    assert (old.path, old.body, old.has_body) == ("/v4/RestoreSessions/s1/Action", {"stop": None}, True)
    assert (new.path, new.has_body) == ("/v6/RestoreSessions/s1/Stop", False)


@pytest.mark.parametrize(
    ("version", "path", "params"),
    [
        ("v3", "/v3/Jobs/j/JobSessions", None),
        ("v6", "/v6/Jobs/j/JobSessions", None),
        ("v7", "/v7/JobSessions", {"jobId": "j"}),
        ("v8", "/v8/JobSessions", {"jobId": "j"}),
    ],
)
def test_job_sessions_path(version, path, params):
    spec = dialect_for(version).job_sessions("j")
    assert (spec.path, spec.params) == (path, params)


def test_generation_specifics():
    assert [type(dialect_for(v)) for v in VERSIONS] == [ActionDialect] * 3 + [VerbDialect] * 3
    assert [dialect_for(v).logout_path() for v in VERSIONS] == [None] * 4 + [
        "/v7/token/logout",
        "/v8/token/logout",
    ]
    assert [bool(dialect_for(v).token_form_extras()) for v in VERSIONS] == [False] * 4 + [True] * 2
    assert [bool(dialect_for(v).organization_params()) for v in VERSIONS] == [False] * 3 + [True] * 3
    assert [dialect_for(v).jobs_paged() for v in VERSIONS] == [False] * 5 + [True]


def test_unknown_inputs_are_refused_before_sending():
    with pytest.raises(ValueError):
        dialect_for("v9")
    with pytest.raises(ValueError):
        dialect_for("v8").job_action("j", "delete")
    with pytest.raises(ValueError):
        dialect_for("v8").explore("j", ExploreOptions(WHEN, "exchange"))


def test_capabilities_by_version():
    caps = [dialect_for(v).capabilities for v in VERSIONS]
    assert [c.version for c in caps] == list(VERSIONS)
    assert [c.teams_restore for c in caps] == [False] * 2 + [True] * 4
    assert [c.logout for c in caps] == [False] * 4 + [True] * 2
    assert [c.full_start for c in caps] == [False] * 3 + [True] * 3
    assert [c.jobs_paged for c in caps] == [False] * 5 + [True]
    assert [c.organizations_paged for c in caps] == [False] * 5 + [True]
    assert [c.sessions_paged for c in caps] == [False] * 2 + [True] * 4
    assert [c.session_log_items for c in caps] == [True] * 6
    assert [c.processed_objects for c in caps] == [False] * 4 + [True] * 2
    assert [c.health for c in caps] == [False] * 5 + [True]
    assert [c.verb_actions for c in caps] == [False] * 3 + [True] * 3
    without_teams = ("vex", "veod", "vesp")
    assert [c.explore_types for c in caps] == [without_teams] * 2 + [(*without_teams, "vet")] * 4


def test_the_dialect_answers_from_its_capabilities():
    for version in VERSIONS:
        dialect, caps = dialect_for(version), capabilities_for(version)
        assert dialect.capabilities is caps  # one object per version
        assert (dialect.logout_path() is not None) is caps.logout
        assert dialect.jobs_paged() is caps.jobs_paged and dialect.sessions_paged() is caps.sessions_paged
        assert isinstance(dialect, VerbDialect) is caps.verb_actions
        assert set(caps.explore_types) <= set(EXPLORE_TYPES)


def test_versions_are_listed_once():
    from vbotui import config
    from vbotui.sim.config import ALL_VERSIONS

    assert API_VERSION_CHOICES == ("auto", *VERSIONS)
    assert config.API_VERSIONS is API_VERSION_CHOICES and ALL_VERSIONS is VERSIONS
    with pytest.raises(ValueError):
        capabilities_for("v9")


async def test_the_client_knows_its_capabilities_once_it_knows_its_version():
    sim, _ = make_sim(versions=["v3", "v4", "v5"])
    async with VboClient("http://sim.test", transport=httpx.ASGITransport(app=sim.app)) as client:
        assert client.capabilities is None  # auto: not probed yet
        await client.detect_version()
        assert client.capabilities is capabilities_for("v5") and client.capabilities.teams_restore
    async with VboClient("http://sim.test", "v4", transport=httpx.ASGITransport(app=sim.app)) as client:
        assert client.capabilities is not None and "vet" not in client.capabilities.explore_types
