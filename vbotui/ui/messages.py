"""App-wide Textual messages: the operations layer's events, posted up to the app and on to screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from vbotui.api.models import Job, RestoreSession


@dataclass
class JobsUpdated(Message):
    """Jobs re-read from the server (after an action); `gone`: ids it no longer has."""

    jobs: tuple[Job, ...]
    gone: tuple[str, ...] = ()


@dataclass
class StartedSessionsUpdated(Message):
    """The restore sessions started from this app changed."""

    sessions: tuple[RestoreSession, ...]


@dataclass
class SessionEnded(Message):
    """The server refused the token and its refresh: sign in again (on whichever screen)."""

    reason: str
