"""One page of a job's sessions or of a session's log, as the server answers it (no paging loop).

The operations that show only the newest sessions or the end of a log (operations/history.py,
operations/sessions.py) decide which page to ask for; these methods send exactly one request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .answers import decode_json_off_loop
from .bearer import BearerRequests
from .dialects import Capabilities, Dialect, RequestSpec
from .errors import UnreadableAnswer
from .models import JobSession, LogItem, format_time
from .paging import _objects, _total_count


@dataclass(frozen=True)
class Page:
    """One answer: its items as sent, the page's `totalCount` (v5-v7; None when absent) and
    whether the answer was a whole unpaged array (v3-v5 `/Jobs/{id}/JobSessions`)."""

    items: list[dict[str, Any]]
    total: int | None = None
    whole: bool = False


class SessionPages(BearerRequests):
    """VboClient's base: VboClient gives `_ensure_dialect` (the server's version)."""

    async def _ensure_dialect(self) -> Dialect:  # pragma: no cover - VboClient overrides it
        raise NotImplementedError

    async def ensure_capabilities(self) -> Capabilities:
        """What the server's version can do (its version detected first when not known yet)."""
        return (await self._ensure_dialect()).capabilities

    async def _one_page(self, path: str, params: dict[str, str | int] | None) -> Page:
        response = await self._request(RequestSpec("GET", path, params=params or None))
        body = await decode_json_off_loop(response, "GET", path)
        if isinstance(body, list):
            return Page(_objects(body, path), None, whole=True)
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise UnreadableAnswer(
                "expected a JSON array or a page with a 'results' array", method="GET", path=path
            )
        return Page(_objects(body["results"], path), _total_count(body))

    async def job_sessions_page(
        self,
        job_id: str,
        *,
        limit: int | None = None,
        offset: int = 0,
        ended_after: datetime | None = None,
        ended_before: datetime | None = None,
        status: str | None = None,
    ) -> tuple[list[JobSession], Page]:
        """One request for a job's sessions, in the server's order. `ended_after`/`ended_before`
        (endTimeLowerBound/endTimeUpperBound) and `status` are sent only where the version has
        them (v7+ / v8); `limit=None`: the unpaged request (v3-v5 answer a whole array)."""
        dialect = await self._ensure_dialect()
        caps = dialect.capabilities
        spec = dialect.job_sessions(job_id)
        params: dict[str, str | int] = dict(spec.params or {})
        if limit is not None:
            params.update(limit=limit, offset=offset)
        if caps.job_sessions_by_query:
            if ended_after is not None:
                params["endTimeLowerBound"] = format_time(ended_after)
            if ended_before is not None:
                params["endTimeUpperBound"] = format_time(ended_before)
            if status is not None and caps.job_sessions_status:
                params["status"] = status
        page = await self._one_page(spec.path, params)
        return [JobSession.from_json(item) for item in page.items], page

    async def log_page(
        self, session_id: str, *, limit: int, offset: int = 0, newest_first: bool = False
    ) -> tuple[list[LogItem], Page]:
        """One page of a session's log; `newest_first` sends v8's `orderAsc=false` (only v8 has it:
        elsewhere the page is the oldest first whatever is asked)."""
        dialect = await self._ensure_dialect()
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if newest_first and dialect.capabilities.log_items_order:
            params["orderAsc"] = "false"
        page = await self._one_page(dialect.session_log_items(session_id).path, params)
        return [LogItem.from_json(item) for item in page.items], page


__all__ = ["Page", "SessionPages"]
