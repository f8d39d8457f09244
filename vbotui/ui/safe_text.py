"""Server text as Rich `Text` for widgets; the cleaning itself is headless (`vbotui.textclean`)."""

from __future__ import annotations

from rich.text import Text

from vbotui.textclean import cell_width, clean, cut

__all__ = ["cell_width", "clean", "cut", "fit_text", "safe_text"]


def safe_text(value: object, style: str = "", width: int | None = None) -> Text:
    """Server text as a `Text`: shown literally, never interpreted as markup or escapes.

    With `width`, cut to that many terminal cells with an ellipsis (wide and combining characters
    measured as the terminal shows them).
    """
    text = clean(value)
    if width is not None:
        text = cut(text, width)
    return Text(text, style=style, no_wrap=True, end="")


def fit_text(value: object, width: int) -> str:
    """Cleaned server text cut to `width` cells: for a dialog's prompt that must keep its buttons."""
    return cut(clean(value), width)
