"""Organisation-configurable topic taxonomy: keywords plus similarity to example sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import yaml

from .memo import WordMemo
from .normalise import fold

# Similarity below LOW means unrelated, above HIGH clearly on topic (USE cosine scale).
_SIM_LOW, _SIM_HIGH = 0.15, 0.55
_MIN_SCORE = 0.3
_MAX_TOPICS = 3


class TaxonomyError(ValueError):
    """The taxonomy data is not valid."""


@dataclass(frozen=True)
class Topic:
    """One topic: id, name, description, example sentences and keywords."""

    id: str
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


_ENDINGS = ("", "s", "e", "en", "n", "je", "jes", "tje", "tjes")
_TOKEN = re.compile(r"\w+")


class KeywordMatcher:
    """Finds topic keywords by word lookups (a regex alternation of hundreds of keywords
    costs milliseconds per message; set lookups cost microseconds)."""

    def __init__(self, topics: list[Topic]) -> None:
        self.whole: dict[str, set[int]] = {}  # short keyword with its endings
        self.prefix: dict[str, set[int]] = {}  # "afval*"
        self.inside: dict[str, set[int]] = {}  # 6+ letters, also inside compounds
        self.phrases: dict[str, set[int]] = {}  # several words
        for index, topic in enumerate(topics):
            for raw in topic.keywords:
                self._add(fold(raw.strip()), index)
        self.inside_lengths = sorted({len(k) for k in self.inside})
        self.prefix_lengths = sorted({len(k) for k in self.prefix})
        self._word_topics = WordMemo(lambda word: frozenset(self._lookup(word)), 50_000)

    def _add(self, keyword: str, index: int) -> None:
        if not keyword.strip("* "):
            return
        if " " in keyword or "-" in keyword:
            self.phrases.setdefault(keyword.rstrip("*"), set()).add(index)
        elif keyword.endswith("*"):
            self.prefix.setdefault(keyword[:-1], set()).add(index)
        elif len(keyword) >= 6:
            self.inside.setdefault(keyword, set()).add(index)
        else:
            for ending in _ENDINGS:
                self.whole.setdefault(keyword + ending, set()).add(index)

    def _lookup(self, word: str) -> set[int]:
        found = set(self.whole.get(word, ()))
        for length in self.prefix_lengths:
            found |= self.prefix.get(word[:length], set())
        for length in self.inside_lengths:
            for start in range(0, len(word) - length + 1):
                found |= self.inside.get(word[start : start + length], set())
        return found

    def hits(self, folded: str, size: int) -> list[list[str]]:
        """Matched words per topic index."""
        result: list[list[str]] = [[] for _ in range(size)]
        for word in _TOKEN.findall(folded):
            for index in self._word_topics(word):
                result[index].append(word)
        for phrase, owners in self.phrases.items():
            if phrase in folded:
                for index in owners:
                    result[index].append(phrase)
        return result


@dataclass
class Taxonomy:
    """A list of topics with lazily computed example embeddings."""

    topics: list[Topic]
    version: str = ""
    _matcher: KeywordMatcher | None = field(default=None, repr=False)
    _anchors: np.ndarray | None = field(default=None, repr=False)
    _anchor_topic: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._matcher = KeywordMatcher(self.topics)

    @property
    def ids(self) -> list[str]:
        """Topic ids in order."""
        return [t.id for t in self.topics]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        """Build from a dict such as the YAML file or a database row holds."""
        if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
            raise TaxonomyError("a taxonomy needs a list under 'topics'")
        topics = []
        seen = set()
        for i, item in enumerate(data["topics"]):
            if not isinstance(item, dict) or not str(item.get("id", "")).strip():
                raise TaxonomyError(f"topic {i} has no id")
            topic_id = str(item["id"]).strip()
            if topic_id in seen:
                raise TaxonomyError(f"topic id {topic_id!r} appears twice")
            seen.add(topic_id)
            topics.append(
                Topic(
                    topic_id,
                    str(item.get("name") or topic_id),
                    str(item.get("description") or ""),
                    tuple(str(e) for e in item.get("examples") or ()),
                    tuple(str(k) for k in item.get("keywords") or ()),
                )
            )
        return cls(topics, str(data.get("version", "")))

    @classmethod
    def from_yaml(cls, text: str) -> Taxonomy:
        """Build from YAML text."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise TaxonomyError(f"invalid YAML: {exc}") from exc
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The taxonomy as plain data (for storing in a database)."""
        return {
            "version": self.version,
            "topics": [
                {
                    "id": t.id,
                    "name": t.name,
                    "description": t.description,
                    "examples": list(t.examples),
                    "keywords": list(t.keywords),
                }
                for t in self.topics
            ],
        }

    def keyword_hits(self, folded: str) -> list[list[str]]:
        """Matched keywords (as the words found) per topic."""
        if self._matcher is None:
            return [[] for _ in self.topics]
        return self._matcher.hits(folded, len(self.topics))

    def prepare(self, encode: Any) -> None:
        """Embed the descriptions and examples once with `encode(list[str]) -> array`."""
        if self._anchors is not None:
            return
        texts, owners = [], []
        for index, topic in enumerate(self.topics):
            for sentence in (f"{topic.name}: {topic.description}", *topic.examples):
                if sentence.strip(": "):
                    texts.append(sentence)
                    owners.append(index)
        vectors = np.asarray(encode(texts), dtype=np.float32) if texts else np.zeros((0, 512))
        self._anchors = _unit(vectors)
        self._anchor_topic = np.asarray(owners, dtype=np.int32)

    def similarity(self, embeddings: np.ndarray) -> np.ndarray:
        """Per message and topic: the best cosine similarity to the topic's anchors."""
        n = embeddings.shape[0]
        result = np.zeros((n, len(self.topics)), dtype=np.float32)
        if self._anchors is None or self._anchor_topic is None or not len(self._anchors):
            return result
        sims = _unit(embeddings) @ self._anchors.T
        for index in range(len(self.topics)):
            mask = self._anchor_topic == index
            if mask.any():
                result[:, index] = sims[:, mask].max(axis=1)
        return result


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-6)


def similarity_score(similarity: np.ndarray) -> np.ndarray:
    """Map cosine similarity to 0..1."""
    return np.clip((similarity - _SIM_LOW) / (_SIM_HIGH - _SIM_LOW), 0.0, 1.0)


def keyword_score(count: int) -> float:
    """One keyword is a good sign, two are strong."""
    return 1.0 - 0.45**count if count else 0.0


def pick_topics(ids: list[str], scores: np.ndarray) -> list[dict[str, Any]]:
    """Topics above the threshold, best first, at most three; "overig" only when alone."""
    order = np.argsort(-scores, kind="stable")
    chosen = [
        {"id": ids[i], "score": round(float(scores[i]), 3)}
        for i in order
        if scores[i] >= _MIN_SCORE and ids[i] != "overig"
    ]
    return chosen[:_MAX_TOPICS]


def default_taxonomy() -> Taxonomy:
    """The packaged municipal taxonomy (a fresh object, so callers may prepare it)."""
    text = resources.files(__package__).joinpath("default_taxonomy.yaml").read_text("utf-8")
    return Taxonomy.from_yaml(text)
