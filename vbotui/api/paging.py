"""Collections: a plain JSON array, or pages of `{"offset","limit","results","_links"}`.

The shape is read from the JSON, not assumed from the version (vbo-api.md §9.1).

A server that ignores `offset` and links `next` to itself would be followed for ever: paging stops
(keeping what was read, saying why once through `on_stop`) when a page repeats (the same offset, or
the same first and last ids), when more items came than the page's `totalCount` (v6/v7) says there
are, or when the pages together pass a byte bound. `SeenPages` and `stopped_message` are the same
rule and words for a reader that asks for its pages one at a time (operations/history.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from .errors import UnreadableAnswer, json_type

MAX_PAGE_SIZE = 10_000  # the API's documented maximum `limit`
MAX_PAGES = 1_000  # a server that never ends is a malformed server, not an endless loop

# Says once why paging stopped early (the list may be incomplete).
StopHook = Callable[[str], None]
# Fetches one page (`None` params: the unpaged request) and returns the decoded JSON.
PageFetcher = Callable[[dict[str, str | int] | None], Awaitable[Any]]


async def collect(
    fetch: PageFetcher,
    *,
    paged: bool,
    page_size: int = MAX_PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    path: str | None = None,
    on_stop: StopHook | None = None,
    bytes_read: Callable[[], int] | None = None,
    max_bytes: int | None = None,
) -> list[dict[str, Any]]:
    """Every item of a collection, following pages to the end.

    `paged` only decides whether the first request carries `limit`/`offset`; an answer that is
    a page is followed either way, and a plain array is taken whole.
    """
    items: list[dict[str, Any]] = []
    async for results, _last in pages(
        fetch,
        paged=paged,
        page_size=page_size,
        max_pages=max_pages,
        path=path,
        on_stop=on_stop,
        bytes_read=bytes_read,
        max_bytes=max_bytes,
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
    on_stop: StopHook | None = None,
    bytes_read: Callable[[], int] | None = None,
    max_bytes: int | None = None,
) -> AsyncIterator[tuple[list[dict[str, Any]], bool]]:
    """A collection a page at a time: (its items, whether it is the last page).

    `first_page`: the first request asks for that many items only (the first screenful of a
    long list can be shown while the rest comes), the next ones for `page_size`.
    `bytes_read`: how many bytes the pages took so far, checked against `max_bytes`.
    """
    offset = 0
    first_limit = first_page if paged and first_page else page_size
    params: dict[str, str | int] | None = {"limit": first_limit, "offset": 0} if paged else None
    seen = SeenPages()
    count = 0
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
        echoed = body.get("offset")
        at = echoed if isinstance(echoed, int) and not isinstance(echoed, bool) else offset
        repeated = seen.repeated(at, results)
        if repeated:
            _stopped(on_stop, path, f"the server sent the same page again ({repeated})", count)
            yield [], True
            return
        count += len(results)
        limit = _page_limit(body, params, page_size)
        last = not results or len(results) < limit or _says_last_page(body)
        total = _total_count(body)
        why = ""
        if not last and total is not None and count >= total:
            last = True  # all the items the server counts have come, whatever its links say
            if count > total:
                why = f"more items than its totalCount of {total}"
        if not last and bytes_read is not None and max_bytes is not None and bytes_read() > max_bytes:
            last, why = True, passed_bytes(max_bytes)
        yield results, last
        if why:
            _stopped(on_stop, path, f"the server sent {why}", count)
        if last:
            return
        offset += len(results)
        if number == 0 and first_limit != page_size and limit == first_limit:
            limit = page_size  # the small first page was honoured: the rest in full pages
        params = {"limit": limit, "offset": offset}
    raise UnreadableAnswer(
        f"the server kept sending pages after {max_pages} of them", method="GET", path=path
    )


class SeenPages:
    """The offsets, (first id, last id) pairs and ids of the pages of one listing read so far."""

    def __init__(self) -> None:
        self.offsets: set[int] = set()
        self.ends: set[tuple[str, str]] = set()
        self.ids: set[str] = set()

    def repeated(self, offset: int, results: list[dict[str, Any]]) -> str:
        """Why the page at `offset` (the server's echo, else the one asked) is one already read
        ("offset 0", "ids A to B"), or ""."""
        ends: tuple[str, str] | None = None
        if results:
            first, last = results[0].get("id"), results[-1].get("id")
            if isinstance(first, str) and isinstance(last, str):
                ends = (first, last)
        if offset in self.offsets:
            return f"offset {offset}"
        if ends is not None and ends in self.ends:
            return f"ids {ends[0]} to {ends[1]}"
        self.offsets.add(offset)
        if ends is not None:
            self.ends.add(ends)
        return ""

    def nothing_new(self, results: list[dict[str, Any]]) -> str:
        """Why a page whose items all carry ids brings none not read before ("ids A to B"), or "".
        For a reader that wants new items only: a list may repeat an item, not a whole page."""
        ids = [item.get("id") for item in results]
        if not results or not all(isinstance(i, str) for i in ids):
            return ""
        new = {str(i) for i in ids} - self.ids
        self.ids.update(str(i) for i in ids)
        return "" if new else f"ids {ids[0]} to {ids[-1]}"


def stopped_message(path: str | None, why: str, count: int) -> str:
    """What a reader that stopped early says (once): where, why, and how much it kept."""
    where = f"{path}: " if path else ""
    return f"{where}{why}; stopped reading after {count} items (the list may be incomplete)"


def passed_bytes(max_bytes: int) -> str:
    return f"pages that passed {_size(max_bytes)} together"


def _stopped(on_stop: StopHook | None, path: str | None, why: str, count: int) -> None:
    if on_stop is not None:
        on_stop(stopped_message(path, why, count))


def _size(count: int) -> str:
    mb = 1024 * 1024
    return f"{count / mb:g} MB" if count >= mb else f"{count} bytes"


def _total_count(body: dict[str, Any]) -> int | None:
    total = body.get("totalCount")
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return total
    return None


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
