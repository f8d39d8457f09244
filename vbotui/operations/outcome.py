"""One vocabulary for what became of a request, everywhere (status panel, audit log, one-shot JSON).

done      the server answered that it did it
refused   the server answered no (its status and message are kept)
unknown   the request was sent and its answer was lost or unreadable: the server may have acted
not_sent  stopped before sending: read-only, a bad value, cancelled, the server unreachable, or the
          token refresh it waited for failed (that refresh may have reached the server; the action did not)
failed    a read (a list, a save, an export) that went wrong: it changed nothing on the server, so
          none of the words above fit (status None: no answer came)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vbotui.api.errors import AuthError, MalformedResponse, TransportError, VboError

# A gateway's answer (a proxy's page): the request may have reached the server behind it.
GATEWAY_STATUSES = frozenset({502, 503, 504})

DONE, REFUSED, UNKNOWN, NOT_SENT, FAILED = "done", "refused", "unknown", "not_sent", "failed"
KINDS = (DONE, REFUSED, UNKNOWN, NOT_SENT, FAILED)

MAY_HAVE_ACTED = "the request may have reached the server; check before retrying"
# The client sends an action twice only after a 401 that a token refresh mended (api/client.py).
RESENT = "sent again after the server refused the token"
# The words an operator reads for each kind.
WORDS = {
    DONE: "done",
    REFUSED: "refused",
    UNKNOWN: "outcome unknown",
    NOT_SENT: "not sent",
    FAILED: "failed",
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
        if self.kind == FAILED:
            head = f"failed {self.status}" if self.status is not None else "failed"
            return f"{head}: {self.message}"
        return f"not sent: {self.message}"

    def resent(self) -> Outcome:
        """This outcome, saying (once) that the request went twice after a refused token."""
        if RESENT in self.message:
            return self
        return replace(self, message=f"{self.message} ({RESENT})" if self.message else RESENT)

    def as_record(self) -> dict[str, object]:
        return {"outcome": self.kind, "status": self.status, "message": self.message}


def error_message(error: BaseException) -> str:
    """The server's words (message and errorCode) or, for anything else, the exception's."""
    if isinstance(error, VboError):
        return f"{error.message} ({error.error_code})" if error.error_code else error.message
    return f"{type(error).__name__}: {error}"


def classify(error: BaseException, *, read: bool = False) -> Outcome:
    """The outcome of a request that raised `error`. A read that went wrong changed nothing: it
    `failed` (refused only when the token was: the session is over), never "unknown"."""
    message = error_message(error)
    if read:
        status = error.status if isinstance(error, VboError) else None
        if isinstance(error, AuthError):
            return Outcome(REFUSED, status, message)
        return Outcome(FAILED, status, message)
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
