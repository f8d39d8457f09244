import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbotui.textclean import cell_width, cut
from vbotui.ui.safe_text import clean, fit_text, safe_text


def test_markup_is_kept_as_text() -> None:
    text = safe_text("[bold]x[/]")
    assert text.plain == "[bold]x[/]"
    assert not text.spans


def test_control_characters_become_visible_placeholders() -> None:
    assert clean("a\x1b[2Jb") == "a^[[2Jb"
    assert clean("\x1b]0;title\x07") == "^[]0;title^G"  # OSC
    assert clean("del\x7f c1\x9b nl\n tab\t") == "del^? c1<9B> nl^J tab^I"
    assert clean("rtl\u202eevil") == "rtl<U+202E>evil"
    assert clean(None) == ""


def test_no_control_character_survives() -> None:
    every = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    assert all(ch.isprintable() for ch in clean(every))


# --- one test per class of character the cleaner makes visible (issue 9 §2) -------------------


@pytest.mark.parametrize("code", [*range(0x20)], ids=lambda c: f"C0-{c:02X}")
def test_every_c0_control_is_a_caret_placeholder(code: int) -> None:
    assert clean(f"a{chr(code)}b") == f"a^{chr(code + 0x40)}b"


def test_esc_and_csi_and_osc_sequences_are_inert() -> None:
    assert clean("\x1b[2J\x1b[H") == "^[[2J^[[H"
    assert clean("\x1b]2;pwned\x1b\\") == "^[]2;pwned^[\\"
    assert clean("\x9b2J\x9d0;t\x9c") == "<9B>2J<9D>0;t<9C>"  # 8-bit CSI / OSC / ST


@pytest.mark.parametrize("code", [*range(0x80, 0xA0)], ids=lambda c: f"C1-{c:02X}")
def test_every_c1_control_is_a_hex_placeholder(code: int) -> None:
    assert clean(chr(code)) == f"<{code:02X}>"


def test_del_is_a_placeholder() -> None:
    assert clean("\x7f") == "^?"


@pytest.mark.parametrize(
    "code",
    [0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E],
    ids=lambda c: f"U+{c:04X}",
)
def test_bidi_marks_and_overrides_are_visible(code: int) -> None:
    assert clean(f"x{chr(code)}y") == f"x<U+{code:04X}>y"


@pytest.mark.parametrize("code", [0x2066, 0x2067, 0x2068, 0x2069], ids=["LRI", "RLI", "FSI", "PDI"])
def test_bidi_isolates_are_visible(code: int) -> None:
    # An isolate reorders what follows it on screen: "job\u2067nimda\u2069" reads as "jobadmin".
    assert clean(f"job{chr(code)}nimda") == f"job<U+{code:04X}>nimda"


@pytest.mark.parametrize("code", [0x2028, 0x2029], ids=["LS", "PS"])
def test_line_and_paragraph_separators_are_visible(code: int) -> None:
    assert clean(f"a{chr(code)}b") == f"a<U+{code:04X}>b"


@pytest.mark.parametrize(
    "code",
    [0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2064, 0xFEFF, 0x00AD, 0x180E, 0xE0041, 0xFFF9],
    ids=lambda c: f"U+{c:04X}",
)
def test_zero_width_and_invisible_format_characters_are_visible(code: int) -> None:
    assert clean(f"ad{chr(code)}min") == f"ad<U+{code:04X}>min"


def test_two_names_that_differ_by_an_invisible_character_do_not_look_the_same() -> None:
    assert clean("Backup\u200bJob") != clean("BackupJob")
    assert clean("Backup\u00adJob") != clean("BackupJob")


@pytest.mark.parametrize("code", [0x3164, 0x115F, 0x1160, 0xFFA0, 0x034F], ids=lambda c: f"U+{c:04X}")
def test_blank_letters_are_visible(code: int) -> None:
    assert clean(chr(code)) == f"<U+{code:04X}>"


def test_lone_surrogates_are_visible_and_encodable() -> None:
    cleaned = clean("a\udcffb")
    assert cleaned == "a<U+DCFF>b"
    cleaned.encode("utf-8")


def test_ordinary_text_is_untouched() -> None:
    for text in ("Fabrikam Backup – daily", "Ünïcödé", "日本語のジョブ", "e\u0301", "emoji 👍", "a\u00a0b"):
        assert clean(text) == text


_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}


@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_nothing_unseen_survives_the_cleaner(text: str) -> None:
    cleaned = clean(text)
    assert all(unicodedata.category(ch) not in _HIDDEN for ch in cleaned)
    assert "\x1b" not in cleaned


# --- widths and cutting ----------------------------------------------------------------------


def test_wide_and_combining_characters_are_measured_as_the_terminal_shows_them() -> None:
    from rich.cells import cell_len

    for text in ("abc", "日本語", "e\u0301te\u0301", "ｆｕｌｌ", "mixed 日本 e\u0301"):
        assert cell_width(text) == cell_len(text)
    assert cell_width("日本語") == 6
    assert cell_width("e\u0301") == 1


def test_cut_adds_an_ellipsis_and_never_exceeds_the_width() -> None:
    assert cut("short", 10) == "short"
    assert cut("a long job name", 7) == "a long…"
    assert cut("日本語のジョブ", 6) == "日本…"  # 4 + 1 cells: a wide character never straddles
    assert cut("e\u0301e\u0301e\u0301e\u0301", 3) == "e\u0301e\u0301…"  # marks stay on their letter
    assert cut("anything", 0) == ""


@given(st.text(max_size=60), st.integers(min_value=0, max_value=30))
def test_cut_always_fits(text: str, width: int) -> None:
    cleaned = clean(text)
    result = cut(cleaned, width)
    assert cell_width(result) <= width
    assert result == cleaned or result.endswith("…") or width == 0


def test_safe_text_with_a_width_is_cut_and_cleaned() -> None:
    text = safe_text("\x1b]0;x\x07" + "n" * 100, width=12)
    assert text.plain == "^[]0;x^Gnnn…"
    assert fit_text("\u2067evil", 40) == "<U+2067>evil"
