"""The headless operations layer: what the UI and the one-shot commands do with a server.

No Textual here (import-linter checks it). `ServerOperations` is the entry point.
"""

from .activity import ActivityEntry, ActivityLog
from .audit import AuditLog
from .events import Event, JobsChanged, Notice, RestoreSessionsChanged, SessionExpired
from .jobs import JobActions, bulk_summary, needs_confirmation
from .outcome import DONE, FAILED, KINDS, NOT_SENT, REFUSED, UNKNOWN, Outcome, classify
from .server import AuditTarget, Result, ServerOperations

__all__ = [
    "DONE",
    "FAILED",
    "KINDS",
    "NOT_SENT",
    "REFUSED",
    "UNKNOWN",
    "ActivityEntry",
    "ActivityLog",
    "AuditLog",
    "AuditTarget",
    "Event",
    "JobActions",
    "JobsChanged",
    "Notice",
    "Outcome",
    "RestoreSessionsChanged",
    "Result",
    "ServerOperations",
    "SessionExpired",
    "bulk_summary",
    "classify",
    "needs_confirmation",
]
