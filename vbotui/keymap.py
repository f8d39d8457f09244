"""Every key binding of the app, declared once, and the check of a profile's keymap.

Headless (no Textual import), so that `config.py` can check `[profiles.NAME.keymap]` while it loads
the file and report problems with the file's path and line. `vbotui/ui/actions.py` turns these
declarations into Textual bindings, the help screen and the palette.

Keys are written as Textual names ("question_mark", "ctrl+r", "escape"), several separated by commas.
A binding id is unique across the app; ids of keys that mean different things on different screens
are scoped: `restore-sessions.stop`, `explore.send`, `quit-offer.stop`...
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """One binding: its id, default keys, what it does and where it applies."""

    id: str
    keys: str
    """The default keys (Textual names, comma-separated). Scripts drive them: keep them."""
    action: str
    """The Textual action it runs, e.g. "start", "answer(True)", "app.command_palette"."""
    scope: str
    """Where it is bound: a screen or widget (see SCOPES)."""
    short: str
    """The footer's word."""
    long: str
    """What it does, for the help screen and the palette."""
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    """Handled before the focused widget sees the key."""
    palette: str | None = None
    """The palette's title for it, or None when the palette does not offer it."""
    rank: int = 50
    """Its place in the footer: lowest first; a narrow footer keeps the lowest ranks that fit (rank
    0, the help key, always). Tied to the id, not the key, so a remapped key keeps its place."""


SCOPES: dict[str, str] = {
    "app": "Anywhere",
    "main": "Job list",
    "jobs": "Job list",
    "restore-sessions": "Restore sessions screen",
    "explore": "Explore dialog",
    "explore-type": "Explore dialog",
    "explore-flag": "Explore dialog",
    "confirm": "Yes/no questions",
    "quit-offer": "Quit with restore sessions still working",
    "certificate": "Certificate prompt",
    "signin": "Sign-in screen",
    "help": "This help",
    "export": "Export dialog",
    "job-sessions": "Job sessions screen",
    "session-log": "Session log screen",
    "pulse": "Pulse screen",
    "status-panel": "Status panel (Tab moves the focus there)",
}
"""Every scope and the title of its part of the help screen."""

_ANY_JOBS = "the marked jobs, else the one under the cursor"

ACTIONS: tuple[Action, ...] = (
    # The job list (MainScreen, its JobTable, and the app).
    Action("arrow-down", "down", "cursor_down", "jobs", "Down", "move down in the job list", show=False),
    Action("arrow-up", "up", "cursor_up", "jobs", "Up", "move up in the job list", show=False),
    Action("cursor-down", "j", "cursor_down", "jobs", "Down", "move down in the job list", show=False),
    Action("cursor-up", "k", "cursor_up", "jobs", "Up", "move up in the job list", show=False),
    Action("first-job", "g,home", "scroll_top", "jobs", "First job", "first job", show=False),
    Action("last-job", "G,end", "scroll_bottom", "jobs", "Last job", "last job", show=False),
    Action("page-down", "pagedown", "page_down", "jobs", "Page down", "a page down", show=False),
    Action("page-up", "pageup", "page_up", "jobs", "Page up", "a page up", show=False),
    Action(
        "next-date-column",
        "right",
        "date_column(1)",
        "jobs",
        "Next date",
        "below 110 columns: show the next date column (last run, next run, last backup)",
        show=False,
    ),
    Action(
        "previous-date-column",
        "left",
        "date_column(-1)",
        "jobs",
        "Previous date",
        "below 110 columns: show the previous date column",
        show=False,
    ),
    Action(
        "filter",
        "slash",
        "filter",
        "main",
        "Filter",
        "filter: words match name or organization; status:failed, org:contoso, enabled:no; "
        "a leading ! negates; enter keeps, esc clears",
        priority=True,
        palette="Filter",
        rank=2,
    ),
    Action(
        "clear-filter",
        "escape",
        "clear_filter",
        "main",
        "Clear filter",
        "clear the filter: every job",
        show=False,
        palette="Clear filter",
    ),
    Action(
        "mark",
        "space",
        "mark",
        "main",
        "Mark",
        "mark / unmark the job under the cursor, then move down",
        rank=9,
    ),
    Action(
        "mark-shown",
        "asterisk",
        "mark_shown",
        "main",
        "Mark shown",
        "mark every job the filter shows; again to unmark them",
        show=False,
        palette="Mark / unmark shown jobs",
    ),
    Action(
        "start",
        "s",
        "start",
        "main",
        "Start",
        f"start {_ANY_JOBS} (asks first for more than one or a job not under the cursor)",
        palette="Start",
        rank=4,
    ),
    Action("stop", "x", "stop", "main", "Stop", f"stop {_ANY_JOBS} (asks first)", palette="Stop", rank=5),
    Action(
        "enable",
        "e",
        "enable",
        "main",
        "Enable",
        f"enable {_ANY_JOBS} (asks first for more than one or a job not under the cursor)",
        palette="Enable",
        rank=10,
    ),
    Action(
        "disable",
        "d",
        "disable",
        "main",
        "Disable",
        f"disable {_ANY_JOBS} (asks first)",
        palette="Disable",
        rank=11,
    ),
    Action(
        "explore",
        "o",
        "explore",
        "main",
        "Explore",
        "explore: open a restore session for the job under the cursor",
        palette="Explore",
        rank=12,
    ),
    Action(
        "restore-sessions",
        "R",
        "restore_sessions",
        "main",
        "Restores",
        "restore sessions: the server's list, to stop one",
        palette="Restore sessions",
        rank=8,
    ),
    Action(
        "sessions",
        "enter",
        "sessions",
        "main",
        "Sessions",
        "the job's sessions (enter on a session: its log)",
        palette="Job sessions",
        rank=3,
    ),
    Action(
        "start-full",
        "S",
        "start_full",
        "main",
        "Full",
        f"start full: an active full backup of {_ANY_JOBS} (API v6+; asks first)",
        palette="Start full",
        rank=6,
    ),
    Action(
        "pulse",
        "p",
        "pulse",
        "main",
        "Pulse",
        "pulse: server version, health, proxies, repositories, licence, jobs by status per organization",
        palette="Pulse",
        rank=7,
    ),
    Action(
        "sort-next",
        "greater_than_sign",
        "sort_next",
        "main",
        "Sort",
        "sort by the next column",
        show=False,
        palette="Sort by next column",
    ),
    Action(
        "sort-reverse",
        "less_than_sign",
        "sort_reverse",
        "main",
        "Reverse sort",
        "reverse the sort order",
        show=False,
        palette="Reverse sort",
    ),
    Action(
        "refresh",
        "ctrl+r",
        "refresh_now",
        "main",
        "Refresh",
        "refresh now (jobs and organizations)",
        palette="Refresh now",
        rank=13,
    ),
    Action("help", "question_mark", "help", "main", "Help", "this help: every key", palette="Help", rank=0),
    Action(
        "palette",
        "colon",
        "palette",
        "main",
        "Palette",
        "command palette (ctrl+p too): every action, and a jump to a job by name",
        show=False,
        # Priority, as for "/": the palette opens the moment ":" arrives, so that what is typed
        # right after it (in the same read) goes to the palette, not to the job list.
        priority=True,
    ),
    Action(
        "quit",
        "q",
        "quit_app",
        "main",
        "Quit",
        "quit (offers to stop restore sessions started here that still work)",
        palette="Quit",
        rank=1,
    ),
    Action("quit-now", "ctrl+q", "quit", "app", "Quit", "quit, from any screen", show=False, priority=True),
    Action(
        "copy-id",
        "c",
        "copy_id",
        "main",
        "Copy id",
        "send the id of the job under the cursor to the terminal's clipboard "
        "(OSC 52; in tmux: set-clipboard on)",
        show=False,
        palette="Copy job id",
    ),
    Action(
        "export",
        "w",
        "export",
        "main",
        "Export",
        "write the jobs the filter shows to a CSV or JSON file (the fields of vbotui jobs --output)",
        show=False,
        palette="Export shown jobs (CSV or JSON)",
    ),
    # The restore sessions screen (R).
    Action(
        "restore-sessions.help",
        "question_mark",
        "help",
        "restore-sessions",
        "Help",
        "this help: every key",
        rank=0,
    ),
    Action(
        "restore-sessions.stop",
        "x",
        "stop_session",
        "restore-sessions",
        "Stop session",
        "stop the restore session under the cursor (asks first)",
        rank=2,
    ),
    Action(
        "restore-sessions.refresh",
        "ctrl+r",
        "refresh",
        "restore-sessions",
        "Refresh",
        "refresh the restore sessions now",
        rank=3,
    ),
    Action(
        "restore-sessions.back",
        "escape,q",
        "back",
        "restore-sessions",
        "Back",
        "back to the job list",
        rank=1,
    ),
    Action("restore-sessions.down", "j", "cursor(1)", "restore-sessions", "Down", "move down", show=False),
    Action("restore-sessions.up", "k", "cursor(-1)", "restore-sessions", "Up", "move up", show=False),
    Action(
        "restore-sessions.first",
        "g,home",
        "first",
        "restore-sessions",
        "First",
        "the first session",
        show=False,
        priority=True,  # before the table's own home (a sideways scroll)
    ),
    Action(
        "restore-sessions.last",
        "G,end",
        "last",
        "restore-sessions",
        "Last",
        "the last session",
        show=False,
        priority=True,
    ),
    # The job sessions screen (enter on a job).
    Action("sessions.help", "question_mark", "help", "job-sessions", "Help", "this help: every key", rank=0),
    Action(
        "sessions.log",
        "enter",
        "open_log",
        "job-sessions",
        "Log",
        "the log of the session under the cursor",
        priority=True,
        rank=2,
    ),
    Action(
        "sessions.refresh", "ctrl+r", "refresh", "job-sessions", "Refresh", "refresh the sessions now", rank=3
    ),
    Action("sessions.back", "escape,q", "back", "job-sessions", "Back", "back to the job list", rank=1),
    Action(
        "sessions.first",
        "g,home",
        "first",
        "job-sessions",
        "Newest",
        "the newest session",
        show=False,
        priority=True,  # before the table's own home (a sideways scroll)
    ),
    Action(
        "sessions.oldest",
        "G,end",
        "oldest",
        "job-sessions",
        "Oldest",
        "the oldest session (older pages are read on the way, the status line counts them)",
        show=False,
        priority=True,
    ),
    # The session log screen (enter on a session).
    Action(
        "session-log.help", "question_mark", "help", "session-log", "Help", "this help: every key", rank=0
    ),
    Action(
        "session-log.search",
        "slash",
        "search",
        "session-log",
        "Search",
        "search the log: matches highlighted; enter keeps the search, esc clears it",
        priority=True,
        rank=2,
    ),
    Action("session-log.next", "n", "next_match", "session-log", "Next", "the next match", rank=3),
    Action(
        "session-log.previous", "N", "previous_match", "session-log", "Previous", "the previous match", rank=4
    ),
    Action(
        "session-log.follow",
        "G,end",
        "follow",
        "session-log",
        "Follow",
        "go to the end and follow it while the session runs (scrolling up stops following)",
        rank=5,
    ),
    Action(
        "session-log.tab",
        "o",
        "next_tab",
        "session-log",
        "Objects",
        "switch between the log and the processed objects (API v7+)",
        rank=6,
    ),
    Action(
        "session-log.refresh",
        "ctrl+r",
        "refresh",
        "session-log",
        "Refresh",
        "read the log again now",
        show=False,
    ),
    Action("session-log.back", "escape,q", "back", "session-log", "Back", "back to the sessions", rank=1),
    # The pulse screen (p).
    Action("pulse.help", "question_mark", "help", "pulse", "Help", "this help: every key", rank=0),
    Action(
        "pulse.open",
        "enter",
        "open_figure",
        "pulse",
        "Show jobs",
        "show exactly the jobs behind the figure under the cursor in the job list",
        priority=True,
        rank=2,
    ),
    Action(
        "pulse.refresh", "ctrl+r", "refresh", "pulse", "Refresh", "read the server's pulse again now", rank=3
    ),
    Action("pulse.back", "escape,q", "back", "pulse", "Back", "back to the job list", rank=1),
    # The explore dialog (o), its type buttons and its check boxes.
    Action("explore.send", "enter", "explore", "explore", "Explore", "start the restore session"),
    Action("explore.close", "escape", "close", "explore", "Close", "close the dialog"),
    Action(
        "explore.next-type",
        "down,right",
        "choose_next",
        "explore-type",
        "Next type",
        "on the types: choose the next one",
        show=False,
    ),
    Action(
        "explore.previous-type",
        "up,left",
        "choose_previous",
        "explore-type",
        "Previous type",
        "on the types: choose the previous one",
        show=False,
    ),
    Action(
        "explore.choose-type",
        "space",
        "toggle_button",
        "explore-type",
        "Choose",
        "on the types: choose the one under the cursor",
        show=False,
    ),
    Action(
        "explore.toggle",
        "space",
        "toggle_button",
        "explore-flag",
        "Toggle",
        "on a check box: tick / untick it",
        show=False,
    ),
    # Every yes/no question: stop, disable, bulk actions, stopping a restore session.
    Action("confirm.yes", "y", "answer(True)", "confirm", "Yes", "yes, do it"),
    Action("confirm.no", "n", "answer(False)", "confirm", "No", "no (the default: enter on the focused No)"),
    Action("confirm.cancel", "escape", "answer(False)", "confirm", "Cancel", "no"),
    # The quit offer: restore sessions started from this app still working.
    Action(
        "quit-offer.stop", "y", "answer('stop')", "quit-offer", "Stop them and quit", "stop them, then quit"
    ),
    Action(
        "quit-offer.keep",
        "k,q",
        "answer('keep')",
        "quit-offer",
        "Quit, keep them",
        "quit and keep them (a second quit key too)",
    ),
    Action(
        "quit-offer.stay",
        "n,escape",
        "answer(None)",
        "quit-offer",
        "Stay",
        "stay in vbotui (the default: enter on the focused Stay)",
    ),
    # Signing in.
    Action(
        "certificate.trust",
        "y",
        "trust",
        "certificate",
        "Trust",
        "trust and pin a new certificate",
        show=False,
    ),
    Action("certificate.refuse", "n,escape", "refuse", "certificate", "No", "refuse it", show=False),
    Action("signin.back", "escape", "cancel", "signin", "Back", "back", show=False),
    Action(
        "signin.retry",
        "ctrl+r",
        "retry",
        "signin",
        "Retry now",
        "try an unreachable server now instead of waiting for the countdown",
    ),
    Action(
        "status-panel.newest",
        "end",
        "scroll_end",
        "status-panel",
        "Newest",
        "the newest line, followed from then on (up/down, PgUp/PgDn and Home read back)",
        show=False,
    ),
    Action("help.close", "escape,q,question_mark", "close", "help", "Close", "close this help"),
    Action(
        "export.cancel", "escape", "cancel", "export", "Cancel", "close the export dialog, nothing written"
    ),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

SCREEN_CHAINS: tuple[tuple[str, ...], ...] = (
    ("jobs", "main"),
    ("status-panel", "main"),
    ("restore-sessions",),
    ("job-sessions",),
    ("session-log",),
    ("pulse",),
    ("explore", "explore-type"),
    ("explore", "explore-flag"),
    ("confirm",),
    ("quit-offer",),
    ("certificate",),
    ("signin",),
    ("help",),
    ("export",),
)
"""Scopes of one screen whose bindings are live at the same time, the app's scope apart."""


def live_chains() -> tuple[tuple[str, ...], ...]:
    """Every set of scopes live at once: each screen's chain and the app's scope, which is live on
    every screen (added here, not listed per chain, so that no chain can forget it); a scope no
    chain names is a chain of its own."""
    named = {scope for chain in SCREEN_CHAINS for scope in chain}
    alone = tuple((scope,) for scope in SCOPES if scope != "app" and scope not in named)
    return tuple((*chain, "app") for chain in (*SCREEN_CHAINS, *alone))


CHAINS: tuple[tuple[str, ...], ...] = live_chains()
"""Scopes whose bindings are live at the same time: one key must not mean two actions in one chain."""

_TEXTUAL_APP = {"ctrl+p": "Textual's command palette", "ctrl+c": "Textual's copy"}
_TEXTUAL_TABLE = {
    key: "the table's own keys"
    for key in (
        "enter",
        "up",
        "down",
        "left",
        "right",
        "pageup",
        "pagedown",
        "home",
        "end",
        "ctrl+home",
        "ctrl+end",
    )
}
_TEXTUAL_SCROLL = {key: "the list's own keys" for key in ("ctrl+pageup", "ctrl+pagedown")}
RESERVED: dict[str, dict[str, str]] = {
    "app": _TEXTUAL_APP,
    "jobs": _TEXTUAL_SCROLL,
    "restore-sessions": {key: what for key, what in _TEXTUAL_TABLE.items() if key not in ("home", "end")},
    # Enter is ours there (a priority binding); the table's other keys stay the table's.
    "job-sessions": {
        key: what for key, what in _TEXTUAL_TABLE.items() if key not in ("enter", "home", "end")
    },
    "pulse": {key: what for key, what in _TEXTUAL_TABLE.items() if key != "enter"},
}
"""Keys that Textual itself binds in a scope (not remappable here); a remap onto one is a clash."""

_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def normalize_key(key: str) -> str:
    """A key as Textual names it: "?" -> "question_mark", "/" -> "slash" (as `App.set_keymap` does)."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def split_keys(keys: str) -> tuple[str, ...]:
    """ "escape, q" -> ("escape", "q"), each normalized."""
    return tuple(normalize_key(key) for key in keys.split(",") if key.strip())


def effective_keys(binding_id: str, keymap: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The keys of `binding_id` under `keymap` (its default keys when the keymap leaves it alone)."""
    remapped = (keymap or {}).get(binding_id)
    keys = split_keys(remapped) if remapped else ()
    return keys or split_keys(BY_ID[binding_id].keys)


def effective_key(binding_id: str, keymap: Mapping[str, str] | None = None) -> str:
    """`effective_keys` as Textual writes them: "escape,q"."""
    return ",".join(effective_keys(binding_id, keymap))


@dataclass(frozen=True)
class KeymapProblem:
    binding_id: str
    message: str


def sift_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[KeymapProblem]]:
    """The usable part of a profile's keymap, and what is wrong with the rest.

    An unknown id, an empty key and a remap that clashes (two actions on one key where both are
    live, including a remap onto another action's default key or onto a key Textual binds) are
    problems; a clashing remap is dropped, so that its action keeps its default key rather than one
    of the two actions silently losing its key.
    """
    problems: list[KeymapProblem] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in BY_ID:
            problems.append(
                KeymapProblem(
                    binding_id,
                    f"unknown binding id {binding_id!r} (the ids are listed in the README's Keys section)",
                )
            )
        elif not split_keys(keys):
            problems.append(KeymapProblem(binding_id, f"{binding_id} = {keys!r} names no key"))
        else:
            usable[binding_id] = keys
    reported: set[str] = set()
    while True:
        clash = _first_clash(usable)
        if clash is None:
            return usable, problems
        binding_id, message = clash
        usable.pop(binding_id)
        if binding_id not in reported:
            reported.add(binding_id)
            default = ",".join(split_keys(BY_ID[binding_id].keys))
            problems.append(KeymapProblem(binding_id, f"{message}: ignored, {binding_id} stays on {default}"))


def check_keymap(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with a profile's keymap, in words (empty when nothing is)."""
    return [problem.message for problem in sift_keymap(keymap)[1]]


def _first_clash(keymap: Mapping[str, str]) -> tuple[str, str] | None:
    """A remapped id whose key is taken where it is live, and what takes it."""
    for chain in CHAINS:
        owners: dict[str, str] = {}
        for scope in chain:
            for key, what in RESERVED.get(scope, {}).items():
                owners.setdefault(key, what)
        # Actions the keymap leaves alone first, so that the remap is the one reported.
        live = [action for action in ACTIONS if action.scope in chain]
        live.sort(key=lambda action: action.id in keymap)
        for action in live:
            for key in effective_keys(action.id, keymap):
                owner = owners.get(key)
                if owner is None:
                    owners[key] = action.id
                elif action.id in keymap and owner != action.id:
                    taken = owner
                    if owner in BY_ID:
                        taken = f"{owner} ({','.join(effective_keys(owner, keymap))})"
                    return action.id, f"{action.id} = {key!r} clashes with {taken} ({SCOPES[action.scope]})"
    return None
