"""The requests each API generation expects (vbo-api.md §4, the seed)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from vbotui.api import ExploreOptions
from vbotui.api.dialects import VERSIONS, ActionDialect, VerbDialect, dialect_for

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
