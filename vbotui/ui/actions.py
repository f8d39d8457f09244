"""The action registry as Textual sees it: every screen's bindings, the help screen, the palette.

The declarations themselves are in `vbotui/keymap.py` (headless, so the config loader can check a
profile's keymap): one `Action` per binding, with its id, default keys, descriptions and scope.

    class RestoreSessionsScreen(Screen[None]):
        BINDINGS = bindings_for("restore-sessions")

`help_sections(keymap)` and `palette_actions(scope, keymap)` read the same declarations under the
active keymap (`active_keymap(app)`), so a remapped key shows in the footer, the help and the palette.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingType
from textual.keys import format_key

from vbotui.keymap import (
    ACTIONS,
    BY_ID,
    SCOPES,
    Action,
    check_keymap,
    effective_key,
    effective_keys,
    sift_keymap,
)

__all__ = [
    "ACTIONS",
    "BY_ID",
    "SCOPES",
    "Action",
    "PaletteAction",
    "active_keymap",
    "bindings_for",
    "check_keymap",
    "effective_key",
    "effective_keys",
    "help_sections",
    "keys_display",
    "palette_actions",
    "sift_keymap",
]


def bindings_for(scope: str) -> list[BindingType]:
    """The bindings of one screen or widget, each with its id: `BINDINGS = bindings_for("main")`."""
    if scope not in SCOPES:
        raise KeyError(f"no such scope: {scope!r}")
    return [
        Binding(
            action.keys,
            action.action,
            action.short,
            show=action.show,
            priority=action.priority,
            tooltip=action.long,
            id=action.id,
        )
        for action in ACTIONS
        if action.scope == scope
    ]


def active_keymap(app: App[object]) -> Mapping[str, str]:
    """The keymap `App.set_keymap` was given (Textual 8 keeps it, normalized, in `App._keymap`)."""
    return app._keymap


_DISPLAY = {
    "escape": "esc",
    "enter": "enter",
    "space": "space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "up",
    "down": "down",
    "left": "left",
    "right": "right",
}


def key_display(key: str) -> str:
    """One key for people: "question_mark" -> "?", "ctrl+r" stays, "escape" -> "esc"."""
    *modifiers, name = key.split("+")
    shown = _DISPLAY.get(name) or format_key(name)
    return "+".join([*modifiers, shown])


def keys_display(binding_id: str, keymap: Mapping[str, str] | None = None) -> str:
    """The keys of `binding_id` under `keymap`, for people: "esc / q"."""
    return " / ".join(key_display(key) for key in effective_keys(binding_id, keymap))


def help_sections(keymap: Mapping[str, str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen: (title, [(keys, what they do)]) per part of the app, in declaration order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for action in ACTIONS:
        sections.setdefault(SCOPES[action.scope], []).append((keys_display(action.id, keymap), action.long))
    return list(sections.items())


@dataclass(frozen=True)
class PaletteAction:
    title: str
    action: str
    """The screen's action, without `action_`: what `MainScreen.run_palette_action` takes."""
    help: str


def palette_actions(scope: str, keymap: Mapping[str, str] | None = None) -> list[PaletteAction]:
    """What the palette offers on a screen: the registry's actions of that scope with a palette title."""
    return [
        PaletteAction(action.palette, action.action, f"{action.long}  ({keys_display(action.id, keymap)})")
        for action in ACTIONS
        if action.scope == scope and action.palette is not None
    ]
