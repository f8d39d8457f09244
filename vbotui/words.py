"""Counts in words: "1 line", "2 lines" (an operator reads "1 restore sessions" as a bug)."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, plural unless the count is one: counted(1, "restore session")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
