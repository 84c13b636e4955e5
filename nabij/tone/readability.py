"""Plain-Dutch (B1) measures: sentences, syllables, Flesch-Douma score, passive voice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")
_WORD = re.compile(r"https?://\S+|[\w@#][\w'’@#.-]*\w|\w", re.UNICODE)
# A vowel group is one syllable; a letter with a diaeresis starts a new one (geïnformeerd).
_VOWEL_GROUP = re.compile(r"(?:ij|[aeiouyàáâäèéêëìíîòóôöùúûü])+|[ïë]", re.IGNORECASE)

PASSIVE_AUX = r"(?:word|wordt|worden|werd|werden)"
STATE_AUX = r"(?:is|zijn|was|waren)"
# Past participles: ge-...-d/t/en (also in separable verbs: opgehaald) and be-/ver-/ont-/her-.
PARTICIPLE = r"(?:\w*ge\w{2,}(?:d|t|en)|(?:be|ver|ont|her|er)\w{2,}(?:d|t|en))"
_PASSIVE = re.compile(
    rf"\b{PASSIVE_AUX}\b(?:[ \t]+[\w'-]+){{0,8}}?[ \t]+{PARTICIPLE}\b"
    rf"|\b{STATE_AUX}\b(?:[ \t]+[\w'-]+){{0,6}}?[ \t]+{PARTICIPLE}[ \t]+door\b"
    # Subordinate clause: "dat de bomen gekapt werden".
    rf"|\b{PARTICIPLE}[ \t]+(?:zou[ \t]+|zal[ \t]+|zouden[ \t]+|zullen[ \t]+)?{PASSIVE_AUX}\b",
    re.IGNORECASE | re.UNICODE,
)
# Participles of verbs whose perfect tense takes "zijn": "was verlopen door een fout" is
# no passive, "door" gives the cause.
_ZIJN_PERFECT = frozenset(
    {"verlopen", "gegaan", "gekomen", "ontstaan", "gebeurd", "geworden", "vertrokken",
     "gestopt", "overleden", "verdwenen", "gebleven", "begonnen", "geëindigd", "gestegen",
     "gedaald", "gegroeid", "opgelopen", "uitgevallen", "ingestort", "vastgelopen",
     "misgegaan", "weggegaan", "teruggekomen", "binnengekomen", "veranderd", "verhuisd"}
)  # fmt: skip
# A clause boundary between auxiliary and participle means they belong to different verbs.
_CLAUSE_WORDS = frozenset(
    {"en", "maar", "dus", "want", "of", "omdat", "als", "dan", "toen", "terwijl"}
)
_SUBJECTS = frozenset({"je", "jij", "we", "wij", "ik", "u", "hij", "zij", "ze", "het", "dat", "er"})
# Participle look-alikes that are no participle.
_NOT_PARTICIPLE = frozenset(
    {"gemeente", "gemeenten", "geleden", "gegevens", "genoeg", "gezond", "geld", "gebied",
     "gerecht", "gezicht", "gebeurt", "gewoon", "gelegenheid", "getal", "gezet"}
)  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    """A sentence with its character span in the text."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        """The words of the sentence."""
        return _WORD.findall(self.text)


def sentences(text: str) -> list[Sentence]:
    """Split a text into sentences with spans (simple punctuation rules)."""
    result: list[Sentence] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        _add_sentence(result, text, pos, match.start())
        pos = match.end()
    _add_sentence(result, text, pos, len(text))
    return result


def _add_sentence(result: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped and _WORD.search(stripped):
        offset = start + chunk.index(stripped)
        result.append(Sentence(offset, offset + len(stripped), stripped))


def words(text: str) -> list[str]:
    """The words of a text (URLs count as one word)."""
    return _WORD.findall(text)


def syllables(word: str) -> int:
    """Approximate the number of syllables of a Dutch word (vowel groups)."""
    if word.lower().startswith(("http://", "https://")):
        return 1
    return max(1, len(_VOWEL_GROUP.findall(word)))


def flesch_douma(text: str) -> float | None:
    """Flesch-Douma reading ease: 206.835 - 0.93 * words/sentence - 77 * syllables/word."""
    found = sentences(text)
    all_words = [w for s in found for w in s.words]
    if not all_words:
        return None
    per_sentence = len(all_words) / len(found)
    per_word = sum(syllables(w) for w in all_words) / len(all_words)
    return round(206.835 - 0.93 * per_sentence - 77.0 * per_word, 1)


def passive_spans(text: str) -> list[tuple[int, int]]:
    """Spans of passive constructions ("wordt opgehaald", "is besloten door")."""
    spans = []
    for match in _PASSIVE.finditer(text):
        tokens = [t.lower() for t in re.findall(r"[\w'-]+", match.group(0))]
        if tokens[-1] == "door":
            participle = tokens[-2]
            if participle in _ZIJN_PERFECT:
                continue
        elif re.fullmatch(PASSIVE_AUX, tokens[-1]):
            participle = tokens[0]
        else:
            participle = tokens[-1]
        if participle in _NOT_PARTICIPLE or _crosses_clause(tokens):
            continue
        spans.append((match.start(), match.end()))
    return spans


def _crosses_clause(tokens: list[str]) -> bool:
    """True when auxiliary and participle sit in different clauses ("wordt ... om te bellen")."""
    inner = tokens[1:-1]
    if "om" in inner or (len(tokens) >= 2 and tokens[-2] == "te"):
        return True
    return any(word in _CLAUSE_WORDS and nxt in _SUBJECTS for word, nxt in pairwise(inner))
