"""The one cleaner: text from a server or a person made safe to show (headless; no Textual, no Rich).

Textual 8.2.8 writes ESC and OSC sequences found in widget text straight to the terminal, and
DataTable / Static parse `str` as Rich markup. So every user name, URL, job, organization, session
and repository name and every server message goes through `clean` (and, in widgets, through
`vbotui.ui.safe_text.safe_text`, a `rich.text.Text` never parsed as markup). What `clean` makes
visible, as a placeholder of plain ASCII:

  C0 controls, ESC        ``^@`` .. ``^_`` (ESC is ``^[``, newline ``^J``, tab ``^I``)
  DEL                     ``^?``
  C1 controls             ``<80>`` .. ``<9F>`` (CSI is ``<9B>``)
  everything else unseen  ``<U+XXXX>``: bidi controls and isolates (U+200E/F, U+202A-202E,
                          U+2066-2069, U+061C), line and paragraph separators (U+2028/9),
                          zero-width and invisible format characters (U+200B-200D, U+2060-2064,
                          U+FEFF, U+00AD, U+180E, tags U+E0000-E007F: Unicode category Cf as a
                          whole), lone surrogates (Cs), and blank "letters" that show nothing
                          (Hangul fillers U+115F, U+1160, U+3164, U+FFA0; U+034F grapheme joiner)

So two names that differ only by an invisible character never look identical, and nothing the
server sends can move the cursor, retitle the window or reorder what the operator reads.

`cell_width` and `cut` measure text the way a terminal shows it (wide East Asian characters take
two cells, combining marks none), so long names can be cut to a width with an ellipsis.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"

# Letters and marks (so not caught by category) that draw nothing: a name made of them looks empty.
_BLANK = frozenset({0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0})
# Categories never shown as they are: controls, format characters (bidi, zero-width, soft hyphen,
# tags), line / paragraph separators, surrogates.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def placeholder(char: str) -> str | None:
    """The visible stand-in for one character, or None when it is shown as it is."""
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if 0x80 <= code <= 0x9F:
        return f"<{code:02X}>"
    if code in _BLANK or unicodedata.category(char) in _HIDDEN_CATEGORIES:
        return f"<U+{code:04X}>"
    return None


def _needs_cleaning(text: str) -> bool:
    # isprintable() is False for Cc, Cf, Zl, Zp, Cs (and spaces other than " ", kept as they are).
    return not text.isprintable() or any(ord(ch) in _BLANK for ch in text)


def clean(value: object) -> str:
    """The text (None → "") with every control or invisible character replaced by a visible placeholder."""
    text = "" if value is None else str(value)
    if not _needs_cleaning(text):
        return text
    return "".join(placeholder(ch) or ch for ch in text)


def char_width(char: str) -> int:
    """Terminal cells of one character: 2 for wide / fullwidth, 0 for combining marks, else 1."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if 0x1160 <= code <= 0x11FF:  # Hangul medial vowels / final consonants join the syllable
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells `text` takes (measure cleaned text: controls count as 0 here)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(ch) for ch in text)


def cut(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `width` cells, ending in `ellipsis` when something was cut.

    Combining marks stay with their base character; a wide character never straddles the edge.
    """
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    if room < 0:
        return ellipsis[:width] if cell_width(ellipsis[:width]) <= width else ""
    used = 0
    end = 0
    for index, ch in enumerate(text):
        w = char_width(ch)
        if used + w > room:
            break
        used += w
        end = index + 1
    # Keep the combining marks that belong to the last kept character (they take no room).
    while end < len(text) and char_width(text[end]) == 0:
        end += 1
    return text[:end] + ellipsis


def clean_cut(value: object, width: int) -> str:
    """`clean` then `cut`: server text fitted to `width` cells."""
    return cut(clean(value), width)


__all__ = ["ELLIPSIS", "cell_width", "char_width", "clean", "clean_cut", "cut", "placeholder"]
