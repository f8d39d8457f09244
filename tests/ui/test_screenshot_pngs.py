"""Issue 13 (13): the PNGs of screenshots/ put every character on its cell (rsvg-convert ignored
Textual's textLength and dropped leading spaces, so runs drifted a column against each other)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "screenshots.py"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_character_is_placed_on_its_cell() -> None:
    svg = (
        '<text class="r1" x="24.4" y="20" textLength="97.6" clip-path="url(#l)">'
        "&#160;&#160;Ab&#160;&lt;界</text>"
    )
    out = load_script().on_the_grid(svg)
    placed = re.findall(r'<text class="r1" x="([\d.]+)" y="20" clip-path="url\(#l\)">([^<]*)</text>', out)
    # 8 cells of 12.2: two spaces (not drawn), A, b, a space, <, then a wide character.
    assert placed == [("48.80", "A"), ("61.00", "b"), ("85.40", "&lt;"), ("97.60", "界")]
    assert "textLength" not in out
