"""Widths and cutting at their edges (the survivors of a mutmut run over vbotui/textclean.py).

A name is fitted to a column with `cut`; a width off by one cell moves every column after it, and a
zero-width character counted as one (or a wide one as one) makes a name overflow or get cut early.
"""

from __future__ import annotations

import pytest

from vbotui.textclean import ELLIPSIS, cell_width, char_width, clean_cut, cut


@pytest.mark.parametrize("code", [0x00, 0x01, 0x1F, 0x7F, 0x80, 0x9B, 0x9F], ids=hex)
def test_raw_controls_take_no_cell(code: int) -> None:
    assert char_width(chr(code)) == 0
    assert cell_width(f"a{chr(code)}b") == 2


@pytest.mark.parametrize("code", [0x20, 0x7E, 0xA0, 0xA1], ids=hex)
def test_the_characters_next_to_the_control_ranges_take_one_cell(code: int) -> None:
    assert char_width(chr(code)) == 1


@pytest.mark.parametrize(
    ("char", "why"),
    [
        ("\u0e31", "Thai vowel sign (Mn, combining class 0)"),
        ("\u0900", "Devanagari inverted candrabindu (Mn, combining class 0)"),
        ("\u20dd", "combining enclosing circle (Me)"),
        ("\u0488", "Cyrillic hundred thousands sign (Me)"),
        ("\u200b", "zero width space (Cf)"),
        ("\u00ad", "soft hyphen (Cf)"),
    ],
)
def test_marks_and_format_characters_take_no_cell(char: str, why: str) -> None:
    assert char_width(char) == 0, why
    assert cell_width("x" + char) == 1, why


@pytest.mark.parametrize("code", [0x1160, 0x1161, 0x11A8, 0x11FE, 0x11FF], ids=hex)
def test_hangul_medial_vowels_and_final_consonants_join_the_syllable(code: int) -> None:
    assert char_width(chr(code)) == 0


def test_the_characters_around_the_hangul_joining_range_are_measured_as_usual() -> None:
    assert char_width("\u115f") == 2  # choseong filler: wide
    assert char_width("\u1200") == 1  # Ethiopic syllable ha


def test_text_exactly_as_wide_as_the_column_is_not_cut() -> None:
    assert cut("exact", 5) == "exact"
    assert cut("日本語", 6) == "日本語"


def test_a_column_of_no_width_shows_nothing_even_for_zero_width_text() -> None:
    assert cut("\u0301\u200b", 0) == ""
    assert cut("", 0) == ""


def test_a_column_of_one_cell_shows_only_the_ellipsis() -> None:
    assert cut("long name", 1) == ELLIPSIS


def test_an_ellipsis_wider_than_the_column_is_cut_or_dropped() -> None:
    assert cut("abcdef", 2, "...") == ".."
    assert cut("abcdef", 1, "日…") == ""  # a wide first character does not fit in one cell
    assert cut("abcdef", 3, "...") == "..."


def test_clean_cut_cleans_then_fits_server_text() -> None:
    assert clean_cut("\x1b[2Jname", 6) == "^[[2J" + ELLIPSIS
    assert clean_cut(None, 4) == ""
    assert clean_cut("ok", 4) == "ok"
    assert cell_width(clean_cut("\u202e" + "x" * 40, 10)) == 10
