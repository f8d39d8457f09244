"""The `/` filter's grammar word by word: a word it skips does not end the filter, the errors it
shows, whole-value terms, organization ids, and which terms the list highlights."""

from __future__ import annotations

import pytest

from vbotui.filtering import Term, highlight_words, index_fields, parse_filter

ORG_ID = "5f2b4c7e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("skipped", ["!", "bogus:x", "name:", "status:=", "enabled:maybe"])
def test_a_word_that_is_skipped_leaves_the_words_after_it(skipped: str) -> None:
    assert parse_filter(f"{skipped} teams !failed").terms == (
        Term(None, "teams"),
        Term(None, "failed", negated=True),
    )


def test_the_errors_say_what_is_wrong_in_words() -> None:
    assert parse_filter("Bogus:x enabled:maybe").errors == (
        "unknown key Bogus: (the keys are status, org, enabled, name, orgid)",
        "enabled:maybe: enabled is yes or no",
    )


def test_a_value_may_hold_a_colon() -> None:
    assert parse_filter("name:backup:daily").terms == (Term("name", "backup:daily"),)


def test_a_one_letter_whole_value_is_whole() -> None:
    assert parse_filter("name:=a").terms == (Term("name", "a", exact=True),)


def test_a_whole_status_is_not_a_part_of_one() -> None:
    assert parse_filter("status:=failed").matches("Job", "Org", status="Failed")
    assert not parse_filter("status:=fail").matches("Job", "Org", status="Failed")
    assert parse_filter("status:fail").matches("Job", "Org", status="Failed")


def test_an_organization_id_is_matched_whole_with_or_without_the_equals_sign() -> None:
    for typed in (f"orgid:{ORG_ID.upper()}", f"orgid:={ORG_ID}"):
        job_filter = parse_filter(typed)
        assert job_filter.terms == (Term("orgid", ORG_ID, exact=True),)
        row = index_fields("Job", "Org", "Success", True, ORG_ID + "0")  # a longer id that holds it
        assert job_filter.select([row]) == []
        assert not job_filter.matches("Job", "Org", organization_id=ORG_ID + "0")
        assert job_filter.matches("Job", "Org", organization_id=ORG_ID)


def test_a_job_without_an_organization_id_matches_no_orgid_term() -> None:
    job_filter = parse_filter("orgid:XXXX")
    assert not job_filter.matches("Job", "Org")
    assert not job_filter.matches("Job", "Org", organization_id=None)
    assert not job_filter.terms[0].matches("Job", "Org", "", None)
    assert job_filter.select([index_fields("Job", "Org", None, None, None)]) == []


def test_only_words_and_name_and_org_terms_are_highlighted() -> None:
    job_filter = parse_filter("exch !teams name:Mail org:Contoso status:failed enabled:yes !org:x")
    assert highlight_words(job_filter) == ((None, "exch"), ("name", "mail"), ("org", "contoso"))


def test_a_job_without_an_organization_matches_a_word_by_its_name_alone() -> None:
    assert parse_filter("xx").matches("Exchange") is False
    assert parse_filter("ex").matches("Exchange") is True
