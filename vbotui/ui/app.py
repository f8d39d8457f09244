"""`VboApp`: the Textual app around a signed-in `VboClient`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from vbotui.api.client import VboClient
from vbotui.api.models import RestoreSession

from .activity import ActivityLog
from .audit import AuditLog
from .screens.main import MainScreen
from .screens.quit_sessions import request_quit

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class VboApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "vbotui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit-now"),
    ]

    def __init__(
        self,
        client: VboClient,
        label: str,
        *,
        read_only: bool = False,
        refresh_s: float = 30.0,
        mouse: bool = True,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        audit: AuditLog | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.label = label
        self.read_only = read_only
        self.refresh_s = max(refresh_s, 2.0)
        self.mouse = mouse
        self.clock: Clock = clock or utc_now
        self.activity = ActivityLog(self.clock, monotonic)
        self.audit = audit
        self.org_names: dict[str, str] = {}
        self.last_update: datetime | None = None
        self.refresh_failed = False
        # Restore sessions opened from this app, offered for stopping on quit.
        self.started_restore_sessions: dict[str, RestoreSession] = {}
        if os.environ.get("SSH_TTY"):
            self.animation_level = "none"  # every animated frame is a redraw over the link

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    async def action_quit(self) -> None:
        request_quit(self, self.client)
