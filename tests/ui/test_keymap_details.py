"""The keymap registry's small rules, each as a user meets it: the key names a profile may write,
the chains of scopes that are live together, and the words of a clash."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbotui import keymap
from vbotui.config import load_config
from vbotui.keymap import check_keymap, effective_key, live_chains, normalize_key, sift_keymap, split_keys


@pytest.mark.parametrize(
    ("written", "textual_name"),
    [
        ("?", "question_mark"),  # a two-word Unicode name: its space becomes "_"
        ("/", "slash"),  # Textual's own name, not Unicode's "solidus"
        ("\\", "backslash"),
        ("-", "minus"),  # "HYPHEN-MINUS": its "-" becomes "_" before the replacement
        ("+", "plus"),
        ("@", "at"),
        ("_", "underscore"),
        ("!", "exclamation_mark"),
        (" ? ", "question_mark"),
        ("q", "q"),
        ("G", "G"),
        ("f5", "f5"),
        ("ctrl+q", "ctrl+q"),
    ],
)
def test_a_key_is_named_as_textual_names_it(written: str, textual_name: str) -> None:
    assert normalize_key(written) == textual_name


def test_a_character_without_a_unicode_name_stays_as_written() -> None:
    assert normalize_key("\x01") == "\x01"


def test_a_list_of_keys_is_split_at_commas() -> None:
    assert split_keys("escape,q") == ("escape", "q")
    assert split_keys(" escape , ? ,, ") == ("escape", "question_mark")
    assert split_keys(" , ") == ()


def test_the_effective_keys_are_written_as_textual_reads_them() -> None:
    assert effective_key("first-job") == "g,home"
    assert effective_key("first-job", {"first-job": "?, x"}) == "question_mark,x"


def test_every_screens_chain_has_the_apps_scope_once_at_its_end() -> None:
    chains = live_chains()
    assert ("jobs", "main", "app") in chains
    assert ("status-panel", "main", "app") in chains
    assert ("explore", "explore-type", "app") in chains
    assert ("help", "app") in chains
    assert all(chain[-1] == "app" and chain.count("app") == 1 for chain in chains), chains
    # Each scope is live with the app's keys, and no chain is a scope alone with itself.
    assert {scope for chain in chains for scope in chain} == set(keymap.SCOPES)
    assert len(chains) == len(set(chains)) == len(keymap.SCREEN_CHAINS)


def test_a_scope_no_screen_chain_names_is_checked_alone_with_the_apps_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(keymap.SCOPES, "new-dialog", "New dialog")
    chains = live_chains()
    assert chains[-1] == ("new-dialog", "app")
    assert len(chains) == len(keymap.SCREEN_CHAINS) + 1


def test_a_clash_names_the_owners_keys_as_the_keymap_leaves_them() -> None:
    # The owner keeps its default keys (two of them, written as Textual reads them) ...
    [message] = check_keymap({"last-job": "g"})
    assert message == (
        "last-job = 'g' clashes with first-job (g,home) (Job list): ignored, last-job stays on G,end"
    )
    # ... or has been remapped itself: the message names its keys under the keymap.
    [message] = check_keymap({"first-job": "f9,f10", "last-job": "f10"})
    assert message.startswith("last-job = 'f10' clashes with first-job (f9,f10) (Job list): ignored")


def test_a_clashing_remap_is_dropped_and_reported_once() -> None:
    usable, problems = sift_keymap({"first-job": "f9", "last-job": "f9", "page-down": "f9"})
    assert usable == {"first-job": "f9"}
    assert [problem.binding_id for problem in problems] == ["last-job", "page-down"]


def test_a_keymap_entry_that_names_no_key_is_reported_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.lab]\nurl = "https://vbo01"\n\n[profiles.lab.keymap]\nstart = "t"\nstop = " , "\n'
    )
    loaded = load_config(path)
    assert [str(error) for error in loaded.errors] == [
        f"{path}:6: profile 'lab': keymap: stop = ' , ' names no key"
    ]
    assert dict(loaded.profiles["lab"].keymap) == {"start": "t"}
