"""The exception tree of the API client.

    VboError
    ├── AuthError          401/403, a refused password or refresh token
    ├── NotFound           404
    ├── Conflict           409, or any error whose errorCode is OperationConflict
    ├── BadRequest         other 4xx
    ├── ServerError        5xx
    ├── MalformedResponse  a 2xx whose body is not what the API documents
    │   └── UnreadableAnswer   an answer came that cannot be read: not JSON, nested too deeply, the wrong
    │       │                  shape (may_have_reached_server: the server may have acted)
    │       └── AnswerTooLarge the answer passed the size ceiling (limits.py) and was not read on
    └── TransportError     nothing usable came back (connect, TLS, timeout, dropped connection)
        └── TlsError       the certificate was refused (untrusted, or not the pinned one)

Every error carries what an operator needs to read: the server's own `message` and
`errorCode` when it sent them, the HTTP status, and `may_have_reached_server`, which is
True when a POST left this machine but no answer came back, or one came that could not be read
(the action may have happened: the UI must say so instead of retrying silently).
"""

from __future__ import annotations


class VboError(Exception):
    """Base of every error the API client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        method: str | None = None,
        path: str | None = None,
        may_have_reached_server: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.method = method
        self.path = path
        self.may_have_reached_server = may_have_reached_server
        # The request went twice: the server refused the token (401), a refresh mended it.
        self.resent_after_refused_token = False

    def describe(self) -> str:
        """One line for the status panel: status, the server's message, its errorCode."""
        parts: list[str] = []
        if self.status is not None:
            parts.append(str(self.status))
        parts.append(self.message)
        if self.error_code:
            parts.append(f"({self.error_code})")
        if self.may_have_reached_server and self.method != "GET":  # a read changes nothing on the server
            parts.append("- the request may have reached the server; check before retrying")
        return " ".join(parts)


class AuthError(VboError):
    """The server refused the credentials, the token, or the refresh token."""


class NotFound(VboError):
    """The server has no such resource (404)."""


class Conflict(VboError):
    """The resource is in a state that forbids the operation (409 or OperationConflict)."""


class BadRequest(VboError):
    """The server rejected the request (a 4xx other than 401/403/404/409)."""


class ServerError(VboError):
    """The server failed (5xx)."""


class MalformedResponse(VboError):
    """A success status came with a body that is not what the API documents."""


class UnreadableAnswer(MalformedResponse):
    """The request was sent and an answer came, but it cannot be read: a proxy's HTML page, a body that
    is not JSON or nests too deeply, JSON of the wrong shape, a status the API never sends.

    The server may have acted (`may_have_reached_server` is True): an action's outcome is unknown.
    `detail` says what was wrong; `message` is "the server's answer could not be read: <detail>".
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(
            f"the server's answer could not be read: {detail}",
            status=status,
            error_code=error_code,
            method=method,
            path=path,
            may_have_reached_server=True,
        )
        self.detail = detail


class AnswerTooLarge(UnreadableAnswer):
    """The answer passed the client's size ceiling: reading stopped there (memory stays bounded)."""


class TransportError(VboError):
    """No usable HTTP response: connection refused, TLS failure, timeout, dropped connection."""


class TlsError(TransportError):
    """The server's certificate was not trusted, or did not match the pinned fingerprint."""


def json_type(value: object) -> str:
    """What an operator calls a JSON value: object, array, string, number, true/false, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}
    return next((name for kind, name in names.items() if isinstance(value, kind)), type(value).__name__)
