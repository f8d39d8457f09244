"""Server text as Rich `Text` for widgets; the cleaning itself is headless (`vbotui.textclean`)."""

from __future__ import annotations

from rich.text import Text

from vbotui.textclean import clean

__all__ = ["clean", "safe_text"]


def safe_text(value: object, style: str = "") -> Text:
    """Server text as a `Text`: shown literally, never interpreted as markup or escapes."""
    return Text(clean(value), style=style, no_wrap=True, end="")
