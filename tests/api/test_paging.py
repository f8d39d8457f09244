"""Collections: arrays taken whole, pages followed to the end, endless servers stopped."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from vbotui.api import MalformedResponse
from vbotui.api.paging import collect

from .helpers import job_json, token_reply


def page(items: list[dict[str, Any]], offset: int, limit: int, *, next_link: bool | None) -> dict[str, Any]:
    body: dict[str, Any] = {"offset": offset, "limit": limit, "results": items}
    if next_link is not None:
        links: dict[str, Any] = {"self": {"href": f"/v8/Jobs?offset={offset}&limit={limit}"}}
        if next_link:
            links["next"] = {"href": f"/v8/Jobs?offset={offset + limit}&limit={limit}"}
        body["_links"] = links
    return body


class PagedServer:
    """Serves `total` jobs in pages, honouring limit and offset like VB365 v8."""

    def __init__(self, total: int, *, links: bool = True, cap: int | None = None) -> None:
        self.total, self.links, self.cap = total, links, cap
        self.queries: list[tuple[int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params.get("limit", 30))
        if self.cap:
            limit = min(limit, self.cap)
        offset = int(request.url.params.get("offset", 0))
        self.queries.append((offset, limit))
        items = [job_json(n) for n in range(offset, min(offset + limit, self.total))]
        more = offset + limit < self.total
        return httpx.Response(200, json=page(items, offset, limit, next_link=more if self.links else None))


@pytest.fixture
async def v8(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply())
    client = make_client("v8", page_size=20)
    await client.sign_in("admin", "pw")
    return client


@pytest.mark.parametrize("links", [True, False])
async def test_v8_jobs_follow_every_page(server, v8, links):
    paged = PagedServer(75, links=links)
    server.get("/v8/Jobs").mock(side_effect=paged)
    jobs = await v8.list_jobs()
    assert [j.id for j in jobs] == [f"job-{n}" for n in range(75)]
    assert paged.queries == [(0, 20), (20, 20), (40, 20), (60, 20)]


async def test_an_exact_multiple_stops_at_the_missing_next_link(server, v8):
    paged = PagedServer(40)
    server.get("/v8/Jobs").mock(side_effect=paged)
    assert len(await v8.list_jobs()) == 40
    assert paged.queries == [(0, 20), (20, 20)]


async def test_an_exact_multiple_without_links_stops_at_the_empty_page(server, v8):
    paged = PagedServer(40, links=False)
    server.get("/v8/Jobs").mock(side_effect=paged)
    assert len(await v8.list_jobs()) == 40
    assert paged.queries == [(0, 20), (20, 20), (40, 20)]


async def test_a_server_that_caps_the_limit_is_still_read_to_the_end(server, v8):
    paged = PagedServer(25, links=False, cap=10)
    server.get("/v8/Jobs").mock(side_effect=paged)
    assert len(await v8.list_jobs()) == 25
    assert paged.queries == [(0, 10), (10, 10), (20, 10)]


async def test_default_page_size_is_large(server, make_client):
    server.post("/v8/token").mock(return_value=token_reply())
    paged = PagedServer(5)
    server.get("/v8/Jobs").mock(side_effect=paged)
    client = make_client("v8")
    await client.sign_in("admin", "pw")
    await client.list_jobs()
    assert paged.queries == [(0, 10_000)]


async def test_plain_arrays_are_taken_whole_without_paging_parameters(server, make_client):
    server.post("/v3/token").mock(return_value=token_reply())
    route = server.get("/v3/Jobs").mock(return_value=httpx.Response(200, json=[job_json(1), job_json(2)]))
    client = make_client("v3")
    await client.sign_in("admin", "pw")
    assert [j.id for j in await client.list_jobs()] == ["job-1", "job-2"]
    assert route.call_count == 1 and not route.calls.last.request.url.params


async def test_a_page_where_an_array_was_expected_is_still_followed(server, make_client):
    """The shape comes from the JSON: a v7 server answering with pages is read correctly."""
    server.post("/v7/token").mock(return_value=token_reply())
    server.get("/v7/Jobs").mock(
        side_effect=[
            httpx.Response(200, json=page([job_json(0), job_json(1)], 0, 2, next_link=True)),
            httpx.Response(200, json=page([job_json(2)], 2, 2, next_link=False)),
        ]
    )
    client = make_client("v7")
    await client.sign_in("admin", "pw")
    assert [j.id for j in await client.list_jobs()] == ["job-0", "job-1", "job-2"]


async def test_a_server_that_never_ends_is_stopped():
    calls = 0

    async def endless(params: dict[str, str | int] | None) -> Any:
        nonlocal calls
        calls += 1  # a new page each time: no repeat to stop at, only the cap
        results = [{"id": f"a{calls}"}, {"id": f"b{calls}"}]
        return {"offset": 2 * (calls - 1), "limit": 2, "results": results, "_links": {"next": {}}}

    with pytest.raises(MalformedResponse, match="kept sending pages"):
        await collect(endless, paged=True, page_size=2, max_pages=50)
    assert calls == 50


async def test_items_that_are_not_objects_are_malformed():
    async def fetch(params: dict[str, str | int] | None) -> Any:
        return [{"id": "a"}, "b"]

    with pytest.raises(MalformedResponse):
        await collect(fetch, paged=False)


async def test_a_small_first_page_then_full_pages_each_shown_but_the_last(server, v8):
    """The first load asks for a screenful first; `on_page` sees the jobs so far after each page
    but the last, and the whole list is returned in the server's order."""
    paged = PagedServer(75)
    server.get("/v8/Jobs").mock(side_effect=paged)
    seen: list[list[str]] = []

    async def on_page(jobs: list[Any]) -> None:
        seen.append([job.id for job in jobs])

    jobs = await v8.list_jobs(first_page=5, on_page=on_page)
    assert [j.id for j in jobs] == [f"job-{n}" for n in range(75)]
    assert paged.queries == [(0, 5), (5, 20), (25, 20), (45, 20), (65, 20)]
    assert seen == [[f"job-{n}" for n in range(end)] for end in (5, 25, 45, 65)]


async def test_a_first_page_that_is_all_there_is_is_not_shown_early(server, v8):
    paged = PagedServer(3)
    server.get("/v8/Jobs").mock(side_effect=paged)
    seen: list[int] = []

    async def on_page(jobs: list[Any]) -> None:
        seen.append(len(jobs))

    assert len(await v8.list_jobs(first_page=5, on_page=on_page)) == 3
    assert paged.queries == [(0, 5)] and seen == []


async def test_a_server_that_caps_a_small_first_page_keeps_its_cap(server, v8):
    paged = PagedServer(25, links=False, cap=4)
    server.get("/v8/Jobs").mock(side_effect=paged)
    assert len(await v8.list_jobs(first_page=5)) == 25
    assert paged.queries == [(0, 4)] + [(offset, 4) for offset in range(4, 28, 4)]


async def test_unpaged_versions_ignore_the_first_page(server, make_client):
    server.post("/v3/token").mock(return_value=token_reply())
    route = server.get("/v3/Jobs").mock(return_value=httpx.Response(200, json=[job_json(1), job_json(2)]))
    client = make_client("v3")
    await client.sign_in("admin", "pw")
    seen: list[int] = []

    async def on_page(jobs: list[Any]) -> None:
        seen.append(len(jobs))

    assert len(await client.list_jobs(first_page=1, on_page=on_page)) == 2
    assert not route.calls.last.request.url.params and seen == []
