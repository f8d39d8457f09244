"""The action registry: every binding has an id from it, the README lists them, and a keymap shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from vbotui.config import load_config
from vbotui.keymap import ACTIONS, BY_ID, CHAINS, SCOPES, check_keymap, effective_key, split_keys
from vbotui.sim import Simulator
from vbotui.ui.actions import bindings_for, help_sections, palette_actions
from vbotui.ui.app import VboApp
from vbotui.ui.export import ExportDialog
from vbotui.ui.screens.certificate import CertificateScreen
from vbotui.ui.screens.confirm import ConfirmDialog
from vbotui.ui.screens.explore import ExploreDialog, Flag, TypePicker
from vbotui.ui.screens.help import HelpScreen
from vbotui.ui.screens.job_sessions import JobSessionsScreen
from vbotui.ui.screens.main import MainScreen
from vbotui.ui.screens.pulse import PulseScreen
from vbotui.ui.screens.quit_sessions import StopSessionsOnQuit
from vbotui.ui.screens.restore_sessions import RestoreSessionsScreen
from vbotui.ui.screens.session_log import SessionLogScreen
from vbotui.ui.screens.signin import SignInScreen
from vbotui.ui.widgets.footer import KeyFooter
from vbotui.ui.widgets.job_table import JobTable
from vbotui.ui.widgets.status_panel import StatusPanel

from .conftest import AppFactory, loaded, wait_until

README = Path(__file__).parents[2] / "README.md"
BOUND = {
    "app": VboApp,
    "main": MainScreen,
    "jobs": JobTable,
    "restore-sessions": RestoreSessionsScreen,
    "explore": ExploreDialog,
    "explore-type": TypePicker,
    "explore-flag": Flag,
    "confirm": ConfirmDialog,
    "quit-offer": StopSessionsOnQuit,
    "certificate": CertificateScreen,
    "signin": SignInScreen,
    "help": HelpScreen,
    "export": ExportDialog,
    "job-sessions": JobSessionsScreen,
    "session-log": SessionLogScreen,
    "pulse": PulseScreen,
    "status-panel": StatusPanel,
}


def own_bindings(cls: type) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


def test_ids_are_unique_and_every_scope_is_bound_somewhere() -> None:
    assert len(BY_ID) == len(ACTIONS)
    assert set(BOUND) == set(SCOPES) == {a.scope for a in ACTIONS}


PENDING: dict[str, str] = {}


@pytest.mark.parametrize(
    "scope",
    [
        pytest.param(s, marks=pytest.mark.xfail(reason=PENDING[s])) if s in PENDING else s
        for s in sorted(BOUND)
    ],
)
def test_every_binding_of_every_screen_comes_from_the_registry(scope: str) -> None:
    bindings = own_bindings(BOUND[scope])
    assert bindings, f"{BOUND[scope].__name__} declares no bindings"
    assert all(b.id in BY_ID for b in bindings), [b.key for b in bindings if b.id not in BY_ID]
    declared = {(b.id, b.key, b.action, b.show, b.priority) for b in bindings}
    registry = {
        (b.id, b.key, b.action, b.show, b.priority) for b in bindings_for(scope) if isinstance(b, Binding)
    }
    assert declared == registry


# Which scopes are live together, written out here rather than read from the registry's CHAINS:
# a test that loops over the table it checks cannot see that table go wrong.
TOGETHER = {"jobs": {"main"}, "main": {"jobs"}, "explore-type": {"explore"}, "explore-flag": {"explore"}}
APP_KEYS = ("ctrl+q", "ctrl+p", "ctrl+c")  # quit-now, Textual's command palette, Textual's copy


def test_no_two_actions_share_a_default_key_where_both_are_live() -> None:
    for scope in SCOPES:
        live = {scope, "app", *TOGETHER.get(scope, ())}
        owners: dict[str, str] = {}
        for action in (a for a in ACTIONS if a.scope in live):
            for key in split_keys(action.keys):
                assert owners.setdefault(key, action.id) == action.id, (scope, key, owners[key], action.id)
    assert check_keymap({}) == []


@pytest.mark.parametrize("key", APP_KEYS)
def test_a_remap_onto_a_key_every_screen_has_is_a_clash(key: str) -> None:
    for action in ACTIONS:
        if action.scope == "app":
            continue
        problems = check_keymap({action.id: key})
        assert len(problems) == 1, (action.id, key, problems)
        assert f"{action.id} = '{key}' clashes with" in problems[0], problems[0]
        assert f"{action.id} stays on" in problems[0]


def test_every_scope_is_checked_with_the_apps_keys() -> None:
    for scope in SCOPES:
        if scope != "app":
            assert any(scope in chain and "app" in chain for chain in CHAINS), scope


def test_keymap_problems_are_named() -> None:
    assert check_keymap({"start": "t", "help": "?", "restore-sessions.stop": "z"}) == []
    problems = check_keymap({"bogus": "z", "start": "x", "stop": "", "refresh": "ctrl+pageup"})
    assert problems[0].startswith("unknown binding id 'bogus'")
    assert "stop = '' names no key" in problems[1]
    assert "start = 'x' clashes with stop (x)" in problems[2] and "start stays on s" in problems[2]
    assert "refresh = 'ctrl+pageup' clashes with the list's own keys" in problems[3]
    assert check_keymap({"start": "x", "stop": "s"}) == []  # a swap is no clash
    # A key means different things on different screens: no clash across them.
    assert check_keymap({"restore-sessions.stop": "d"}) == []
    assert effective_key("start", {"start": "t"}) == "t" and effective_key("help") == "question_mark"


def test_the_config_reports_keymap_problems_with_its_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.lab]\nurl = "https://vbo01"\n\n'
        '[profiles.lab.keymap]\nstart = "t"\nbogus = "z"\nenable = "x"\n'
    )
    loaded = load_config(path)
    messages = [str(error) for error in loaded.errors]
    assert messages[0] == (
        f"{path}:6: profile 'lab': keymap: unknown binding id 'bogus' "
        "(the ids are listed in the README's Keys section)"
    )
    assert messages[1].startswith(f"{path}:7: profile 'lab': keymap: enable = 'x' clashes with stop (x)")
    assert dict(loaded.profiles["lab"].keymap) == {"start": "t"}  # the rest still applies


def test_help_and_palette_show_the_active_keys() -> None:
    rows = dict(row for _, section in help_sections({"start": "t"}) for row in section)
    assert rows["t"].startswith("start the marked jobs")
    titles = {p.title: p for p in palette_actions("main", {"start": "t"})}
    assert titles["Start"].help.endswith("(t)") and titles["Start"].action == "start"


def test_readme_keys_table_lists_every_binding_id() -> None:
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z.-]+)` \| (.+?) \| (.+?) \|$", text, re.M)
    listed = {binding_id: keys for binding_id, keys, _ in rows}
    assert list(listed) == [a.id for a in ACTIONS], "README's binding id table and the registry differ"
    for binding_id, keys in listed.items():
        assert keys == " ".join(f"`{k}`" for k in BY_ID[binding_id].keys.split(",")), binding_id


async def test_a_keymap_moves_start_to_t_in_the_footer_the_help_and_the_keys(
    make_app: AppFactory, sim: Simulator
) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        app.set_keymap({"start": "t"})  # what attach() does with a profile's [profiles.X.keymap]
        await pilot.pause()
        keys = {k.description: k.key_display for k in screen.query_one(KeyFooter).entries}
        assert keys["Start"] == "t"
        job_id = next(
            j.id
            for j in sorted(sim.jobs.values(), key=lambda j: j.name.lower())
            if j.is_enabled and j.running_session_id is None
        )
        screen.go_to_job(job_id)
        await pilot.press("s", "question_mark")  # no longer start
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the key after `s` handled")
        # A start would be claimed (in flight) from the key's handler on, and recorded by the server
        # from its arrival on: with `?` handled after `s`, neither means `s` started nothing.
        assert not screen.ops.jobs.in_flight
        assert not [r for r in sim.requests if r.method == "POST" and r.path.lower().endswith("/start")]
        help_text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert re.search(r"\bt\s+start the marked jobs", help_text)
        await pilot.press("escape", "t")
        await wait_until(pilot, lambda: sim.jobs[job_id].running_session_id is not None, "started by t")


class OneQuestion(App[None]):
    CSS_PATH = Path(__file__).parents[2] / "vbotui" / "ui" / "app.tcss"

    def compose(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        names = ["x" * 400 + str(n) for n in range(12)]
        self.push_screen(ConfirmDialog("Stop " + "y" * 300 + "?", names, note="z " * 200, yes="Yes, stop"))


async def test_the_buttons_stay_on_screen_whatever_the_names() -> None:
    app = OneQuestion()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for button in app.screen.query(Button):
            assert button.region.height > 0 and button.region.bottom <= 24, button.id
        assert app.focused is not None and app.focused.id == "no"
        await pilot.press("y")
        assert not isinstance(app.screen, ConfirmDialog)
