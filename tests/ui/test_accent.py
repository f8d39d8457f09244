"""Issue 13: a per-profile accent colour (`accent = "red"`) colours the header's profile badge; the
badge keeps its text and reverse video, so it reads in 16 colours and with NO_COLOR too."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text

from .conftest import AppFactory, loaded


def badge_style(header: Text) -> Style:
    [span] = [span for span in header.spans if span.start == 0]
    style = span.style
    return style if isinstance(style, Style) else Style.parse(style)


async def header_of(make_app: AppFactory, **options: object) -> Text:
    app = await make_app(**options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        header = screen._header_text  # the Rich text the header Static was given
        assert header is not None
        return header.copy()


async def test_the_accent_colours_the_profile_badge(make_app: AppFactory) -> None:
    header = await header_of(make_app, accent="red")
    assert header.plain.startswith(" sim.test ")
    style = badge_style(header)
    assert style.bold and style.reverse and style.color is not None and style.color.name == "red"


async def test_without_an_accent_the_badge_is_plain_reverse(make_app: AppFactory) -> None:
    style = badge_style(await header_of(make_app))
    assert style.bold and style.reverse and style.color is None


async def test_the_badge_reads_in_sixteen_colours_and_no_color(make_app: AppFactory) -> None:
    header = await header_of(make_app, accent="red", ansi=True)
    # red is one of the 16 (standard colour 1): no nearest-colour guess in 16 colours
    style = badge_style(header)
    assert style.color is not None and style.color.number == 1
    # NO_COLOR: the colour goes; reverse video (SGR 7) and the profile's name stay
    console = Console(no_color=True, force_terminal=True, color_system="standard", width=120)
    with console.capture() as capture:
        console.print(header)
    painted = capture.get()
    assert "\x1b[1;7m sim.test " in painted and "31" not in painted.split("sim.test")[0]
