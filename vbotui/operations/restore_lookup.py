"""Which restore sessions in the server's list an explore opened, when its answer did not say (a
lost answer; v3, which may answer without a body).

The server stamps a session with its own clock and we remember when we sent by ours: the two may
differ by minutes (a server whose clock is 2 minutes behind stamped our session 2 minutes before we
sent it), so a session counts when it was created at most CLOCK_SLACK before we sent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from vbotui.api.models import RestoreSession

# How far apart the server's clock and ours may be. Wider would take sessions that others opened
# in the minutes before ours for ours (and offer to stop them on quit).
CLOCK_SLACK = timedelta(minutes=5)


def sessions_opened_since(
    listed: Iterable[RestoreSession], sent_at: datetime, org: str = "", known: Collection[str] = ()
) -> list[RestoreSession]:
    """The working sessions of `org` (any, when unknown) created since `sent_at` (with the slack) that
    are not `known` already, oldest first."""
    since = sent_at - CLOCK_SLACK
    found = [
        session
        for session in listed
        if session.is_working
        and session.id not in known
        and session.creation_time is not None
        and session.creation_time >= since
        and (not org or not session.organization or session.organization == org)
    ]
    found.sort(key=lambda session: session.creation_time or since)
    return found


__all__ = ["CLOCK_SLACK", "sessions_opened_since"]
