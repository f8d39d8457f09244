"""One vocabulary for what became of a request, everywhere (status panel, audit log, one-shot JSON).

done      the server answered that it did it
refused   the server answered no (its status and message are kept)
unknown   the request was sent and its answer was lost or unreadable: the server may have acted
not_sent  stopped before sending: read-only, a bad value, cancelled, or the server unreachable
"""

from __future__ import annotations

from dataclasses import dataclass

from vbotui.api.errors import AuthError, MalformedResponse, TransportError, VboError

# A gateway's answer (a proxy's page): the request may have reached the server behind it.
GATEWAY_STATUSES = frozenset({502, 503, 504})

DONE, REFUSED, UNKNOWN, NOT_SENT = "done", "refused", "unknown", "not_sent"
KINDS = (DONE, REFUSED, UNKNOWN, NOT_SENT)

MAY_HAVE_ACTED = "the request may have reached the server; check before retrying"
# The words an operator reads for each kind.
WORDS = {
    DONE: "done",
    REFUSED: "refused",
    UNKNOWN: "outcome unknown",
    NOT_SENT: "not sent",
}


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int | None = None
    message: str = ""

    def describe(self) -> str:
        """One line: `done 202`; `400 Job is disabled.`; `outcome unknown: timed out - the request ...`."""
        if self.kind == DONE:
            head = f"done {self.status}" if self.status is not None else "done"
            return f"{head}: {self.message}" if self.message else head
        if self.kind == REFUSED:
            return f"{self.status} {self.message}" if self.status is not None else self.message
        if self.kind == UNKNOWN:
            return f"outcome unknown: {self.message} - {MAY_HAVE_ACTED}"
        return f"not sent: {self.message}"

    def as_record(self) -> dict[str, object]:
        return {"outcome": self.kind, "status": self.status, "message": self.message}


def error_message(error: BaseException) -> str:
    """The server's words (message and errorCode) or, for anything else, the exception's."""
    if isinstance(error, VboError):
        return f"{error.message} ({error.error_code})" if error.error_code else error.message
    return f"{type(error).__name__}: {error}"


def classify(error: BaseException) -> Outcome:
    """The outcome of a request that raised `error`."""
    message = error_message(error)
    if isinstance(error, VboError) and error.may_have_reached_server:
        return Outcome(UNKNOWN, error.status, message)
    if isinstance(error, AuthError):
        return Outcome(REFUSED, error.status, message)  # the token was refused: nothing was done
    if isinstance(error, MalformedResponse) or (
        isinstance(error, VboError)
        and error.status is not None
        and (200 <= error.status < 300 or error.status in GATEWAY_STATUSES)
    ):
        return Outcome(UNKNOWN, error.status, message)  # answered, but not in words we can read
    if isinstance(error, TransportError):
        return Outcome(NOT_SENT, None, message)  # nothing left this machine (connect, TLS)
    if isinstance(error, VboError) and error.status is not None:
        return Outcome(REFUSED, error.status, message)
    if isinstance(error, VboError):
        return Outcome(UNKNOWN, None, message)  # an answer came that could not be read
    # A bug or a body of a shape nobody expected: the request may well have been handled.
    return Outcome(UNKNOWN, None, message)
