"""A config file nested deeper than the TOML reader can follow is a config error with its path
(the app starts and shows it; a command warns), never a RecursionError traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbotui.config import ProfileFlags, load_config, resolve_profile, save_profile

DEPTH = 1000
NESTED = {
    "arrays": "x = " + "[" * DEPTH + "]" * DEPTH + "\n",
    "inline tables": "x = " + "{a = " * DEPTH + "1" + "}" * DEPTH + "\n",
    "arrays in a profile": '[profiles.prod]\nurl = "https://vbo"\nkeymap = '
    + "[" * DEPTH
    + "]" * DEPTH
    + "\n",
}


@pytest.mark.parametrize("text", NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_is_reported_with_the_path(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    loaded = load_config(path)
    assert loaded.profiles == {}
    [error] = loaded.errors
    assert error.path == path
    assert str(error) == f"{path}: TOML nested too deeply to read (arrays or inline tables inside each other)"


def test_a_profile_is_not_saved_into_a_file_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(NESTED["arrays"])
    flags = ProfileFlags(server="vbo09", user="op")
    profile = resolve_profile(flags, load_config(tmp_path / "none.toml"), {})
    assert save_profile(profile, path) is False
    assert path.read_text() == NESTED["arrays"]
