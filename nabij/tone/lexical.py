"""Checks on the wording itself: distancing phrases, officialese, B1 plain Dutch."""

from __future__ import annotations

from nabij.tone import lexicon, readability
from nabij.tone.model import ToneFinding
from nabij.tone.texts import SEVERITY, render

LONG_SENTENCE_WORDS = 20
LOW_READABILITY_SCORE = 40.0
READABILITY_MIN_WORDS = 25
LONG_WORD_SYLLABLES = 5

Span = tuple[int, int]


def overlaps(start: int, end: int, taken: list[Span]) -> bool:
    """True when [start, end) overlaps one of the taken spans."""
    return any(start < b and a < end for a, b in taken)


def make_finding(
    code: str,
    language: str,
    draft: str,
    start: int | None,
    end: int | None,
    replacement: str | None = None,
    **values: object,
) -> ToneFinding:
    """Build a finding with its texts in the requested language."""
    excerpt = draft[start:end] if start is not None and end is not None else None
    texts = render(code, language, excerpt=excerpt or "", **values)
    return ToneFinding(
        code=code,
        severity=SEVERITY[code],
        start=start,
        end=end,
        excerpt=excerpt,
        message=texts["message"],
        why=texts["why"],
        suggestion=texts.get("suggestion") or None,
        replacement=replacement,
    )


def check_phrases(draft: str, language: str, taken: list[Span]) -> list[ToneFinding]:
    """Distancing and bureaucratic phrases; the most specific match wins an overlap."""
    found = []
    for entry in lexicon.phrases():
        for match in entry.regex.finditer(draft):
            start, end = match.span()
            if end <= start or overlaps(start, end, taken):
                continue
            taken.append((start, end))
            code = "distancing_phrase" if entry.kind == "distancing" else "bureaucratic_word"
            replacement = entry.suggestion if entry.replace else None
            found.append(
                make_finding(
                    code,
                    language,
                    draft,
                    start,
                    end,
                    replacement,
                    alternative=entry.suggestion or "—",
                )
            )
    return found


def check_words(draft: str, language: str, taken: list[Span]) -> list[ToneFinding]:
    """Difficult words with a B1 alternative (not inside an earlier phrase match)."""
    found = []
    for match in lexicon.words_regex().finditer(draft):
        start, end = match.span()
        entry = lexicon.word_entry(match.group(0))
        if entry is None or overlaps(start, end, taken):
            continue
        taken.append((start, end))
        found.append(
            make_finding(
                "difficult_word", language, draft, start, end, alternative=entry.suggestion
            )
        )
    return found


def check_sentences(draft: str, language: str) -> list[ToneFinding]:
    """Sentences longer than the B1 limit."""
    found = []
    for sentence in readability.sentences(draft):
        count = len(sentence.words)
        if count > LONG_SENTENCE_WORDS:
            found.append(
                make_finding(
                    "long_sentence",
                    language,
                    draft,
                    sentence.start,
                    sentence.end,
                    count=count,
                    limit=LONG_SENTENCE_WORDS,
                )
            )
    return found


def check_passive(draft: str, language: str) -> list[ToneFinding]:
    """Passive constructions that hide who acts."""
    return [
        make_finding("passive_voice", language, draft, start, end)
        for start, end in readability.passive_spans(draft)
    ]


def check_readability(draft: str, language: str) -> list[ToneFinding]:
    """A low Flesch-Douma score on a text long enough for the score to mean something."""
    all_words = readability.words(draft)
    if len(all_words) < READABILITY_MIN_WORDS:
        return []
    score = readability.flesch_douma(draft)
    if score is None or score >= LOW_READABILITY_SCORE:
        return []
    long_words = sorted(
        {w for w in all_words if readability.syllables(w) >= LONG_WORD_SYLLABLES and "/" not in w},
        key=lambda w: (-readability.syllables(w), w),
    )[:3]
    hint = ""
    if long_words:
        joined = ", ".join(f"“{w}”" for w in long_words)
        hint = f" ({joined})"
    return [make_finding("low_readability", language, draft, None, None, score=score, words=hint)]


def check_wording(draft: str, language: str) -> list[ToneFinding]:
    """All wording checks in order: phrases, difficult words, sentences, passive, score."""
    taken: list[Span] = []
    return [
        *check_phrases(draft, language, taken),
        *check_words(draft, language, taken),
        *check_sentences(draft, language),
        *check_passive(draft, language),
        *check_readability(draft, language),
    ]
