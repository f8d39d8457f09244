"""The `/` filter grammar of the job list (no Textual here).

Terms are separated by spaces and all must hold (AND):

- a word matches the job name or the organization name (case-insensitive substring);
- `status:failed` matches the last status (substring), `org:contoso` the organization name,
  `enabled:yes|no` the enabled flag, `name:x` only the job name;
- a leading `!` negates a term (`!status:success`, `!contoso`).
"""

from __future__ import annotations

from dataclasses import dataclass

_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off"}
FIELDS = ("status", "org", "enabled", "name")


@dataclass(frozen=True)
class Term:
    field: str | None  # None: name or organization
    value: str
    negated: bool = False

    def matches(self, name: str, organization: str, status: str, enabled: bool | None) -> bool:
        return self._test(name, organization, status, enabled) != self.negated

    def _test(self, name: str, organization: str, status: str, enabled: bool | None) -> bool:
        value = self.value
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

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def matches(
        self, name: str, organization: str = "", status: str | None = None, enabled: bool | None = None
    ) -> bool:
        status_text = status or ""
        return all(term.matches(name, organization, status_text, enabled) for term in self.terms)


def parse_filter(text: str) -> JobFilter:
    """Parse what the operator typed after `/`. Never fails: unknown `x:y` is a plain word."""
    terms: list[Term] = []
    for word in text.split():
        negated = word.startswith("!")
        if negated:
            word = word[1:]
        if not word:
            continue
        field, sep, value = word.partition(":")
        if sep and field.lower() in FIELDS and value:
            terms.append(Term(field.lower(), value.lower(), negated))
        else:
            terms.append(Term(None, word.lower(), negated))
    return JobFilter(tuple(terms))
