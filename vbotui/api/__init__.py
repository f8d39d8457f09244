"""The VB365 REST API client: headless, Textual-free (docs/architecture.md)."""

from .client import VboClient
from .dialects import API_VERSION_CHOICES, JOB_ACTIONS, VERSIONS, Capabilities, capabilities_for
from .errors import (
    AuthError,
    BadRequest,
    Conflict,
    MalformedResponse,
    NotFound,
    ServerError,
    TlsError,
    TransportError,
    UnreadableAnswer,
    VboError,
)
from .http import Exchange
from .models import (
    EXPLORE_TYPES,
    ActionResult,
    ExploreOptions,
    Job,
    JobSession,
    Organization,
    RestoreSession,
)

__all__ = [
    "API_VERSION_CHOICES",
    "EXPLORE_TYPES",
    "JOB_ACTIONS",
    "VERSIONS",
    "ActionResult",
    "AuthError",
    "BadRequest",
    "Capabilities",
    "Conflict",
    "Exchange",
    "ExploreOptions",
    "Job",
    "JobSession",
    "MalformedResponse",
    "NotFound",
    "Organization",
    "RestoreSession",
    "ServerError",
    "TlsError",
    "TransportError",
    "UnreadableAnswer",
    "VboClient",
    "VboError",
    "capabilities_for",
]
