"""Fewer bytes for the same screen: the style escapes of what Textual writes, rewritten as changes.

Textual writes every run of text as `ESC[<whole style>m text ESC[0m`, so two neighbouring cells that
differ only in colour cost a reset and the whole style again (~25 bytes). Through a 64 kbit/s link
every byte counts. `compact_sgr` keeps track of the style the terminal has and the style the next
text needs, and writes only what changes (`ESC[38;5;246m` instead of `ESC[0m ESC[38;5;246;48;5;233m`).
The screen drawn is the same (tested cell by cell against a terminal emulator).

Only SGR sequences (`ESC[...m`) are rewritten. Cursor positioning (`ESC[row;colH`) passes through
without settling the style; before any other escape or control character (erasing uses the
background), and at the end of each write, the terminal is brought to the style Textual expects.
A parameter this module does not know is passed on as written, after a full reset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One token: an SGR sequence (group 1: its parameters), a cursor position, another escape or
# control character, or a run of text.
_TOKEN = re.compile(
    r"\x1b\[([0-?]*)m"  # SGR (parameters this module does not read, like 4:3, make the pen unknown)
    r"|(\x1b\[[0-9;]*H)"  # cursor position: no style involved
    r"|(\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\x00-\x1f\x7f])"  # other
)

# Attributes and the parameter that turns each off (22 turns off both bold and dim, 24 both
# underlines).
_OFF = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 53: 55}
_OFF_CLEARS = {22: (1, 2), 23: (3,), 24: (4, 21), 25: (5, 6), 27: (7,), 28: (8,), 29: (9,), 55: (53,)}


@dataclass(frozen=True)
class Pen:
    """What the terminal draws text with: attributes, and the colours as their SGR parameters."""

    attrs: frozenset[int] = frozenset()
    fg: str = ""  # "" is the default colour; else "31", "38;5;253", "38;2;1;2;3"
    bg: str = ""

    def full(self) -> str:
        """The parameters that set this pen after a reset (may be empty)."""
        parts = [str(attr) for attr in sorted(self.attrs)]
        parts += [colour for colour in (self.fg, self.bg) if colour]
        return ";".join(parts)


DEFAULT = Pen()


def apply(pen: Pen | None, params: str) -> Pen | None:
    """The pen after one SGR sequence; None when a parameter is not one this module knows."""
    if params.strip("0123456789;"):
        return None  # sub-parameters (4:3, 58:2::1:2:3) or private ones: not read here
    numbers = [int(part) if part else 0 for part in params.split(";")] if params else [0]
    if pen is None and numbers[0] != 0:
        return None  # unknown stays unknown until a sequence resets it
    attrs = set(pen.attrs) if pen else set()
    fg, bg = (pen.fg, pen.bg) if pen else ("", "")
    index = 0
    while index < len(numbers):
        number = numbers[index]
        if number == 0:
            attrs, fg, bg = set(), "", ""
        elif number in _OFF:
            attrs.add(number)
        elif number in _OFF_CLEARS:
            attrs.difference_update(_OFF_CLEARS[number])
        elif 30 <= number <= 37 or 90 <= number <= 97:
            fg = str(number)
        elif 40 <= number <= 47 or 100 <= number <= 107:
            bg = str(number)
        elif number == 39:
            fg = ""
        elif number == 49:
            bg = ""
        elif number in (38, 48):
            kind = numbers[index + 1] if index + 1 < len(numbers) else -1
            size = 3 if kind == 5 else 5 if kind == 2 else 0
            if not size or index + size > len(numbers):
                return None
            colour = ";".join(str(part) for part in numbers[index : index + size])
            if number == 38:
                fg = colour
            else:
                bg = colour
            index += size - 1
        else:
            return None
        index += 1
    return Pen(frozenset(attrs), fg, bg)


def change(have: Pen | None, want: Pen) -> str:
    """The shortest SGR sequence that takes the terminal from `have` to `want` ("" if none)."""
    if have == want:
        return ""
    reset = f"\x1b[0;{want.full()}m" if want != DEFAULT else "\x1b[0m"
    if have is None or want == DEFAULT:
        return reset
    parts: list[str] = []
    gone = have.attrs - want.attrs
    offs = sorted({_OFF[attr] for attr in gone})
    parts += [str(off) for off in offs]
    cleared = {attr for off in offs for attr in _OFF_CLEARS[off]}
    parts += [str(attr) for attr in sorted((want.attrs - have.attrs) | (want.attrs & cleared))]
    if want.fg != have.fg:
        parts.append(want.fg or "39")
    if want.bg != have.bg:
        parts.append(want.bg or "49")
    step = f"\x1b[{';'.join(parts)}m"
    return step if len(step) < len(reset) else reset


class SgrCompactor:
    """Rewrites one terminal's output, write by write; knows the pen the terminal was left with."""

    def __init__(self) -> None:
        self.pen: Pen | None = DEFAULT  # the terminal's pen after the last write (None: unknown)

    def __call__(self, data: str) -> str:
        """`data` with its style escapes written as changes; leaves the pen `data` would leave."""
        if "\x1b[" not in data:
            return data
        out: list[str] = []
        have = want = self.pen  # have: the terminal's pen; want: the pen the next text needs

        def settle() -> None:
            nonlocal have
            if want is not None and want != have:
                out.append(change(have, want))
                have = want

        position = 0
        for match in _TOKEN.finditer(data):
            if match.start() > position:  # text: drawn with the pen it needs
                settle()
                out.append(data[position : match.start()])
            position = match.end()
            params, cursor = match.group(1), match.group(2)
            if params is not None:
                after = apply(want, params)
                if after is None:  # not understood: settle, then pass it on as written
                    settle()
                    out.append(match.group(0))
                    have = None
                want = after
            elif cursor is not None:
                out.append(cursor)
            else:  # erasing uses the background; other controls may too: settle first
                settle()
                out.append(match.group(0))
        if position < len(data):
            settle()
            out.append(data[position:])
        settle()
        self.pen = have if want is None else want
        return "".join(out)


def compact_sgr(data: str) -> str:
    """`data` rewritten for a terminal in the default pen (tests; the driver keeps one compactor)."""
    return SgrCompactor()(data)
