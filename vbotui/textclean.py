"""The one cleaner: text from a server or a person made safe to show (headless; no Textual).

Textual 8.2.8 writes ESC and OSC sequences found in widget text straight to the terminal, and
DataTable / Static parse `str` as Rich markup. So every job name, organization name and server
message goes through `safe_text` (a `rich.text.Text`, never parsed as markup) with each control
character replaced by a visible caret placeholder (`^[` for ESC, `^?` for DEL, `<9B>` for C1).
"""

from __future__ import annotations

# Bidirectional overrides and isolates can reorder what an operator reads; show them as code points.
_BIDI = {0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029}


def _placeholder(code: int) -> str | None:
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if 0x80 <= code <= 0x9F:
        return f"<{code:02X}>"
    if code in _BIDI:
        return f"<U+{code:04X}>"
    return None


def clean(value: object) -> str:
    """The text with every control character replaced by a visible placeholder."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(_placeholder(ord(ch)) or ch for ch in text)
