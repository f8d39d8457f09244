from vbotui.filtering import parse_filter


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
