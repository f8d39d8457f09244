from vbotui.ui.safe_text import clean, safe_text


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
