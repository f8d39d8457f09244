"""Any JSON value where a job, a job session, an organization or a restore session is expected parses
into a model or raises a VboError (UnreadableAnswer) - never another exception (issue 9 §13).

Example counts come from the Hypothesis profile (tests/conftest.py: dev, ci, thorough).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from vbotui.api import Job, JobSession, Organization, RestoreSession, UnreadableAnswer, VboClient, VboError
from vbotui.api.models import ActionResult, parse_time

MODELS = (Job, JobSession, Organization, RestoreSession)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
# The fields the parsers read, so that objects hit them with values of every type.
FIELDS = (
    "id",
    "name",
    "description",
    "organizationId",
    "repositoryId",
    "isEnabled",
    "lastStatus",
    "lastRun",
    "nextRun",
    "lastBackup",
    "backupType",
    "schedulePolicy",
    "officeName",
    "isBackedup",
    "firstBackuptime",
    "lastBackuptime",
    "type",
    "isTeamsOnline",
    "jobId",
    "status",
    "creationTime",
    "endTime",
    "progress",
    "details",
    "state",
    "result",
    "organization",
    "_links",
)
times = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | st.text(
    alphabet="0123456789-:.+TZz ", max_size=40
)
links = st.dictionaries(
    st.sampled_from(["self", "organization", "Organization", "job", "backupRepository", "next"]),
    st.fixed_dictionaries({"href": st.text(max_size=30) | json_values}) | json_values,
    max_size=4,
)
field_values = json_values | times | links
objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), field_values, max_size=12)


def parse_or_clear_error(model: Any, value: object) -> None:
    try:
        parsed = model.from_json(value)
    except VboError as error:
        assert isinstance(error, UnreadableAnswer) and error.message
        assert not isinstance(value, dict)  # an object always parses: missing or odd fields are tolerated
        return
    assert isinstance(parsed, model) and isinstance(parsed.id, str)
    for name in ("last_run", "next_run", "last_backup", "creation_time", "end_time", "first_backup_time"):
        when = getattr(parsed, name, None)
        assert when is None or (isinstance(when, datetime) and when.utcoffset() is not None)


@given(json_values | objects)
def test_any_json_value_parses_or_is_a_clear_error(value):
    for model in MODELS:
        parse_or_clear_error(model, value)


@given(objects)
def test_any_object_parses(value):
    for model in MODELS:
        parse_or_clear_error(model, value)


@given(st.text(max_size=60) | times)
def test_timestamps_parse_to_aware_utc_or_none(text):
    parsed = parse_time(text)
    assert parsed is None or parsed.utcoffset() == timezone.utc.utcoffset(None)


def test_timestamps_at_the_edges_of_the_calendar_are_none_not_an_overflow():
    assert parse_time("0001-01-01T00:00:00+05:00") is None
    assert parse_time("9999-12-31T23:59:59-05:00") is None
    expected = datetime(2019, 4, 12, 10, 54, 40, 279404, timezone.utc)
    assert parse_time("2019-04-12T10:54:40.2794046Z") == expected


# ----- through the client: any JSON body where a collection or an object is expected ----------


LISTED = {"list_jobs": Job, "list_organizations": Organization, "list_restore_sessions": RestoreSession}


def ask(call: str, body: object) -> None:
    content = json.dumps(body).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "AT", "refresh_token": "RT", "expires_in": 3600})
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})

    async def run() -> None:
        transport = httpx.MockTransport(handler)
        async with VboClient("https://vbo.test", "v8", transport=transport, read_retry_delays=()) as client:
            await client.sign_in("admin", "pw")
            try:
                if call == "get_job":
                    assert isinstance(await client.get_job("j"), Job)
                elif call == "job_sessions":
                    assert all(isinstance(s, JobSession) for s in await client.job_sessions("j"))
                elif call == "start":
                    assert isinstance(await client.job_action("j", "start"), ActionResult)
                else:
                    found = await getattr(client, call)()
                    assert isinstance(found, list)
                    assert all(isinstance(item, LISTED[call]) for item in found)
            except VboError:
                pass

    asyncio.run(run())


pages = st.fixed_dictionaries(
    {"results": st.lists(objects | json_values, max_size=4) | json_values},
    optional={"limit": json_values, "offset": json_values, "_links": links},
)
calls = st.sampled_from(
    ["list_jobs", "get_job", "list_organizations", "job_sessions", "list_restore_sessions", "start"]
)


@given(calls, json_values | objects | pages | st.lists(objects, max_size=4))
def test_any_body_through_the_client_is_a_value_or_a_vbo_error(call, body):
    ask(call, body)
