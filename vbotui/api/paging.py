"""Collections: a plain JSON array, or pages of `{"offset","limit","results","_links"}`.

The shape is read from the JSON, not assumed from the version (vbo-api.md §9.1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from .errors import UnreadableAnswer, json_type

MAX_PAGE_SIZE = 10_000  # the API's documented maximum `limit`
MAX_PAGES = 1_000  # a server that never ends is a malformed server, not an endless loop

# Fetches one page (`None` params: the unpaged request) and returns the decoded JSON.
PageFetcher = Callable[[dict[str, str | int] | None], Awaitable[Any]]


async def collect(
    fetch: PageFetcher,
    *,
    paged: bool,
    page_size: int = MAX_PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    path: str | None = None,
) -> list[dict[str, Any]]:
    """Every item of a collection, following pages to the end.

    `paged` only decides whether the first request carries `limit`/`offset`; an answer that is
    a page is followed either way, and a plain array is taken whole.
    """
    items: list[dict[str, Any]] = []
    async for results, _last in pages(
        fetch, paged=paged, page_size=page_size, max_pages=max_pages, path=path
    ):
        items.extend(results)
    return items


async def pages(
    fetch: PageFetcher,
    *,
    paged: bool,
    page_size: int = MAX_PAGE_SIZE,
    first_page: int | None = None,
    max_pages: int = MAX_PAGES,
    path: str | None = None,
) -> AsyncIterator[tuple[list[dict[str, Any]], bool]]:
    """A collection a page at a time: (its items, whether it is the last page).

    `first_page`: the first request asks for that many items only (the first screenful of a
    long list can be shown while the rest comes), the next ones for `page_size`.
    """
    offset = 0
    first_limit = first_page if paged and first_page else page_size
    params: dict[str, str | int] | None = {"limit": first_limit, "offset": 0} if paged else None
    for number in range(max_pages):
        body = await fetch(params)
        if isinstance(body, list):
            yield _objects(body, path), True
            return
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise UnreadableAnswer(
                "expected a JSON array or a page with a 'results' array", method="GET", path=path
            )
        results = _objects(body["results"], path)
        limit = _page_limit(body, params, page_size)
        last = not results or len(results) < limit or _says_last_page(body)
        yield results, last
        if last:
            return
        offset += len(results)
        if number == 0 and first_limit != page_size and limit == first_limit:
            limit = page_size  # the small first page was honoured: the rest in full pages
        params = {"limit": limit, "offset": offset}
    raise UnreadableAnswer(
        f"the server kept sending pages after {max_pages} of them", method="GET", path=path
    )


def _page_limit(body: dict[str, Any], asked: dict[str, str | int] | None, page_size: int) -> int:
    """The page size the server used: its echoed `limit` (it may cap ours), else what we asked."""
    echoed = body.get("limit")
    if isinstance(echoed, int) and not isinstance(echoed, bool) and echoed > 0:
        return echoed
    if asked is not None and isinstance(asked.get("limit"), int):
        return int(asked["limit"])
    return page_size


def _says_last_page(body: dict[str, Any]) -> bool:
    """True when the page has links and none of them is `next` (no links at all says nothing)."""
    links = body.get("_links")
    if not isinstance(links, dict) or not links:
        return False
    return not any(str(key).lower() == "next" for key in links)


def _objects(values: list[Any], path: str | None) -> list[dict[str, Any]]:
    for value in values:
        if not isinstance(value, dict):
            raise UnreadableAnswer(
                f"expected JSON objects in the collection, got {json_type(value)}",
                method="GET",
                path=path,
            )
    return values
