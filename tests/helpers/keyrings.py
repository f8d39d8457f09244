"""A keyring backend in a dict, for tests that need a secure-looking store without an OS keyring."""

from __future__ import annotations

from keyring.errors import PasswordDeleteError


class DictBackend:
    """A stand-in for a secure OS backend. Not a KeyringBackend subclass: those register themselves
    with keyring's backend discovery, which would leak into every other test in this process."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")
