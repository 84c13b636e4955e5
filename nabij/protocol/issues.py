"""Validation issues: a message with the line and column it refers to."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a protocol document, at a 1-based line and column."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"

    def format(self, filename: str) -> str:
        """Render as `FILE:LINE:COL: message`, the form editors and CI understand."""
        return f"{filename}:{self.line}:{self.column}: {self.message}"


class ProtocolInvalid(ValueError):
    """Raised by `load_protocol` when a document has issues; `.issues` lists them."""

    def __init__(self, issues: list[Issue], filename: str = "<protocol>") -> None:
        self.issues = sorted(issues)
        self.filename = filename
        super().__init__("\n".join(issue.format(filename) for issue in self.issues))


def suggest(word: str, options: Iterable[str]) -> str:
    """Return ' — did you mean X?' for a close match among options, or ''."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" — did you mean '{match[0]}'?" if match else ""
