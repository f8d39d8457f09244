"""The style-escape compactor on the parameters Rich rarely writes (found by mutation testing):
each case draws the same screen in pyte as what came in, written as the changes the compactor makes."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from rich.style import Style

from vbotui.ui.sgr import SgrCompactor, compact_sgr

from .test_sgr import screen_of


def assert_compacts(data: str, expected: str) -> None:
    """`data` comes out as `expected`, which draws the same cells and leaves the same pen."""
    compact = compact_sgr(data)
    assert compact == expected
    assert screen_of(compact) == screen_of(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # An empty parameter is a 0 (a reset), wherever it stands.
        ("\x1b[1;31mx\x1b[1;;32my\x1b[0m", "\x1b[1;31mx\x1b[0;32my\x1b[0m"),
        ("\x1b[1;31mx\x1b[1;32;my\x1b[0m", "\x1b[1;31mx\x1b[0my"),
        # No parameter at all is a reset too: the red after it is written again (the reset is
        # written as ESC[0m, one byte more than ESC[m; Textual never writes the short one).
        ("\x1b[31mx\x1b[my\x1b[31mz\x1b[0m", "\x1b[31mx\x1b[0my\x1b[31mz\x1b[0m"),
    ],
)
def test_empty_parameters_reset(data: str, expected: str) -> None:
    assert_compacts(data, expected)


# Each attribute, and the parameter that turns it off.
ATTRIBUTES = [
    (1, 22),
    (2, 22),
    (3, 23),
    (4, 24),
    (21, 24),
    (5, 25),
    (6, 25),
    (7, 27),
    (8, 28),
    (9, 29),
    (53, 55),
]


@pytest.mark.parametrize(("on", "off"), ATTRIBUTES)
def test_an_attribute_that_goes_is_turned_off_alone(on: int, off: int) -> None:
    # Cheaper than a reset and the colour again.
    assert_compacts(f"\x1b[{on};31mx\x1b[0m\x1b[31my\x1b[0m", f"\x1b[{on};31mx\x1b[{off}my\x1b[0m")


@pytest.mark.parametrize(("on", "off"), ATTRIBUTES)
def test_an_off_parameter_in_the_input_is_understood(on: int, off: int) -> None:
    # The pen is the default again after it: the closing reset is not needed.
    assert_compacts(f"\x1b[{on}mx\x1b[{off}my\x1b[0m", f"\x1b[{on}mx\x1b[0my")


def test_several_off_parameters_in_one_sequence() -> None:
    assert_compacts(
        "\x1b[1;3;4;5;7;9;31mx\x1b[22;23;24;25;27;29my\x1b[0m", "\x1b[1;3;4;5;7;9;31mx\x1b[0;31my\x1b[0m"
    )
    assert_compacts("\x1b[1;2;8;21;6;53mx\x1b[22;28;24;25;55my\x1b[0m", "\x1b[1;2;6;8;21;53mx\x1b[0my")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # 24 turns off both underlines, 25 both blinks: the one that stays is set again.
        ("\x1b[4;21;38;5;100mx\x1b[0m\x1b[21;38;5;100my\x1b[0m", "\x1b[4;21;38;5;100mx\x1b[24;21my\x1b[0m"),
        ("\x1b[5;6;38;5;100mx\x1b[0m\x1b[6;38;5;100my\x1b[0m", "\x1b[5;6;38;5;100mx\x1b[25;6my\x1b[0m"),
    ],
)
def test_a_shared_off_parameter_sets_again_what_stays(data: str, expected: str) -> None:
    assert_compacts(data, expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # The first and last of the eight colours and of the bright ones, foreground and background.
        ("\x1b[30;47mx\x1b[0m\x1b[37;40my\x1b[0m", "\x1b[30;47mx\x1b[37;40my\x1b[0m"),
        ("\x1b[90;107mx\x1b[0m\x1b[97;100my\x1b[0m", "\x1b[90;107mx\x1b[97;100my\x1b[0m"),
        ("\x1b[30;40mx\x1b[0m\x1b[30;47my\x1b[0m", "\x1b[30;40mx\x1b[47my\x1b[0m"),
        ("\x1b[97;100mx\x1b[0m\x1b[90;100my\x1b[0m", "\x1b[97;100mx\x1b[90my\x1b[0m"),
    ],
)
def test_the_sixteen_colours_are_changed_like_any_other(data: str, expected: str) -> None:
    assert_compacts(data, expected)


@pytest.mark.parametrize("unknown", ["98", "108", "38;3;1;2;3", "48;3;1;2;3"])
def test_parameters_past_the_known_ones_pass_as_written(unknown: str) -> None:
    # Not a colour this module knows (98 and 108 are past the bright colours; 38;3 and 48;3 are not
    # 256-colour or RGB): each sequence goes out as it came, after a full reset.
    data = f"\x1b[{unknown};41mx\x1b[0m\x1b[{unknown};42my\x1b[0m"
    assert compact_sgr(data) == data
    assert screen_of(compact_sgr(data)) == screen_of(data)


def test_the_default_colours_as_rich_writes_them() -> None:
    # Rich writes the "default" colour as 39 or 49: nothing to set after a reset.
    fg_default = Style(color="default", bgcolor="red", bold=True)
    bg_default = Style(color="red", bgcolor="default", bold=True)
    for style, other, expected in [
        (fg_default, Style(color="default", bgcolor="green", bold=True), "\x1b[1;41ma\x1b[42mb\x1b[0m"),
        (bg_default, Style(color="green", bgcolor="default", bold=True), "\x1b[1;31ma\x1b[32mb\x1b[0m"),
    ]:
        data = style.render("a", color_system=ColorSystem.STANDARD) + other.render(
            "b", color_system=ColorSystem.STANDARD
        )
        assert_compacts(data, expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x1b[31;41mx\x1b[0m\x1b[41my\x1b[0m", "\x1b[31;41mx\x1b[39my\x1b[0m"),
        ("\x1b[31;41mx\x1b[0m\x1b[31my\x1b[0m", "\x1b[31;41mx\x1b[49my\x1b[0m"),
        ("\x1b[31;41mx\x1b[39my\x1b[0m", "\x1b[31;41mx\x1b[39my\x1b[0m"),
        ("\x1b[31;41mx\x1b[49my\x1b[0m", "\x1b[31;41mx\x1b[49my\x1b[0m"),
    ],
)
def test_a_colour_that_goes_back_to_the_default(data: str, expected: str) -> None:
    assert_compacts(data, expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x1b[38;2;1;2;3;41mx\x1b[0m\x1b[38;2;1;2;3;42my\x1b[0m", "\x1b[38;2;1;2;3;41mx\x1b[42my\x1b[0m"),
        ("\x1b[31;48;2;1;2;3mx\x1b[0m\x1b[32;48;2;1;2;3my\x1b[0m", "\x1b[31;48;2;1;2;3mx\x1b[32my\x1b[0m"),
        ("\x1b[31mx\x1b[0m\x1b[38;2;1;2;3;1my\x1b[0m", "\x1b[31mx\x1b[1;38;2;1;2;3my\x1b[0m"),
    ],
)
def test_rgb_colours_are_kept_whole(data: str, expected: str) -> None:
    assert_compacts(data, expected)


@pytest.mark.parametrize("cut", ["38;5", "48;5", "38;2;1;2", "48;2;1", "38", "48"])
def test_an_extended_colour_cut_short_passes_as_written(cut: str) -> None:
    # Not a colour this module can read: the sequence goes out whole, not as a change of background.
    data = f"\x1b[41;{cut}mx\x1b[0m\x1b[42;{cut}my\x1b[0m"
    assert compact_sgr(data) == data
    assert screen_of(compact_sgr(data)) == screen_of(data)


def test_the_next_write_starts_from_the_pen_the_last_one_left() -> None:
    compactor = SgrCompactor()
    writes = [
        "\x1b[1;31mx",  # left bold and red: the next write changes only the colour
        "\x1b[0m\x1b[1;32my\x1b[0m",
        "\x1b[38;5;253;48;5;233mName \x1b[0m",  # left in the default pen: no reset needed first
        "\x1b[38;5;246;48;5;233mid \x1b[0m",
        "\x1b[58;5;3mx",  # left in a pen not known: the next write starts with a reset
        "\x1b[0m\x1b[31my\x1b[0m",
        "\x1b[31mz\x1b[0m",
    ]
    compact = [compactor(write) for write in writes]
    assert compact == [
        "\x1b[1;31mx",
        "\x1b[32my\x1b[0m",
        "\x1b[38;5;253;48;5;233mName \x1b[0m",
        "\x1b[38;5;246;48;5;233mid \x1b[0m",
        "\x1b[58;5;3mx",
        "\x1b[0;31my\x1b[0m",
        "\x1b[31mz\x1b[0m",
    ]
    assert screen_of("".join(compact)) == screen_of("".join(writes))
