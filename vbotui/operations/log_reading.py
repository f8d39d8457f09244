"""A session's log read by pages: the end first, then only what is new, earlier pages on request.

LogItems take only `offset` and `limit` (oldest first; v8 adds `orderAsc`), and a log only grows at
its end, so a line's offset is its place for good: the reader holds the offsets [first, end) and
asks for `offset=end` while following and for the page before `first` when the operator scrolls up.
It never asks for the whole log of a long session at once.

Where the end is: v5-v7 pages say `totalCount`. v3, v4 and v8 do not (v8's `orderAsc=false` gives
the newest lines but not their offsets, which following needs), so the count is found with one-line
probes, a few dozen bytes each: doubling past the first page, then halving down to a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vbotui.api.models import LogItem

if TYPE_CHECKING:
    from vbotui.api.session_pages import SessionPages

PAGE = 500  # lines per request: a few screens, and a read earlier on scroll
FOLLOW_PAGES = 20  # at most this many pages per poll while following (10,000 lines)
PROBE_GROWTH = 4  # how far each probe for the end looks past the last one that found lines


class LogReader:
    """What one session's log screen has read: the offsets it holds, and the next pages to ask for."""

    def __init__(self, client: SessionPages, session_id: str, *, page: int = PAGE) -> None:
        self.client = client
        self.session_id = session_id
        self.page = page
        self.first = 0  # offset of the first line held
        self.end = 0  # offset past the last line held
        self.opened = False

    @property
    def at_start(self) -> bool:
        """Every line from the log's first is held."""
        return self.first == 0

    async def _page(self, offset: int, limit: int) -> list[LogItem]:
        items, _ = await self.client.log_page(self.session_id, limit=limit, offset=offset)
        return items

    async def _holds_line(self, offset: int) -> bool:
        return bool(await self._page(offset, 1))

    async def _last_page_start(self, known: int) -> int:
        """An offset less than a page before the log's end, knowing `known` lines exist."""
        low, high = known, known * PROBE_GROWTH
        while await self._holds_line(high - 1):
            low, high = high, high * PROBE_GROWTH
        while high - low > self.page:  # low lines exist, high do not
            middle = (low + high) // 2
            if await self._holds_line(middle - 1):
                low = middle
            else:
                high = middle
        return max(0, low - 1)

    async def open(self) -> list[LogItem]:
        """The log's last page (a short log whole), oldest first."""
        head, page = await self.client.log_page(self.session_id, limit=self.page, offset=0)
        if len(head) < self.page or (page.total is not None and page.total <= len(head)):
            start, items = 0, head
        else:
            if page.total is not None:
                start = max(0, page.total - self.page)
            else:
                start = await self._last_page_start(len(head))
            items = await self._page(start, self.page)
            if len(items) < self.page // 2 and start > 0:  # the probes stopped just before the end
                earlier_start = max(0, start - self.page)
                items = await self._page(earlier_start, start - earlier_start) + items
                start = earlier_start
        self.first, self.end, self.opened = start, start + len(items), True
        return items

    async def newer(self) -> list[LogItem]:
        """The lines written since the last read (nothing is held until every page has come)."""
        new: list[LogItem] = []
        for _ in range(FOLLOW_PAGES):
            items = await self._page(self.end + len(new), self.page)
            new.extend(items)
            if len(items) < self.page:
                break
        self.end += len(new)
        return new

    async def earlier(self) -> list[LogItem]:
        """The page before the first line held ([] when the log's first line is held)."""
        if self.first == 0:
            return []
        start = max(0, self.first - self.page)
        items = await self._page(start, self.first - start)
        self.first = start
        return items


__all__ = ["FOLLOW_PAGES", "PAGE", "LogReader"]
