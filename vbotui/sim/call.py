"""What every route handler gets (`Call`) and returns a collection with (`collection`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.responses import Response

from vbotui.api.dialects import Capabilities

from . import render
from .protocol import caps, json_response, paging
from .state import SimState
from .tokens import Grant

Json = dict[str, Any]


@dataclass
class Call:
    state: SimState
    method: str
    version: int
    segments: list[str]  # after the version, original case
    query: dict[str, str]  # names lowercased
    body: object | None
    now: datetime
    view: render.View
    client_host: str = "127.0.0.1"
    grant: Grant | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> str:
        return self.grant.user_name if self.grant else ""

    @property
    def caps(self) -> Capabilities:
        return caps(self.version)


Handler = Callable[[Call], Awaitable[Response]]


def collection(
    call: Call,
    path: str,
    items: list[Json],
    paged: bool,
    with_total: bool = False,
    query: dict[str, str] | None = None,
) -> Response:
    if not paged:
        return json_response(items)
    offset, limit = paging(call.query)
    window = items[offset : offset + limit]
    return json_response(render.page(call.view, path, window, offset, limit, len(items), query, with_total))
