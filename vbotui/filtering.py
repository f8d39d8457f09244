"""The `/` filter grammar of the job list (no Textual here).

Terms are separated by spaces and all must hold (AND):

- a word matches the job name or the organization name (case-insensitive substring);
- `status:failed` matches the last status (substring), `org:contoso` the organization name,
  `enabled:yes|no` the enabled flag, `name:x` only the job name;
- a leading `!` negates a term (`!status:success`, `!contoso`);
- `=` after the colon matches the whole value, not a substring: `org:=contoso` (or
  `org:=contoso.onmicrosoft.com`) but not contoso-emea, `name:=Teams`, `status:=failed` (the
  pulse's shortcuts into the list use it);
- `orgid:=UUID` matches the organization's id, whole (case-insensitive; `orgid:UUID` is the same):
  the pulse's shortcuts use it, as a name may hold spaces and quotes or be shared;
- double quotes keep spaces in a term: `name:="Adatum - Teams"`, `"exchange online"`;
- an unknown key (`foo:bar`) or an `enabled:` that is not yes/no is an error (`JobFilter.errors`):
  the list shows it and filters nothing, rather than silently matching nothing; a key still being
  typed (`status:`) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off"}
FIELDS = ("status", "org", "enabled", "name", "orgid")
EXACT_FIELDS = ("name", "org", "status", "orgid")
ORG_SUFFIX = ".onmicrosoft.com"  # `org:=contoso` is the tenant the list shows as contoso

# The index a list filters over: plain tuples whose first six items are these (a caller may add
# more after them). `hay` is "name\norg": a term's value never holds whitespace, so one `in`
# on it is "in the name or in the organization".
HAY, NAME, ORG, STATUS, ENABLED, ORG_ID = range(6)
INDEX_FIELDS = 6
Row = TypeVar("Row", bound=tuple[Any, ...])


def index_fields(
    name: str, organization: str, status: str | None, enabled: bool | None, organization_id: str | None
) -> tuple[str, str, str, str, bool | None, str]:
    """The six filter fields of one job, lowercased once (at load, not per keystroke)."""
    name_l, org_l = name.lower(), organization.lower()
    return (
        f"{name_l}\n{org_l}",
        name_l,
        org_l,
        (status or "").lower(),
        enabled,
        (organization_id or "").lower(),
    )


@dataclass(frozen=True)
class Term:
    field: str | None  # None: name or organization
    value: str
    negated: bool = False
    exact: bool = False  # the whole field, not a substring (`org:=name`)

    def matches(
        self, name: str, organization: str, status: str, enabled: bool | None, organization_id: str = ""
    ) -> bool:
        return self._test(name, organization, status, enabled, organization_id) != self.negated

    def _test(
        self, name: str, organization: str, status: str, enabled: bool | None, organization_id: str
    ) -> bool:
        value = self.value
        if self.field == "orgid":
            return value == organization_id.lower()
        if self.exact and self.field in ("name", "org", "status"):
            whole = {"name": name, "org": organization, "status": status}[self.field].lower()
            return value == whole or (self.field == "org" and value + ORG_SUFFIX == whole)
        if self.field is None:
            return value in name.lower() or value in organization.lower()
        if self.field == "name":
            return value in name.lower()
        if self.field == "org":
            return value in organization.lower()
        if self.field == "status":
            return value in status.lower()
        if value in _TRUE:
            return enabled is True
        if value in _FALSE:
            return enabled is False
        return False


@dataclass(frozen=True)
class JobFilter:
    terms: tuple[Term, ...] = ()
    errors: tuple[str, ...] = ()
    """What is wrong with what was typed, in words; a filter with errors is not applied."""

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def matches(
        self,
        name: str,
        organization: str = "",
        status: str | None = None,
        enabled: bool | None = None,
        organization_id: str | None = None,
    ) -> bool:
        status_text, org_id = status or "", organization_id or ""
        return all(term.matches(name, organization, status_text, enabled, org_id) for term in self.terms)

    def select(self, rows: Sequence[Row]) -> list[Row]:
        """The rows (index tuples, see `index_fields`) that match, in their order: one list
        comprehension per term, the same answers as `matches`."""
        kept = list(rows)
        for term in self.terms:
            if not kept:
                break
            kept = _keep(term, kept)
        return kept


def _keep(term: Term, rows: list[Row]) -> list[Row]:
    value, negated = term.value, term.negated
    if term.field == "enabled":
        if value in _TRUE:
            want: bool | None = True
        elif value in _FALSE:
            want = False
        else:  # never true: negated, every row holds
            return rows if negated else []
        if negated:
            return [row for row in rows if row[ENABLED] is not want]
        return [row for row in rows if row[ENABLED] is want]
    at = {None: HAY, "name": NAME, "org": ORG, "status": STATUS, "orgid": ORG_ID}[term.field]
    if term.exact:
        if term.field == "org":
            tenant = value + ORG_SUFFIX
            return [row for row in rows if (row[at] == value or row[at] == tenant) != negated]
        return [row for row in rows if (row[at] == value) != negated]
    if negated:
        return [row for row in rows if value not in row[at]]
    return [row for row in rows if value in row[at]]


_WORD = re.compile(r'(?:[^\s"]+|"[^"]*"?)+')


def filter_words(text: str) -> list[str]:
    """The terms of `text`: split at spaces outside double quotes; the quotes go (an unclosed one,
    still being typed, runs to the end)."""
    return [word.replace('"', "") for word in _WORD.findall(text)]


def parse_filter(text: str) -> JobFilter:
    """Parse what the operator typed after `/`. Never raises: what is wrong is in `errors`."""
    terms: list[Term] = []
    errors: list[str] = []
    for word in filter_words(text):
        negated = word.startswith("!")
        if negated:
            word = word[1:]
        if not word:
            continue
        field, sep, value = word.partition(":")
        key = field.lower()
        if sep and key.isalpha() and key not in FIELDS:
            errors.append(f"unknown key {field}: (the keys are {', '.join(FIELDS)})")
            continue
        if sep and key in FIELDS and value in ("", "="):
            continue  # still being typed
        if sep and key == "enabled" and value.lower() not in _TRUE | _FALSE:
            errors.append(f"enabled:{value}: enabled is yes or no")
            continue
        exact = sep and key in EXACT_FIELDS and value.startswith("=") and len(value) > 1
        if key == "orgid" and sep:  # an id is matched whole, with or without the =
            terms.append(Term(key, value.removeprefix("=").lower(), negated, exact=True))
        elif exact:
            terms.append(Term(field.lower(), value[1:].lower(), negated, exact=True))
        elif sep and field.lower() in FIELDS and value:
            terms.append(Term(field.lower(), value.lower(), negated))
        else:
            terms.append(Term(None, word.lower(), negated))
    return JobFilter(tuple(terms), tuple(errors))


def highlight_words(job_filter: JobFilter) -> tuple[tuple[str | None, str], ...]:
    """The (field, lowercased value) of each term whose matches the list highlights: words and
    name:/org: terms, not negated ones."""
    return tuple(
        (term.field, term.value)
        for term in job_filter.terms
        if not term.negated and term.field in (None, "name", "org") and term.value
    )
