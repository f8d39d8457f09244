"""The detail pane's sessions, kept per job while the job is as it was when they were read.

A cursor move onto a job whose sessions are here paints the pane once (no "loading..." that
clears four lines, then the sessions again: ~550 bytes more per move over SSH). The sessions of
the rows beside the cursor are read ahead while it rests, so stepping through the list one row
at a time finds them here. An entry holds only while the job is unchanged: a new session
changes the job's last run or status, which a poll brings, and a running job is always read again.
"""

from __future__ import annotations

from collections import OrderedDict

from vbotui.api.models import Job, JobSession

KEEP = 64  # jobs: the rows around the cursor and the way back, not the whole list


class SessionsCache:
    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._entries: OrderedDict[str, tuple[Job, list[JobSession]]] = OrderedDict()

    def get(self, job: Job) -> list[JobSession] | None:
        """The job's sessions as read, if the job is unchanged since and not running."""
        entry = self._entries.get(job.id)
        if entry is None or entry[0] != job or running(job):
            return None
        self._entries.move_to_end(job.id)
        return entry[1]

    def put(self, job: Job, sessions: list[JobSession]) -> None:
        self._entries[job.id] = (job, sessions)
        self._entries.move_to_end(job.id)
        while len(self._entries) > self._keep:
            self._entries.popitem(last=False)

    def __contains__(self, job: Job) -> bool:
        return self.get(job) is not None


def running(job: Job) -> bool:
    return (job.last_status or "").lower() == "running"
