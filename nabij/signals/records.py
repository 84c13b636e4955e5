"""Plain input records for the signal statistics, and a reader for import-format lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import numpy as np

from .text import content_words, normalise

# Gold `labels` carry no toxicity score, only categories; these stand-ins keep the
# demo checks honest without inventing a finer scale than the labels have.
_TOXIC_STAND_IN = 0.9


T = TypeVar("T")


class computed_once(Generic[T]):  # lower case: used like functools.cached_property
    """A value worked out on first use and kept on the instance (also a frozen one).

    Like functools.cached_property without its lock, which on Python 3.11 costs more than
    the work for short texts; the records are not shared between threads while detecting.
    """

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


@dataclass(frozen=True)
class SignalMessage:
    """One inbound message as the signal statistics see it (already redacted)."""

    key: str
    channel: str
    author_key: str
    author_first_seen: datetime | None
    sent_at: datetime
    text: str
    type: str = "overig"
    type_scores: Mapping[str, float] | None = None
    sentiment: float = 0.0
    emotion: str = "neutraal"
    toxicity: float = 0.0
    topic: str = "overig"
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)

    # Every detector reads the text; each record works it out once, on first use.
    @computed_once
    def normalised(self) -> str:
        """The text lower-cased, links and mentions dropped, words joined by single spaces."""
        return normalise(self.text)

    @computed_once
    def epoch(self) -> float:
        """`sent_at` as seconds since 1970 (UTC): compared and sorted like `sent_at`."""
        return self.sent_at.timestamp()

    @computed_once
    def terms(self) -> list[str]:
        """Content words of the text (no stopwords, at least three letters)."""
        return content_words(self.normalised)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _sentiment_score(label: Any) -> float:
    return {"positief": 0.6, "negatief": -0.6}.get(label if isinstance(label, str) else "", 0.0)


def messages_from_import_lines(lines: Iterable[Mapping[str, Any]]) -> list[SignalMessage]:
    """Build SignalMessages from parsed import lines, using gold `labels` as the analysis.

    Outbound lines and lines without a usable time are skipped. `author_first_seen` is the
    first time the author appears in the given lines, as the database would know it.
    """
    usable: list[tuple[Mapping[str, Any], datetime, str]] = []
    for line in lines:
        if not isinstance(line, Mapping) or line.get("direction", "inbound") != "inbound":
            continue
        sent_at = _parse_time(line.get("sent_at"))
        author = line.get("author")
        handle = author.get("handle") if isinstance(author, Mapping) else None
        if sent_at is None or not isinstance(handle, str):
            continue
        usable.append((line, sent_at, f"{line.get('channel')}:{handle}"))
    first_seen: dict[str, datetime] = {}
    for _, sent_at, author_key in usable:
        if author_key not in first_seen or sent_at < first_seen[author_key]:
            first_seen[author_key] = sent_at
    out = []
    for line, sent_at, author_key in usable:
        labels = line.get("labels") if isinstance(line.get("labels"), Mapping) else {}
        assert isinstance(labels, Mapping)
        toxic = bool(labels.get("toxicity_categories")) or labels.get("type") == "aanval"
        out.append(
            SignalMessage(
                key=f"{line.get('channel')}:{line.get('external_id')}",
                channel=str(line.get("channel") or "import"),
                author_key=author_key,
                author_first_seen=first_seen[author_key],
                sent_at=sent_at,
                text=str(line.get("text") or ""),
                type=str(labels.get("type") or "overig"),
                sentiment=_sentiment_score(labels.get("sentiment")),
                emotion=str(labels.get("emotion") or "neutraal"),
                toxicity=_TOXIC_STAND_IN if toxic else 0.0,
                topic=str(labels.get("topic") or "overig"),
            )
        )
    return out


def _number(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number == number else default  # NaN becomes the default


def message_from_analysis(
    key: str,
    channel: str,
    author_key: str,
    author_first_seen: datetime | None,
    sent_at: datetime,
    analysis: Mapping[str, Any],
    embedding: np.ndarray | None = None,
) -> SignalMessage:
    """Build a SignalMessage from a stored `Analysis.to_dict()` (docs/interfaces.md).

    The text is the analysis' `redacted_text`; the topic is the best-scoring topic id.
    """
    topics = analysis.get("topics") if isinstance(analysis.get("topics"), list) else []
    assert isinstance(topics, list)
    first = topics[0] if topics and isinstance(topics[0], Mapping) else {}
    scores = analysis.get("type_scores")
    return SignalMessage(
        key=key,
        channel=channel,
        author_key=author_key,
        author_first_seen=author_first_seen,
        sent_at=sent_at,
        text=str(analysis.get("redacted_text") or ""),
        type=str(analysis.get("type") or "overig"),
        type_scores=(
            {str(k): _number(v) for k, v in scores.items()} if isinstance(scores, Mapping) else None
        ),
        sentiment=_number(analysis.get("sentiment")),
        emotion=str(analysis.get("emotion") or "neutraal"),
        toxicity=_number(analysis.get("toxicity")),
        topic=str(first.get("id") or "overig"),
        embedding=embedding,
    )
