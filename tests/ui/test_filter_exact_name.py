"""Issue 13: `name:=NAME` matches the whole job name (as `org:=` and `status:=` do their fields),
`name:NAME` stays a substring; double quotes keep the spaces of a name."""

from __future__ import annotations

from textual.widgets import Input

from vbotui.filtering import filter_words, parse_filter

from .conftest import AppFactory, loaded, wait_until


def m(text: str, name: str, org: str = "contoso") -> bool:
    return parse_filter(text).matches(name, org, None, True)


def test_name_exact_matches_the_whole_name_only() -> None:
    assert m("name:=Teams", "Teams") and m("name:=teams", "TEAMS")  # case-insensitive
    assert not m("name:=Teams", "Teams backup") and not m("name:=Teams", "Adatum - Teams")
    assert m("name:Teams", "Adatum - Teams")  # without = : a substring, as before
    assert not m("name:=contoso", "Teams", org="contoso")  # the name only, not the organization
    assert m("!name:=Teams", "Teams backup") and not m("!name:=Teams", "Teams")
    index_row = ("teams\ncontoso", "teams", "contoso", "", True)
    assert parse_filter("name:=teams").select([index_row]) == [index_row]  # the list's fast path
    assert parse_filter("name:=team").select([index_row]) == []


def test_quotes_keep_the_spaces_of_a_name() -> None:
    assert filter_words('name:="Adatum - Teams" !status:ok') == ["name:=Adatum - Teams", "!status:ok"]
    assert filter_words('"exchange onl') == ["exchange onl"]  # still being typed
    assert m('name:="Adatum - Teams"', "Adatum - Teams")
    assert not m('name:="Adatum - Teams"', "Adatum - Teams 2")
    assert m('"adatum - t"', "Adatum - Teams")


async def test_name_exact_in_the_list(make_app: AppFactory) -> None:
    app = await make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        names = sorted(job.name for job in screen.jobs.jobs.values())
        target = names[0]
        await pilot.press("slash", *f'name:="{target}"', "enter")
        await wait_until(pilot, lambda: screen.jobs.row_count == names.count(target), "the exact name")
        assert {screen.jobs.jobs[i].name for i in screen.jobs.visible_ids()} == {target}
        box = screen.query_one("#filter", Input)
        box.value = f'name:="{target[:-1]}"'  # all but its last letter: no job has that whole name
        await wait_until(pilot, lambda: screen.jobs.row_count == 0, "no match")
