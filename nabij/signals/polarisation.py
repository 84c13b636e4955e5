"""Polarisation early warning per topic and week, from aggregate indicators only.

No indicator is ever computed per person: every figure is a share of a topic's messages
or authors in one week (docs/signals.md, "Polarisation early warning").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

import numpy as np

from .coordination import is_new_account
from .localtime import DAY, wall_seconds
from .records import SignalMessage
from .text import STOPWORDS, normalise


@dataclass(frozen=True)
class PolarisationConfig:
    """Thresholds of the early warning (documented in docs/signals.md)."""

    min_messages: int = 10
    toxic_score: float = 0.5
    toxic_share: float = 0.15
    toxic_rise: float = 0.10
    anger_share: float = 0.25
    anger_rise: float = 0.10
    us_them_share: float = 0.10
    us_them_rise: float = 0.05
    min_hits: int = 3
    new_account_days: int = 14
    new_account_share: float = 0.4
    new_account_rise: float = 0.2
    baseline_weeks: int = 4
    warn_points: int = 2
    max_examples: int = 5


@lru_cache(maxsize=1)
def us_them_lexicon() -> tuple[str, ...]:
    """The packaged us-versus-them phrases, normalised."""
    text = resources.files("nabij.signals").joinpath("data/us_them.txt").read_text("utf-8")
    phrases = {normalise(line) for line in text.splitlines() if line and not line.startswith("#")}
    return tuple(sorted(p for p in phrases if p))


def us_them_hits(text: str) -> list[str]:
    """The lexicon phrases that occur in a text (whole words)."""
    padded = f" {normalise(text)} "
    return [p for p in us_them_lexicon() if f" {p} " in padded]


@lru_cache(maxsize=1)
def _anchored() -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    """Each phrase under one of its words, with that word's place in the phrase: the longest
    word that is no stopword, so that few messages hold it ("lui" of "die lui")."""
    out: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for phrase in us_them_lexicon():
        words = tuple(phrase.split())
        anchor = max(
            range(len(words)), key=lambda i: (words[i] not in STOPWORDS, len(words[i]), -i)
        )
        out.setdefault(words[anchor], []).append((anchor, words))
    return {word: tuple(found) for word, found in out.items()}


def has_us_them(normalised: str) -> bool:
    """Whether an already normalised text holds a lexicon phrase (as `us_them_hits` finds)."""
    words = normalised.split()
    anchored = _anchored()
    if anchored.keys().isdisjoint(words):
        return False  # a phrase needs all its words, so also its anchor
    for anchor in anchored.keys() & set(words):
        at = -1
        while (at := _index(words, anchor, at + 1)) >= 0:
            for offset, phrase in anchored[anchor]:
                begin = at - offset
                if begin >= 0 and tuple(words[begin : begin + len(phrase)]) == phrase:
                    return True
    return False


def _index(words: list[str], word: str, start: int) -> int:
    try:
        return words.index(word, start)
    except ValueError:
        return -1


@dataclass
class _Tally:
    """What the indicators need of a set of messages: counts and (new) authors."""

    messages: int = 0
    toxic: int = 0
    angry: int = 0
    us_them: int = 0
    authors: set[str] = field(default_factory=set)
    new_authors: set[str] = field(default_factory=set)
    rows: list[int] = field(default_factory=list)

    def merge(self, other: _Tally) -> None:
        """Add another tally's messages to this one (rows are not kept)."""
        self.messages += other.messages
        self.toxic += other.toxic
        self.angry += other.angry
        self.us_them += other.us_them
        self.authors |= other.authors
        self.new_authors |= other.new_authors

    def new_share(self) -> float:
        """Share of the authors first seen shortly before their message."""
        return len(self.new_authors) / max(1, len(self.authors))


def _indicator(name: str, value: float, baseline: float | None, triggered: bool, why: str) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "baseline": None if baseline is None else round(baseline, 3),
        "triggered": triggered,
        "explanation": why,
    }


def _rising(
    name: str, hits: int, count: int, history_hits: int, history: _Tally | None,
    level: float, rise: float, what: str, cfg: PolarisationConfig,
) -> dict:  # fmt: skip
    """A share that must be high in itself and clearly higher than in the weeks before."""
    value = hits / count
    base = history_hits / history.messages if history is not None else None
    triggered = (
        hits >= cfg.min_hits and value >= level and base is not None and value - base >= rise
    )
    before = "onbekend" if base is None else f"{base:.0%}"
    why = f"{hits} van {count} berichten {what} ({value:.0%}; eerder {before})"
    return _indicator(name, value, base, triggered, why)


def _indicators(
    week: _Tally, history: _Tally | None, bursts: int, cfg: PolarisationConfig
) -> list[dict]:
    new_now = week.new_share()
    new_base = history.new_share() if history is not None else None
    new_up = new_base is not None and new_now - new_base >= cfg.new_account_rise
    n = week.messages
    h = history or _Tally()
    return [
        _rising("toxicity_share", week.toxic, n, h.toxic, history,
                cfg.toxic_share, cfg.toxic_rise, "giftig", cfg),
        _rising("anger_share", week.angry, n, h.angry, history,
                cfg.anger_share, cfg.anger_rise, "boos", cfg),
        _rising("us_them_share", week.us_them, n, h.us_them, history,
                cfg.us_them_share, cfg.us_them_rise, "met wij-zij-taal", cfg),
        _indicator("new_account_share", new_now, new_base,
                   new_now >= cfg.new_account_share and new_up,
                   f"{new_now:.0%} van de afzenders is nieuw (< {cfg.new_account_days} dagen); "
                   f"eerder {'onbekend' if new_base is None else f'{new_base:.0%}'}"),
        _indicator("coordinated_bursts", float(bursts), None, bursts > 0,
                   f"{bursts} gecoördineerde golf/golven van bijna gelijke berichten"),
    ]  # fmt: skip


def _history(
    tallies: dict[tuple[str, int], _Tally], weeks: dict[int, _Tally], topic: str, monday: int,
    cfg: PolarisationConfig,
) -> _Tally | None:  # fmt: skip
    """The topic's weeks before; all topics' when the topic was quiet; None when empty."""
    before = [monday - 7 * w for w in range(1, cfg.baseline_weeks + 1)]
    own = _Tally()
    for day in before:
        if (topic, day) in tallies:
            own.merge(tallies[(topic, day)])
    if own.messages >= cfg.min_messages:
        return own
    every = _Tally()
    for day in before:
        if day in weeks:
            every.merge(weeks[day])
    return every if every.messages else None


def _tally(
    messages: Sequence[SignalMessage], start: datetime, end: datetime, tz: ZoneInfo,
    cfg: PolarisationConfig,
) -> dict[tuple[str, int], _Tally]:  # fmt: skip
    """Tallies per (topic, local Monday as a day number) of the weeks that can matter.

    Those are the weeks that overlap [start, end) and the baseline weeks before them; every
    message is looked at once.
    """
    epoch = np.fromiter((m.epoch for m in messages), dtype=np.float64, count=len(messages))
    wall = wall_seconds([m.sent_at for m in messages], tz, epoch)
    days = np.floor_divide(wall, DAY).astype(np.int64)
    mondays = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    first = _monday_of(start, tz) - 7 * cfg.baseline_weeks
    last = _monday_of(end, tz)
    tallies: dict[tuple[str, int], _Tally] = {}
    rows = np.nonzero((mondays >= first) & (mondays <= last))[0].tolist()
    monday_list = mondays.tolist()
    for row in rows:
        m = messages[row]
        key = (m.topic, monday_list[row])
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally()
        tally.messages += 1
        tally.rows.append(row)
        if m.toxicity >= cfg.toxic_score:
            tally.toxic += 1
        if m.emotion == "boos":
            tally.angry += 1
        if has_us_them(m.normalised):
            tally.us_them += 1
        tally.authors.add(m.author_key)
        if is_new_account(m, cfg.new_account_days):
            tally.new_authors.add(m.author_key)
    return tallies


def _monday_of(moment: datetime, tz: ZoneInfo) -> int:
    """Day number (since 1970-01-01) of the local Monday of the week holding `moment`."""
    day = (moment.astimezone(tz).date() - date(1970, 1, 1)).days
    return day - (day + 3) % 7


def _examples(
    messages: Sequence[SignalMessage], rows: list[int], cfg: PolarisationConfig
) -> list[str]:
    """Messages that carry the signal: toxic, angry or us-versus-them, earliest first."""
    hits = [
        messages[i] for i in rows
        if messages[i].toxicity >= cfg.toxic_score or messages[i].emotion == "boos"
        or has_us_them(messages[i].normalised)
    ]  # fmt: skip
    return [m.key for m in sorted(hits, key=lambda m: (m.epoch, m.key))[: cfg.max_examples]]


def find_polarisation(
    messages: Sequence[SignalMessage], start: datetime, end: datetime, tz: ZoneInfo,
    bursts: Sequence[dict] = (), config: PolarisationConfig | None = None,
) -> list[dict]:  # fmt: skip
    """Warnings per topic and local week (Monday start) in [start, end)."""
    cfg = config or PolarisationConfig()
    tallies = _tally(messages, start, end, tz, cfg)
    weeks: dict[int, _Tally] = {}
    for (_, day), tally in sorted(tallies.items()):
        weeks.setdefault(day, _Tally()).merge(tally)
    burst_starts = [(b["topic"], datetime.fromisoformat(b["start"])) for b in bursts]
    warnings = []
    for (topic, day), week in sorted(tallies.items()):
        monday = datetime.combine(date(1970, 1, 1) + timedelta(days=day), time(0), tzinfo=tz)
        week_end = monday + timedelta(days=7)
        if week.messages < cfg.min_messages or not (start < week_end and monday < end):
            continue
        history = _history(tallies, weeks, topic, day, cfg)
        bursts_here = sum(1 for t, s in burst_starts if t == topic and monday <= s < week_end)
        indicators = _indicators(week, history, bursts_here, cfg)
        points = sum(1 for i in indicators if i["triggered"])
        if points < cfg.warn_points:
            continue
        names = ", ".join(i["name"] for i in indicators if i["triggered"])
        warnings.append({
            "kind": "polarisation",
            "title": f"Polarisatie rond {topic} in week van {monday:%d-%m}: {names}",
            "topic": topic,
            "start": monday.isoformat(),
            "end": week_end.isoformat(),
            "score": float(points),
            "messages": _examples(messages, week.rows, cfg),
            "message_count": week.messages,
            "indicators": indicators,
        })  # fmt: skip
    return warnings
