"""The exception tree of the API client.

    VboError
    ├── AuthError          401/403, a refused password or refresh token
    ├── NotFound           404
    ├── Conflict           409, or any error whose errorCode is OperationConflict
    ├── BadRequest         other 4xx
    ├── ServerError        5xx
    ├── MalformedResponse  a 2xx whose body is not what the API documents
    └── TransportError     nothing usable came back (connect, TLS, timeout, dropped connection)
        └── TlsError       the certificate was refused (untrusted, or not the pinned one)

Every error carries what an operator needs to read: the server's own `message` and
`errorCode` when it sent them, the HTTP status, and `may_have_reached_server`, which is
True when a POST left this machine but no answer came back (the action may have happened:
the UI must say so instead of retrying silently).
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

    def describe(self) -> str:
        """One line for the status panel: status, the server's message, its errorCode."""
        parts: list[str] = []
        if self.status is not None:
            parts.append(str(self.status))
        parts.append(self.message)
        if self.error_code:
            parts.append(f"({self.error_code})")
        if self.may_have_reached_server:
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


class TransportError(VboError):
    """No usable HTTP response: connection refused, TLS failure, timeout, dropped connection."""


class TlsError(TransportError):
    """The server's certificate was not trusted, or did not match the pinned fingerprint."""
