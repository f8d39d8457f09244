from vbotui.commands.run import strict_filter
from vbotui.filtering import ORG, index_fields, parse_filter


def m(text: str, name: str, org: str = "", status: str | None = None, enabled: bool | None = None) -> bool:
    return parse_filter(text).matches(name, org, status, enabled)


def test_words_match_name_or_organization_case_insensitively() -> None:
    assert m("mail", "Exchange MAILboxes", "contoso")
    assert m("CONTOSO", "Teams", "contoso.onmicrosoft.com")
    assert not m("sharepoint", "Teams", "contoso")


def test_all_terms_must_hold() -> None:
    assert m("contoso teams", "Teams", "contoso")
    assert not m("contoso teams", "Exchange", "contoso")


def test_field_terms() -> None:
    assert m("status:failed", "a", status="Failed")
    assert not m("status:failed", "a", status="Success")
    assert not m("status:failed", "a", status=None)
    assert m("org:contoso", "adatum contoso job", org="contoso.com")
    assert not m("org:contoso", "contoso job", org="adatum")
    assert m("enabled:no", "a", enabled=False)
    assert not m("enabled:no", "a", enabled=True)
    assert m("enabled:yes", "a", enabled=True)
    assert not m("enabled:yes", "a", enabled=None)


def test_negation() -> None:
    assert m("!status:success", "a", status="Failed")
    assert not m("!status:success", "a", status="Success")
    assert not m("!contoso", "x", "contoso")
    assert m("!contoso mail", "Mailboxes", "adatum")


def test_empty_and_odd_input() -> None:
    assert parse_filter("").is_empty
    assert parse_filter("  ! ").is_empty
    assert m("", "anything")
    # an unknown key is an error, not a word that silently matches nothing (issue 13)
    assert parse_filter("foo:bar").errors and not parse_filter("foo:bar").terms
    assert m(":x", "job :x")  # no key: a plain word


def rows_of(*orgs: tuple[str, str]) -> list[tuple[str, str, str, str, bool | None, str]]:
    """One index row per (organization name, organization id), the job named after its organization."""
    return [index_fields(f"{name} job", name, "Success", True, org_id) for name, org_id in orgs]


ORGS = (
    ("contoso", "A1"),
    ("Contoso.onmicrosoft.com", "A2"),
    ("contoso-emea.onmicrosoft.com", "B3"),
    ("adatum", "C4"),
)


def test_a_negated_exact_organization_keeps_every_other_one() -> None:
    rows = rows_of(*ORGS)
    kept = parse_filter("!org:=contoso").select(rows)
    assert [row[ORG] for row in kept] == ["contoso-emea.onmicrosoft.com", "adatum"]
    assert [row[ORG] for row in parse_filter("org:=contoso").select(rows)] == [
        "contoso",
        "contoso.onmicrosoft.com",
    ]
    # `matches` (the one-shot commands' path) gives the same answers, one job at a time.
    assert [m("!org:=contoso", "j", org) for org, _ in ORGS] == [False, False, True, True]
    assert [m("org:=contoso", "j", org) for org, _ in ORGS] == [True, True, False, False]


def test_orgid_matches_the_whole_organization_id_whatever_its_case() -> None:
    rows = rows_of(*ORGS)
    assert [row[ORG] for row in parse_filter("orgid:=b3").select(rows)] == ["contoso-emea.onmicrosoft.com"]
    assert [row[ORG] for row in parse_filter("orgid:B3").select(rows)] == ["contoso-emea.onmicrosoft.com"]
    assert parse_filter("orgid:=b").select(rows) == []  # a part of an id is no id
    assert [row[ORG] for row in parse_filter("!orgid:=A1").select(rows)] == [
        "contoso.onmicrosoft.com",
        "contoso-emea.onmicrosoft.com",
        "adatum",
    ]
    job = parse_filter("orgid:=b3")
    assert job.matches("x", "anything", organization_id="B3")
    assert not job.matches("x", "contoso-emea.onmicrosoft.com", organization_id="A1")
    assert not job.matches("x", "b3", organization_id=None)  # never the name
    assert parse_filter("orgid:").is_empty and parse_filter("orgid:=").is_empty  # still being typed
    assert not parse_filter("orgid:=b3").errors


def test_the_one_shot_filter_takes_orgid() -> None:
    job_filter = strict_filter("orgid:=B3 !status:=failed")
    assert job_filter.matches("x", "", "Success", True, "b3")
    assert not job_filter.matches("x", "", "Success", True, "a1")
