"""The style-escape compactor: the same screen from fewer bytes, checked in a terminal emulator."""

from __future__ import annotations

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import ColorSystem
from rich.style import Style
from textual.drivers.linux_driver import LinuxDriver

from vbotui.api.client import VboClient
from vbotui.ui.app import VboApp
from vbotui.ui.driver import CompactDriver
from vbotui.ui.sgr import SgrCompactor, compact_sgr

COLS, ROWS = 40, 6
CELL = ("data", "fg", "bg", "bold", "italics", "underscore", "strikethrough", "reverse", "blink")


def screen_of(data: str) -> tuple[list[list[tuple[object, ...]]], tuple[object, ...]]:
    """Every cell (character and look) and the pen left at the end, as pyte draws them."""
    screen = pyte.Screen(COLS, ROWS)
    pyte.Stream(screen).feed(data)
    cells = [
        [tuple(getattr(screen.buffer[y][x], name) for name in CELL) for x in range(COLS)] for y in range(ROWS)
    ]
    pen = tuple(getattr(screen.cursor.attrs, name) for name in CELL[1:])
    return cells, pen


colours = st.one_of(
    st.none(),
    st.sampled_from(["red", "bright_cyan", "default"]),
    st.integers(16, 255).map(lambda n: f"color({n})"),
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)).map(
        lambda c: "rgb({},{},{})".format(*c)
    ),
)
styles = st.builds(
    Style,
    color=colours,
    bgcolor=colours,
    bold=st.sampled_from([None, True]),
    dim=st.sampled_from([None, True]),
    italic=st.sampled_from([None, True]),
    underline=st.sampled_from([None, True]),
    reverse=st.sampled_from([None, True]),
    strike=st.sampled_from([None, True]),
    blink=st.sampled_from([None, True]),
)
pieces = st.one_of(
    st.tuples(styles, st.text("ab -", min_size=1, max_size=6)),
    st.tuples(st.integers(1, ROWS), st.integers(1, COLS)).map(lambda at: "\x1b[{};{}H".format(*at)),
    st.just("\n"),
    st.just("plain"),
)


def textual_output(parts: list[object], system: ColorSystem) -> str:
    """As Textual writes a frame: each run as its whole style, the text, and a reset."""
    out = []
    for part in parts:
        if isinstance(part, tuple):
            style, text = part
            out.append(style.render(text, color_system=system))
        else:
            out.append(str(part))
    return "".join(out)


@settings(max_examples=300)
@given(
    st.lists(pieces, max_size=30),
    st.sampled_from([ColorSystem.EIGHT_BIT, ColorSystem.TRUECOLOR, ColorSystem.STANDARD]),
)
def test_the_screen_is_the_same_cell_by_cell(parts: list[object], system: ColorSystem) -> None:
    original = textual_output(parts, system)
    compact = compact_sgr(original)
    assert screen_of(compact) == screen_of(original)
    assert len(compact) <= len(original)


@settings(max_examples=100)
@given(st.lists(st.lists(pieces, max_size=10), min_size=2, max_size=4))
def test_writes_in_a_row_share_the_pen(writes: list[list[object]]) -> None:
    """The driver's compactor keeps the pen between writes, even one left without a reset."""
    compactor = SgrCompactor()
    frames = [textual_output(parts, ColorSystem.EIGHT_BIT) + "\x1b[1;31m" for parts in writes]
    assert screen_of("".join(compactor(frame) for frame in frames)) == screen_of("".join(frames))


def test_a_colour_change_is_written_as_the_colour_alone() -> None:
    row = "\x1b[38;5;253;48;5;233mName \x1b[0m\x1b[38;5;246;48;5;233mid \x1b[0m"
    assert compact_sgr(row) == "\x1b[38;5;253;48;5;233mName \x1b[38;5;246mid \x1b[0m"


def test_dim_is_turned_off_when_only_bold_follows() -> None:
    # 22 turns off bold and dim together: bold is set again after it (pyte draws no dim to compare).
    assert compact_sgr("\x1b[2;31mx\x1b[0m\x1b[1;31my\x1b[0m") == "\x1b[2;31mx\x1b[22;1my\x1b[0m"
    assert compact_sgr("\x1b[1;2mx\x1b[0m\x1b[2my\x1b[0m") == "\x1b[1;2mx\x1b[0;2my\x1b[0m"  # as short


def test_an_unknown_parameter_is_passed_on_after_the_style_is_settled() -> None:
    # 58 (underline colour) is not one the compactor knows: written as it came, and the next
    # change starts from a reset (the terminal's pen is not known any more).
    data = "\x1b[31mx\x1b[58;5;3my\x1b[0m\x1b[32mz\x1b[0m"
    assert compact_sgr(data) == "\x1b[31mx\x1b[58;5;3my\x1b[0;32mz\x1b[0m"


def test_erasing_uses_the_pen_textual_meant() -> None:
    # ESC[K fills with the background: the reset before it is written, not folded into what follows.
    assert compact_sgr("\x1b[41mx\x1b[0m\x1b[K\x1b[41my\x1b[0m") == "\x1b[41mx\x1b[0m\x1b[K\x1b[41my\x1b[0m"


def test_cursor_moves_keep_the_pen() -> None:
    data = "\x1b[1;1H\x1b[44m a \x1b[0m\x1b[2;1H\x1b[44m b \x1b[0m"
    assert compact_sgr(data) == "\x1b[1;1H\x1b[44m a \x1b[2;1H b \x1b[0m"


def test_the_app_draws_a_real_terminal_through_the_compactor() -> None:
    app = VboApp(VboClient("https://vbo.invalid"), "test")
    assert app.get_driver_class() is CompactDriver


def test_a_style_with_sub_parameters_leaves_the_pen_unknown_until_a_reset() -> None:
    # 4:3 is a curly underline: written as it came; what follows is written from a reset, so the
    # underline does not stay on under text Textual meant without it.
    data = "\x1b[4:3mx\x1b[0m\x1b[31my\x1b[0m"
    out = compact_sgr(data)
    assert out == "\x1b[4:3mx\x1b[0;31my\x1b[0m"
    assert screen_of(out) == screen_of(data)


def test_after_a_suspend_the_first_style_starts_from_a_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    # Back from ctrl+z or an editor, the terminal's pen is whatever the shell left: the first style
    # written is a whole one, not a change from the pen before the suspend.
    written: list[str] = []
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: None)
    monkeypatch.setattr(CompactDriver, "_send", lambda self, data: written.append(data))
    driver = CompactDriver.__new__(CompactDriver)
    driver._compact = SgrCompactor()
    driver.write("\x1b[1mbold left on")
    driver.start_application_mode()
    driver.write("\x1b[0m\x1b[31mred\x1b[0m")
    assert written[-1] == "\x1b[0;31mred\x1b[0m"
