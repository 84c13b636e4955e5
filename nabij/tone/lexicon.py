"""The maintained Dutch lists of the tone mirror, loaded from the packaged YAML files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_FLAGS = re.IGNORECASE | re.UNICODE
# Inflected forms accepted after a difficult word ("beschikking" -> "beschikkingen").
_WORD_SUFFIX = r"(?:e|en|n|s|t|d|de|den|te|ten)?"


@dataclass(frozen=True)
class PhraseEntry:
    """A distancing or bureaucratic phrase with its better wording."""

    kind: str
    phrase: str
    regex: re.Pattern[str]
    suggestion: str
    replace: bool


@dataclass(frozen=True)
class WordEntry:
    """A difficult word and its plain-Dutch (B1) alternative."""

    word: str
    regex: re.Pattern[str]
    suggestion: str


@dataclass(frozen=True)
class EmojiRule:
    """Emoji that do not fit a message with one of these emotions or types."""

    emoji: tuple[str, ...]
    emotions: frozenset[str]
    types: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns for context checks."""

    acknowledgement: dict[str, tuple[re.Pattern[str], ...]]
    next_step: tuple[re.Pattern[str], ...]
    promise: tuple[re.Pattern[str], ...]
    date: tuple[re.Pattern[str], ...]


def _load(name: str) -> Any:
    text = resources.files("nabij.tone").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A case-insensitive, whole-word pattern for a literal phrase."""
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", _FLAGS)


@lru_cache(maxsize=1)
def phrases() -> tuple[PhraseEntry, ...]:
    """Distancing and bureaucratic phrases, most specific (longest) first."""
    entries = []
    for item in _load("phrases.yaml"):
        pattern = item.get("pattern")
        regex = re.compile(pattern, _FLAGS) if pattern else phrase_regex(item["phrase"])
        entries.append(
            PhraseEntry(
                kind=item["kind"],
                phrase=item["phrase"],
                regex=regex,
                suggestion=item.get("suggestion", ""),
                replace=bool(item.get("replace", False)),
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.kind != "distancing", -len(e.phrase))))


@lru_cache(maxsize=1)
def words() -> tuple[WordEntry, ...]:
    """Difficult words with B1 alternatives, longest first so phrases win over parts."""
    entries = []
    for word, suggestion in _load("words.yaml").items():
        parts = [re.escape(part) for part in str(word).split()]
        body = r"\s+".join(parts)
        regex = re.compile(r"(?<![\w-])" + body + _WORD_SUFFIX + r"(?![\w-])", _FLAGS)
        entries.append(WordEntry(str(word), regex, str(suggestion)))
    return tuple(sorted(entries, key=lambda e: -len(e.word)))


@lru_cache(maxsize=1)
def words_regex() -> re.Pattern[str]:
    """All difficult words in one pattern (longest first), so a draft is scanned once."""
    bodies = [r"\s+".join(re.escape(part) for part in e.word.split()) for e in words()]
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(bodies) + ")" + _WORD_SUFFIX + r"(?![\w-])", _FLAGS
    )


def word_entry(matched: str) -> WordEntry | None:
    """The difficult-word entry that a match of `words_regex` stands for."""
    return next((e for e in words() if e.regex.fullmatch(matched)), None)


@lru_cache(maxsize=1)
def emoji_rules() -> tuple[EmojiRule, ...]:
    """Rules for emoji that do not fit the incoming message."""
    return tuple(
        EmojiRule(
            emoji=tuple(rule["emoji"]),
            emotions=frozenset(rule.get("emotions", ())),
            types=frozenset(rule.get("types", ())),
            reason=rule["reason"],
        )
        for rule in _load("emoji.yaml")["rules"]
    )


def _compile_all(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, _FLAGS) for p in patterns)


@lru_cache(maxsize=1)
def cues() -> Cues:
    """Acknowledgement, next-step, promise and date cues."""
    data = _load("cues.yaml")
    return Cues(
        acknowledgement={k: _compile_all(v) for k, v in data["acknowledgement"].items()},
        next_step=_compile_all(data["next_step"]),
        promise=_compile_all(data["promise"]),
        date=_compile_all(data["date"]),
    )
