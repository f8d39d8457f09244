"""A job's sessions read from the newest back, only as far as a screen shows (headless).

A job of a real server holds thousands of past sessions (a year and a half of 4-hourly runs is
3,000, about 1.2 MB of JSON); the detail pane shows three and the sessions screen a screenful.
The API has no order parameter for job sessions and no document says in which order they come,
so every way of reading below gives the newest sessions whatever the order, and a server that
ignores a filter costs more bytes, never wrong rows:

- v7+ (`GET /JobSessions?jobId=`): windows of end time that do not overlap, from now backwards
  (endTimeLowerBound/endTimeUpperBound), each widened from what the last one held, every page of a
  window read (its order is unknown). v8 also asks for running sessions apart (`status=Running`):
  a session without an end may fall outside any end-time window. A window that answers a session
  outside it tells a server that ignores the bounds: the job is then read without them.
- v6 (`/Jobs/{id}/JobSessions`, paged, no filter) and that fallback: the first page says the order;
  newest first: the pages needed from the front; oldest first with a `totalCount`: from the end;
  otherwise every page once, kept in memory for the screen's further pages.
- v3-v5 answer one unpaged array: read once per job and kept while the job's row is unchanged.

Each page is asked for alone (not through `paging.pages`), so the same bounds are kept here: a
listing (one window, or the unfiltered list) stops when a page repeats (the same offset, or the same
first and last ids), brings no session not read before, or passes the page's `totalCount`, and the
reading stops when its pages pass the client's list byte ceiling (`Limits.max_list_bytes`). The
history is then at its oldest, and why is said once, in paging's words, where paging says it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from vbotui.api.client import VboClient
from vbotui.api.dialects import dialect_for
from vbotui.api.models import Job, JobSession
from vbotui.api.paging import SeenPages, passed_bytes, stopped_message
from vbotui.api.session_pages import Page

_OLDEST = datetime.min.replace(tzinfo=timezone.utc)
# VB365 1.0 came out in 2016: a window that reaches back past this holds everything older.
FLOOR = datetime(2014, 1, 1, tzinfo=timezone.utc)
FIRST_SPAN = timedelta(hours=6)  # the first window: back from the job's last run (or now)
EMPTY_GROWTH = 4  # an empty window: the next one is this much wider
MAX_SPAN = timedelta(days=365 * 50)  # wider reaches past FLOOR from any date a server can send
MAX_PAGE = 200  # sessions asked for per request while reading a window or a page back
RUNNING_ASKED = 10  # v8 `status=Running`: a job runs one session at a time; some room for retries
KEPT_ARRAYS = 256  # v3-v5 jobs whose whole array is kept
SLACK = timedelta(seconds=1)  # a server's bound may round its times: a session this near is inside


def _newest_first(sessions: list[JobSession]) -> list[JobSession]:
    unique = {session.id: session for session in sessions}
    return sorted(unique.values(), key=lambda s: s.creation_time or _OLDEST, reverse=True)


def _order(sessions: list[JobSession]) -> str:
    """ "newest" or "oldest" (first) when the times say so, else "" (one session, ties, a mix)."""
    times = [s.creation_time for s in sessions if s.creation_time is not None]
    if len(times) < 2 or len(set(times)) < 2:
        return ""
    if all(a >= b for a, b in zip(times, times[1:], strict=False)):
        return "newest"
    if all(a <= b for a, b in zip(times, times[1:], strict=False)):
        return "oldest"
    return ""


def _outside(session: JobSession, lower: datetime | None, upper: datetime | None) -> bool:
    """Neither the session's end nor its start falls in the window [lower, upper) (with SLACK):
    only a server that ignores the bounds sends it (the documents name the end and describe the
    start, so either may be what the server filters on)."""
    times = [t for t in (session.end_time, session.creation_time) if t is not None]
    if session.end_time is None or not times:
        return False  # a running session: where a server puts it is not documented

    def inside(when: datetime) -> bool:
        return (lower is None or when >= lower - SLACK) and (upper is None or when < upper + SLACK)

    return not any(inside(t) for t in times)


class _Listing:
    """The pages of one listing read so far (one window, or the unfiltered list)."""

    def __init__(self) -> None:
        self.seen = SeenPages()
        self.count = 0  # items the listing has given

    def why_stop(self, offset: int, page: Page) -> str:
        """Why the listing must not be read further, the page being past its end (""), by
        paging's rule; the page's items are counted when it is not a repeat."""
        repeated = self.seen.repeated(offset, page.items)
        if repeated:
            return f"the server sent the same page again ({repeated})"
        stale = self.seen.nothing_new(page.items)
        if stale:
            return f"the server sent the same sessions again ({stale})"
        self.count += len(page.items)
        if page.total is not None and self.count > page.total:
            return f"the server sent more items than its totalCount of {page.total}"
        return ""


class JobHistory:
    """One job's sessions, newest first, read a page back at a time (`sessions`: all read so far)."""

    def __init__(
        self, client: VboClient, job: Job, clock: Callable[[], datetime], arrays: ArrayCache
    ) -> None:
        self.client, self.job, self.clock, self._arrays = client, job, clock, arrays
        self.sessions: list[JobSession] = []
        self.exhausted = False  # the oldest session has been read
        self._mode = ""  # "windows" | "front" | "back" | "memory"
        self._upper: datetime | None = None  # the next window ends here
        self._span = FIRST_SPAN
        self._offset = 0  # front/back: items of the unfiltered list read so far
        self._total: int | None = None
        self._held: list[JobSession] = []  # memory: everything, newest first
        self.shown = 0  # how many of `sessions` the screen was given
        self._listing = _Listing()  # the unfiltered list's pages (front/back)
        self._bytes = 0  # what the pages since `newest` took (re-encoded: the answer's size)

    # --- what the screens ask
    async def newest(self, count: int) -> list[JobSession]:
        """The job's `count` newest sessions, read afresh (a running one's progress changes)."""
        self.sessions, self.exhausted, self._held = [], False, []
        self._upper, self._span, self._offset, self._total = None, FIRST_SPAN, 0, None
        self._bytes = 0
        caps = await self.client.ensure_capabilities()
        if not caps.sessions_paged or (not caps.job_sessions_by_query and not caps.job_sessions_of_job_paged):
            self._mode = "memory"
            self._held = await self._arrays.read(self.client, self.job)
        elif caps.job_sessions_by_query:
            self._mode = "windows"
            if caps.job_sessions_status:  # v8: a running session has no end for a window to hold
                running, _ = await self.client.job_sessions_page(
                    self.job.id, limit=RUNNING_ASKED, status="Running"
                )
                self.sessions = _newest_first([s for s in running if s.is_running])
        else:
            self._mode = "front"
            await self._first_unfiltered(count)
        await self._fill(count)
        if self._mode == "windows" and not caps.job_sessions_status:
            await self._running_at_the_ends()
        self.shown = min(count, len(self.sessions))
        return self.sessions[:count]

    async def _running_at_the_ends(self) -> None:
        """v7 has no status filter, and a server may leave a session without an end out of every
        end-time window: when the job's row says it runs and no window held a running session,
        the first and the last session of the unfiltered list (one of them is the newest when the
        list is in either order of time; `totalCount` says where the last is) are asked for."""
        if (self.job.last_status or "").lower() != "running" or any(s.is_running for s in self.sessions):
            return
        first, page = await self.client.job_sessions_page(self.job.id, limit=1)
        ends = list(first)
        if page.total is not None and page.total > 1:
            last, _ = await self.client.job_sessions_page(self.job.id, limit=1, offset=page.total - 1)
            ends.extend(last)
        running = [s for s in ends if s.is_running]
        if running:
            self.sessions = _newest_first([*running, *self.sessions])

    async def older(self, count: int) -> list[JobSession]:
        """Up to `count` sessions older than those given so far ([] when the oldest was given)."""
        have = self.shown
        await self._fill(have + count)
        more = self.sessions[have : have + count]
        self.shown += len(more)
        return more

    @property
    def at_oldest(self) -> bool:
        """Every session of the job has been given (the screen has nothing further back)."""
        return self.exhausted and self.shown >= len(self.sessions)

    # --- reading
    async def _fill(self, count: int) -> None:
        while len(self.sessions) < count and not self.exhausted:
            if self._mode == "windows":
                await self._window(count - len(self.sessions))
            elif self._mode in ("front", "back"):
                await self._next_unfiltered(count - len(self.sessions))
            else:
                self.sessions = self._held[: max(count, len(self.sessions))]
                self.exhausted = len(self.sessions) >= len(self._held)

    async def _window(self, wanted: int) -> None:
        """Read the window that ends where the last one began, every page of it."""
        upper = self._upper
        # The first window has no upper bound (a session ending now is in it whatever the clocks
        # say) and reaches back from the job's last run, so that it holds the newest session.
        now = self.clock()
        start = upper or min(self.job.last_run or now, now)
        # The last window holds everything older (a row may say year 1: nothing to subtract from).
        lower: datetime | None = start - self._span if start - FLOOR > self._span else None
        read = await self._read_window(lower, upper, max(5, min(MAX_PAGE, wanted + 2)))
        if read is None:
            return
        found, why = read
        self.sessions = _newest_first([*self.sessions, *found])
        if why:
            self._stop(why)
            return
        if lower is None:
            self.exhausted = True
            return
        self._upper = lower
        ended = [s for s in found if not s.is_running]
        if ended:  # as many more as are still wanted, at the rate this window held them
            still = max(1, wanted - len(ended))
            self._span = min(MAX_SPAN, max(FIRST_SPAN, self._span * still / len(ended) * 1.25))
            return
        # Nothing ended in the window: a short history, or a gap. One small page of everything
        # older says which: when it is not full, it was the rest of the history.
        probe = max(5, min(MAX_PAGE, wanted + 1))
        rest, _ = await self.client.job_sessions_page(self.job.id, limit=probe, ended_before=lower)
        if any(_outside(s, None, lower) for s in rest):
            await self._bounds_ignored(len(self.sessions) + wanted)
        elif len(rest) < probe:
            self.sessions, self.exhausted = _newest_first([*self.sessions, *rest]), True
        else:
            self._span = min(MAX_SPAN, self._span * EMPTY_GROWTH)

    async def _read_window(
        self, lower: datetime | None, upper: datetime | None, limit: int
    ) -> tuple[list[JobSession], str] | None:
        """Every session of the window, a page at a time, and why reading stopped early ("");
        None when the server ignored the bounds (the job is then read without them)."""
        found: list[JobSession] = []
        listing = _Listing()
        while True:
            offset = len(found)
            page, raw = await self.client.job_sessions_page(
                self.job.id, limit=limit, offset=offset, ended_after=lower, ended_before=upper
            )
            if any(_outside(s, lower, upper) for s in page):
                await self._bounds_ignored(len(self.sessions) + limit)
                return None
            why = self._why_stop(listing, offset, raw)
            found.extend(page)  # a page read again adds no session: they are kept once by id
            if why or len(page) < limit:
                return found, why

    async def _bounds_ignored(self, count: int) -> None:
        """The server answered sessions outside the window: read the job without bounds."""
        self.sessions, self._mode, self._offset, self._total = [], "front", 0, None
        self._listing = _Listing()
        await self._first_unfiltered(count)

    async def _first_unfiltered(self, count: int) -> None:
        """The first page of the unfiltered list tells its order (and, v5-v7, its totalCount)."""
        limit = max(5, min(MAX_PAGE, count + 1))
        page, raw = await self.client.job_sessions_page(self.job.id, limit=limit)
        self._listing = _Listing()
        why = self._why_stop(self._listing, 0, raw)  # its totalCount or bytes: nothing repeats yet
        self._total = raw.total
        self._offset = len(page)
        if why or len(page) < limit or (raw.total is not None and raw.total <= len(page)):
            self._mode, self._held = "memory", _newest_first(page)  # all of it (that may be read)
        elif _order(page) == "newest":
            self.sessions = _newest_first(page)
        elif _order(page) == "oldest" and raw.total is not None:
            self._mode, self._offset = "back", 0  # the newest are at the end: read from there
            self._listing = _Listing()  # a new reading of the list: its last page may hold the first's
        else:
            self._mode, self._held = "memory", await self._everything()
        self.sessions = self.sessions if self._mode == "front" else []
        if why:
            self._say(why, len(page))

    async def _next_unfiltered(self, wanted: int) -> None:
        limit = max(5, min(MAX_PAGE, wanted))
        if self._mode == "front":
            offset = self._offset
            page, raw = await self.client.job_sessions_page(self.job.id, limit=limit, offset=offset)
            self._offset += len(page)
            self.exhausted = len(page) < limit or (raw.total is not None and self._offset >= raw.total)
        else:  # back: the `limit` items before those read, counted from the end
            total = self._total or 0
            end = total - self._offset
            offset = max(0, end - limit)
            page, raw = await self.client.job_sessions_page(self.job.id, limit=end - offset, offset=offset)
            self._offset += end - offset
            self.exhausted = offset == 0 or not page
        why = self._why_stop(self._listing, offset, raw)
        self.sessions = [*self.sessions, *_newest_first([s for s in page if s.id not in self._ids()])]
        if why:
            self._stop(why)

    def _why_stop(self, listing: _Listing, offset: int, page: Page) -> str:
        """Why reading must stop at this page: the listing's rule, then the reading's bytes."""
        self._bytes += len(json.dumps(page.items, separators=(",", ":")))
        why = listing.why_stop(offset, page)
        ceiling = self.client.limits.max_list_bytes
        if not why and self._bytes > ceiling:
            why = f"the server sent {passed_bytes(ceiling)}"
        return why

    def _stop(self, why: str) -> None:
        """The history ends here (what was read is kept); why is said once, as paging says it."""
        self.exhausted = True
        self._say(why, len(self.sessions))

    def _say(self, why: str, kept: int) -> None:
        say = self.client.on_paging_stopped  # the operations layer's say_once
        if say is not None:
            path = dialect_for(self.client.version or "v8").job_sessions(self.job.id).path
            say(stopped_message(path, why, kept))

    def _ids(self) -> set[str]:
        return {s.id for s in self.sessions}

    async def _everything(self) -> list[JobSession]:
        """Every session of the job (an order that tells nothing: the newest may be anywhere)."""
        return _newest_first(await self.client.job_sessions(self.job.id, limit=10**9))


class ArrayCache:
    """v3-v5 jobs' whole session arrays, kept while the job's row is unchanged and not running
    (a new run changes `lastRun`; a running session's progress changes without it)."""

    def __init__(self, keep: int = KEPT_ARRAYS) -> None:
        self.keep = keep
        self._kept: OrderedDict[str, tuple[Job, list[JobSession]]] = OrderedDict()

    async def read(self, client: VboClient, job: Job) -> list[JobSession]:
        kept = self._kept.get(job.id)
        if kept is not None and kept[0] == job and (job.last_status or "").lower() != "running":
            return kept[1]
        sessions = _newest_first(await client.job_sessions(job.id, limit=10**9))
        self._kept[job.id] = (job, sessions)
        self._kept.move_to_end(job.id)
        while len(self._kept) > self.keep:
            self._kept.popitem(last=False)
        return sessions


__all__ = ["ArrayCache", "JobHistory"]
