"""What `c` may put on the terminal's clipboard (OSC 52): a plausible id, never arbitrary server text.

A server's id is data: one holding escapes or newlines would be pasted into a shell as commands.
Real ids are printable ASCII without spaces: UUIDs, EWS item ids (base64: `+/=`), OneDrive's two
GUIDs joined; none is near 512 characters.
"""

from __future__ import annotations

import re

MAX_ID = 512
_PLAUSIBLE = re.compile(rf"[!-~]{{1,{MAX_ID}}}")  # printable ASCII, no space or control character


def copy_refusal(text: str) -> str | None:
    """Why `text` is not copied, or None when it is a plausible id."""
    if _PLAUSIBLE.fullmatch(text):
        return None
    if len(text) > MAX_ID:
        return f"longer than {MAX_ID} characters"
    return "it holds spaces, control or non-ASCII characters"
