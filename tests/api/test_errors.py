"""Every failure maps onto the error tree, with the server's words and may_have_reached_server."""

from __future__ import annotations

import ssl

import httpx
import pytest

from vbotui.api import (
    AuthError,
    BadRequest,
    Conflict,
    Exchange,
    MalformedResponse,
    NotFound,
    ServerError,
    TlsError,
    TransportError,
    VboClient,
    VboError,
)

from .helpers import token_reply


@pytest.fixture
async def signed_in(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply("AT-SECRET", "RT-SECRET"))
    client = make_client("v8")
    await client.sign_in("admin", "PW-SECRET")
    return client


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequest),
        (403, AuthError),
        (404, NotFound),
        (409, Conflict),
        (422, BadRequest),
        (500, ServerError),
        (503, ServerError),
    ],
)
async def test_status_maps_to_error_type_with_the_servers_message(server, signed_in, status, error_type):
    server.post("/v8/Jobs/j/start").mock(
        return_value=httpx.Response(
            status, json={"message": "Job cannot be started.", "errorCode": "HttpError"}
        )
    )
    with pytest.raises(error_type) as caught:
        await signed_in.job_action("j", "start")
    error = caught.value
    assert type(error) is error_type
    assert (error.status, error.message, error.error_code) == (status, "Job cannot be started.", "HttpError")
    assert (error.method, error.path) == ("POST", "/v8/Jobs/j/start")
    assert not error.may_have_reached_server


async def test_capitalised_message_is_read_too(server, signed_in):
    server.get("/v8/Jobs/j").mock(
        return_value=httpx.Response(500, json={"Message": "An error has occurred."})
    )
    with pytest.raises(ServerError, match="An error has occurred."):
        await signed_in.get_job("j")


async def test_operation_conflict_error_code_is_a_conflict_whatever_the_status(server, signed_in):
    server.post("/v8/Jobs/j/start").mock(
        return_value=httpx.Response(
            400, json={"message": "Job is running.", "errorCode": "OperationConflict"}
        )
    )
    with pytest.raises(Conflict) as caught:
        await signed_in.job_action("j", "start")
    assert caught.value.describe() == "400 Job is running. (OperationConflict)"


async def test_an_error_without_a_body_still_says_something(server, signed_in):
    server.get("/v8/Jobs/j").mock(return_value=httpx.Response(404))
    with pytest.raises(NotFound) as caught:
        await signed_in.get_job("j")
    assert caught.value.message == "Not Found"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>proxy login</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json="just a string"),
    ],
)
async def test_a_2xx_that_is_not_the_documented_json_is_malformed(server, signed_in, response):
    server.get("/v8/Jobs/j").mock(return_value=response)
    with pytest.raises(MalformedResponse) as caught:
        await signed_in.get_job("j")
    assert caught.value.status == 200


@pytest.mark.parametrize("body", [{"results": "nope"}, {"items": []}, 42, [1, 2]])
async def test_a_collection_that_is_neither_array_nor_page_is_malformed(server, signed_in, body):
    server.get("/v8/Jobs").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(MalformedResponse):
        await signed_in.list_jobs()


async def test_explore_with_a_non_object_body_is_malformed(server, signed_in):
    from datetime import datetime, timezone

    from vbotui.api import ExploreOptions

    server.post("/v8/Jobs/j/explore").mock(return_value=httpx.Response(201, json=[1]))
    with pytest.raises(MalformedResponse):
        await signed_in.explore("j", ExploreOptions(datetime(2024, 1, 1, tzinfo=timezone.utc)))


@pytest.mark.parametrize("status", [200, 201, 204])
async def test_explore_accepts_any_success_and_parses_a_body_when_there_is_one(server, signed_in, status):
    from datetime import datetime, timezone

    from vbotui.api import ExploreOptions

    reply = (
        httpx.Response(status) if status == 204 else httpx.Response(status, json={"id": "rs1", "type": "Vex"})
    )
    server.post("/v8/Jobs/j/explore").mock(return_value=reply)
    result = await signed_in.explore("j", ExploreOptions(datetime(2024, 1, 1, tzinfo=timezone.utc)))
    assert result.status == status
    assert (result.restore_session.id if result.restore_session else None) == (
        None if status == 204 else "rs1"
    )


@pytest.mark.parametrize(
    ("failure", "reached"),
    [
        (httpx.ConnectError("Connection refused"), False),
        (httpx.ConnectTimeout("timed out"), False),
        (httpx.ReadTimeout("timed out"), True),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), True),
        (httpx.ReadError("Connection reset by peer"), True),
        (httpx.WriteError("Broken pipe"), True),
    ],
)
async def test_a_post_that_got_no_answer_says_whether_it_may_have_arrived(
    server, signed_in, failure, reached
):
    route = server.post("/v8/Jobs/j/stop").mock(side_effect=failure)
    with pytest.raises(TransportError) as caught:
        await signed_in.job_action("j", "stop")
    assert type(caught.value) is TransportError
    assert caught.value.may_have_reached_server is reached
    assert route.call_count == 1  # never retried: the job may already be stopping


async def test_a_get_is_retried_once_on_a_dropped_connection(server, signed_in):
    from .helpers import job_json

    route = server.get("/v8/Jobs/j").mock(
        side_effect=[httpx.RemoteProtocolError("dropped"), httpx.Response(200, json=job_json(1))]
    )
    job = await signed_in.get_job("j")
    assert job.id == "job-1" and route.call_count == 2


async def test_a_get_is_retried_twice_with_backoff_then_fails(server, signed_in, backoff):
    route = server.get("/v8/Jobs/j").mock(side_effect=httpx.ReadError("reset"))
    with pytest.raises(TransportError) as caught:
        await signed_in.get_job("j")
    assert route.call_count == 3 and not caught.value.may_have_reached_server
    assert backoff == [0.2, 0.6]


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(502)],
    ids=["timeout", "refused", "503", "502"],
)
async def test_a_get_is_retried_after_a_timeout_a_refused_connection_or_a_5xx(server, signed_in, failure):
    from .helpers import job_json

    answers = [failure, failure, httpx.Response(200, json=job_json(1))]
    route = server.get("/v8/Jobs/j").mock(side_effect=answers)
    assert (await signed_in.get_job("j")).id == "job-1"
    assert route.call_count == 3


@pytest.mark.parametrize("status", [400, 404, 409, 501])
async def test_a_get_refused_by_the_server_is_not_retried(server, signed_in, status):
    route = server.get("/v8/Jobs/j").mock(return_value=httpx.Response(status, json={"message": "no"}))
    with pytest.raises(VboError):
        await signed_in.get_job("j")
    assert route.call_count == 1


async def test_no_read_retries_when_configured_so(server, make_client, backoff):
    server.post("/v8/token").mock(return_value=token_reply())
    client = make_client("v8", read_retry_delays=())
    await client.sign_in("admin", "pw")
    route = server.get("/v8/Jobs/j").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransportError):
        await client.get_job("j")
    assert route.call_count == 1 and backoff == []


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(503), httpx.Response(500), httpx.ReadTimeout("slow"), httpx.ConnectError("refused")],
    ids=["503", "500", "timeout", "refused"],
)
async def test_an_action_post_is_never_retried(server, signed_in, failure, backoff):
    route = server.post("/v8/Jobs/j/start").mock(side_effect=[failure, httpx.Response(204)])
    with pytest.raises(VboError):
        await signed_in.job_action("j", "start")
    assert route.call_count == 1 and backoff == []


def _tls_failure() -> httpx.ConnectError:
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate"
    try:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]") from cause
    except httpx.ConnectError as exc:
        return exc


async def test_certificate_failure_is_a_tls_error_with_the_reason():
    def handler(request: httpx.Request) -> httpx.Response:
        raise _tls_failure()

    client = VboClient("https://vbo.test:4443", "v8", transport=httpx.MockTransport(handler))
    with pytest.raises(TlsError) as caught:
        await client.sign_in("admin", "pw")
    await client.aclose()
    assert "self-signed certificate" in caught.value.message
    assert not caught.value.may_have_reached_server


def test_a_read_timeout_on_a_tls_stream_is_not_a_tls_error():
    from vbotui.api.http import transport_error

    try:
        try:
            raise ssl.SSLWantReadError("The operation did not complete (read)")
        except ssl.SSLError:
            raise httpx.ReadTimeout("timed out") from None
    except httpx.ReadTimeout as exc:
        error = transport_error(exc, "POST", "/v8/Jobs/j/stop")
    assert type(error) is TransportError and error.may_have_reached_server


async def test_exchange_hook_sees_every_exchange_without_secrets(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply("AT-SECRET", "RT-SECRET"))
    server.get("/v8/Jobs/a").mock(return_value=httpx.Response(404, json={"message": "No job."}))
    server.post("/v8/Jobs/a/stop").mock(side_effect=httpx.ReadTimeout("slow"))
    exchanges: list[Exchange] = []
    client = make_client("v8", on_exchange=exchanges.append)
    await client.sign_in("admin", "PW-SECRET")
    with pytest.raises(NotFound):
        await client.get_job("a")
    with pytest.raises(TransportError):
        await client.job_action("a", "stop")
    assert [(e.method, e.path, e.status) for e in exchanges] == [
        ("POST", "/v8/token", 200),
        ("GET", "/v8/Jobs/a", 404),
        ("POST", "/v8/Jobs/a/stop", None),
    ]
    assert exchanges[2].error and "no response in time" in exchanges[2].error
    assert all(e.elapsed_s >= 0 for e in exchanges)
    assert not any("SECRET" in repr(e) for e in exchanges)


async def test_errors_never_carry_tokens(server, signed_in):
    server.get("/v8/Jobs/j").mock(return_value=httpx.Response(500, json={"message": "boom"}))
    with pytest.raises(VboError) as caught:
        await signed_in.get_job("j")
    text = str(caught.value) + caught.value.describe() + repr(caught.value.__dict__)
    assert "SECRET" not in text


async def test_ids_cannot_escape_their_path_segment(server, signed_in):
    route = server.get("/v8/Jobs/..%2Fadmin").mock(return_value=httpx.Response(404))
    with pytest.raises(NotFound):
        await signed_in.get_job("../admin")
    assert route.called
