"""Sign-in, the refresh token in the OS keyring (never a plaintext file), and logout. No Textual here."""

from .secret import Secret
from .session import LogoutOutcome, ServerSession, SignInOutcome, UntrustedServer
from .store import (
    KeyringProbe,
    KeyringTokenStore,
    MemoryTokenStore,
    StoredToken,
    TokenStore,
    TokenStoreError,
    open_token_store,
    probe_keyring,
)

__all__ = [
    "KeyringProbe",
    "KeyringTokenStore",
    "LogoutOutcome",
    "MemoryTokenStore",
    "Secret",
    "ServerSession",
    "SignInOutcome",
    "StoredToken",
    "TokenStore",
    "TokenStoreError",
    "UntrustedServer",
    "open_token_store",
    "probe_keyring",
]
