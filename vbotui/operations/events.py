"""What the operations layer announces; the app turns each into a Textual Message for the screens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vbotui.api.models import Job, RestoreSession


@dataclass(frozen=True)
class JobsChanged:
    """These jobs were re-read from the server (after an action, or its answer was lost)."""

    jobs: tuple[Job, ...]
    gone: tuple[str, ...] = ()  # ids the server no longer has


@dataclass(frozen=True)
class RestoreSessionsChanged:
    """The restore sessions started from this app changed (one started, stopped or found)."""

    sessions: tuple[RestoreSession, ...]


@dataclass(frozen=True)
class SessionExpired:
    """The server refused the token and its refresh: every screen must lead to the sign-in."""

    reason: str


@dataclass(frozen=True)
class Notice:
    """Worth a toast as well as the status panel line (an action's outcome, a bulk summary)."""

    message: str
    severity: str = "information"  # information | warning | error


Event = JobsChanged | RestoreSessionsChanged | SessionExpired | Notice
Listener = Callable[[Event], None]
