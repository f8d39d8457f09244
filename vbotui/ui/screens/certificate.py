"""Trust on first use: the server's certificate, and the operator's decision.

New server: subject, issuer, validity, SANs and SHA-256; `y` trusts (pins) it, `n`/`esc` (the
default button) refuse. Changed certificate: refused loudly with both fingerprints; replacing the
pin needs typing `replace` and Enter in a field of its own; `y` does nothing there.
Every field from the certificate is server text and goes through `clean`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from vbotui.auth import UntrustedServer
from vbotui.tls import CertificateInfo

from ..actions import bindings_for
from ..safe_text import clean
from ..typeahead import TypeaheadInput
from .base import AppScreen

TRUST, REPLACE = "trust", "replace"


def fingerprint_text(label: str, fingerprint: str, style: str) -> Text:
    """`label` and the fingerprint in two halves of 16 bytes: it fits 80 columns and reads in chunks."""
    pairs = fingerprint.split(":")
    halves = [":".join(pairs[:16]), ":".join(pairs[16:])] if len(pairs) == 32 else [fingerprint]
    text = Text()
    for number, half in enumerate(halves):
        text.append(f"{label if number == 0 else '':<10}", style="dim")
        text.append(half + (":" if number == 0 and len(halves) == 2 else ""), style=style)
        text.append("\n")
    text.rstrip()
    return text


def certificate_details(cert: CertificateInfo, now: datetime | None = None, *, sha256: bool = True) -> Text:
    """Server, subject, issuer, validity (EXPIRED after `now`, the app's clock) and names; then the
    SHA-256 fingerprint unless `sha256=False` (the changed layout shows it beside the pinned one)."""
    body = Text()
    rows = [
        ("Server", f"{cert.host}:{cert.port}"),
        ("Subject", cert.subject),
        ("Issuer", cert.issuer + ("  (self-signed)" if cert.self_signed else "")),
        ("Valid", f"{cert.not_before:%Y-%m-%d %H:%M} to {cert.not_after:%Y-%m-%d %H:%M} UTC"),
        ("Names", ", ".join(cert.sans) or "(none)"),
    ]
    for label, value in rows:
        body.append(f"{label:<10}", style="dim")
        body.append(clean(value))
        if label == "Valid" and cert.expired(now):
            body.append("  EXPIRED", style="bold red")
        body.append("\n")
    if sha256:
        body.append_text(fingerprint_text("SHA-256", cert.sha256, "bold"))
    else:
        body.rstrip()
    return body


class CertificateScreen(AppScreen, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("certificate")

    def __init__(self, problem: UntrustedServer, *, now: datetime | None = None) -> None:
        super().__init__()
        assert problem.certificate is not None
        self.problem = problem
        self.certificate = problem.certificate
        self.changed = problem.changed
        self.given_now = now

    def now(self) -> datetime | None:
        """What "now" is for the validity: the given time (the app's clock), else None: the wall clock."""
        return self.given_now

    def compose(self) -> ComposeResult:
        with Vertical(id="cert-dialog", classes="-changed" if self.changed else "-new"):
            if self.changed:
                yield from self._compose_changed()
            else:
                yield from self._compose_new()

    def _compose_new(self) -> ComposeResult:
        cert = self.certificate
        yield Static(Text(f"Unknown certificate for {clean(cert.host)}:{cert.port}", style="bold"))
        yield Static(certificate_details(cert, self.now()), id="cert-details")
        yield Static(
            "Check the SHA-256 fingerprint with the server's administrator (on the server: the VB365 "
            "REST API certificate). Trusting it pins it for this server; nothing is sent before."
        )
        yield Static(Text("Trust this certificate?  y yes   n no (default)   esc no", style="bold"))
        with Horizontal(id="cert-buttons"):
            yield Button("No", id="cert-no", compact=True)
            yield Button("Yes, trust it", id="cert-yes", variant="warning", compact=True)

    def _compose_changed(self) -> ComposeResult:
        cert, check = self.certificate, self.problem.check
        pinned = check.pinned if check and check.pinned else "(unknown)"
        warning = Text(
            f"WARNING: THE CERTIFICATE OF {clean(cert.host)}:{cert.port} HAS CHANGED. REFUSED.",
            style="bold red",
        )
        yield Static(warning, id="cert-warning")
        both = fingerprint_text("Pinned", pinned, "bold green")
        both.append("\n")
        both.append_text(fingerprint_text("Presented", cert.sha256, "bold red"))
        yield Static(both, id="cert-fingerprints")
        yield Static(
            "Someone may be impersonating the server, or its certificate was replaced. "
            "Nothing was sent to it. Ask the server's administrator before going on."
        )
        # Without its SHA-256 row: both fingerprints are above.
        yield Static(certificate_details(cert, self.now(), sha256=False), id="cert-details")
        yield Static(
            "Only if the new certificate is known to be right: type replace, press Enter.",
            id="cert-replace-hint",
        )
        yield TypeaheadInput(placeholder="type replace to replace the pin", id="cert-replace")
        with Horizontal(id="cert-buttons"):
            yield Button("Refuse (esc)", id="cert-no", variant="error", compact=True)

    def on_mount(self) -> None:
        if self.changed:
            # The dialog says "type replace": typing goes there (esc still refuses; enter on
            # anything but `replace` replaces nothing).
            self.query_one("#cert-replace", Input).focus()
        else:
            self.query_one("#cert-no", Button).focus()  # the default is always No

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "trust" and self.changed:
            return False  # a changed pin is never replaced by one key
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(TRUST if event.button.id == "cert-yes" and not self.changed else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip().lower() == "replace":
            self.dismiss(REPLACE)
        else:
            event.input.value = ""
            # Said on the dialog, not in a toast that would cover its buttons at 80x24.
            hint = self.query_one("#cert-replace-hint", Static)
            hint.update(Text("Type exactly: replace, then Enter (or esc to refuse).", style="bold"))
            hint.add_class("-error")

    def action_trust(self) -> None:
        if not self.changed:
            self.dismiss(TRUST)

    def action_refuse(self) -> None:
        self.dismiss(None)
