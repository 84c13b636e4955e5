"""The tone mirror: check a draft reply and apply the safe suggestions."""

from __future__ import annotations

from collections.abc import Iterable

from nabij.tone import contextual, lexical
from nabij.tone.model import ReplyContext, ToneFinding

# Drafts longer than this are cut before checking, so junk input stays cheap.
MAX_DRAFT_CHARS = 20_000
_ORDER = {"high": 0, "medium": 1, "low": 2}


def check_reply(draft: str, *, context: ReplyContext | None = None) -> list[ToneFinding]:
    """Check a draft reply; return findings sorted by severity, then position."""
    ctx = context or ReplyContext()
    text = draft if isinstance(draft, str) else ""
    length_findings = contextual.check_length(text, ctx)
    text = text[:MAX_DRAFT_CHARS]
    if not text.strip():
        return length_findings
    wording = lexical.check_wording(text, ctx.language)
    distancing = [
        (f.start, f.end)
        for f in wording
        if f.code == "distancing_phrase" and f.start is not None and f.end is not None
    ]
    findings = [
        *wording,
        *contextual.check_acknowledgement(text, ctx, distancing),
        *contextual.check_next_step(text, ctx),
        *contextual.check_promises(text, ctx),
        *contextual.check_emoji(text, ctx),
        *contextual.check_name(text, ctx),
        *length_findings,
    ]
    return sorted(findings, key=_sort_key)


def _sort_key(finding: ToneFinding) -> tuple[int, int, str]:
    position = finding.start if finding.start is not None else -1
    return _ORDER.get(finding.severity, 3), position, finding.code


def suggest_rewrite(draft: str, findings: Iterable[ToneFinding]) -> str:
    """Apply the direct phrase replacements of the findings (the "apply" button)."""
    if not isinstance(draft, str):
        return ""
    edits = sorted(
        (
            (f.start, f.end, f.replacement)
            for f in findings
            if f.replacement is not None and f.start is not None and f.end is not None
        ),
        reverse=True,
    )
    result = draft
    last_start = len(draft) + 1
    for start, end, replacement in edits:
        if end > last_start or start < 0 or end > len(draft):
            continue  # overlapping or stale edit: skip rather than garble the text
        original = draft[start:end]
        result = result[:start] + _match_case(original, replacement) + result[end:]
        last_start = start
    return result


def _match_case(original: str, replacement: str) -> str:
    if original[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement
