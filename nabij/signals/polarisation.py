"""Polarisation early warning per topic and week, from aggregate indicators only.

No indicator is ever computed per person: every figure is a share of a topic's messages
or authors in one week (docs/signals.md, "Polarisation early warning").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from .coordination import is_new_account
from .records import SignalMessage
from .text import normalise


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


def _indicator(name: str, value: float, baseline: float | None, triggered: bool, why: str) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "baseline": None if baseline is None else round(baseline, 3),
        "triggered": triggered,
        "explanation": why,
    }


def _new_share(messages: Sequence[SignalMessage], days: int) -> float:
    authors = {m.author_key for m in messages}
    new = {m.author_key for m in messages if is_new_account(m, days)}
    return len(new) / max(1, len(authors))


def _share(messages: Sequence[SignalMessage], predicate: Callable[[SignalMessage], bool]) -> float:
    return sum(1 for m in messages if predicate(m)) / len(messages)


def _rising(
    name: str, week: list[SignalMessage], history: list[SignalMessage],
    predicate: Callable[[SignalMessage], bool], level: float, rise: float, what: str,
    cfg: PolarisationConfig,
) -> dict:  # fmt: skip
    """A share that must be high in itself and clearly higher than in the weeks before."""
    hits = sum(1 for m in week if predicate(m))
    value = hits / len(week)
    base = _share(history, predicate) if history else None
    triggered = (
        hits >= cfg.min_hits and value >= level and base is not None and value - base >= rise
    )
    before = "onbekend" if base is None else f"{base:.0%}"
    why = f"{hits} van {len(week)} berichten {what} ({value:.0%}; eerder {before})"
    return _indicator(name, value, base, triggered, why)


def _indicators(
    week: list[SignalMessage], history: list[SignalMessage], bursts: int, cfg: PolarisationConfig
) -> list[dict]:
    new_now = _new_share(week, cfg.new_account_days)
    new_base = _new_share(history, cfg.new_account_days) if history else None
    new_up = new_base is not None and new_now - new_base >= cfg.new_account_rise
    return [
        _rising("toxicity_share", week, history, lambda m: m.toxicity >= cfg.toxic_score,
                cfg.toxic_share, cfg.toxic_rise, "giftig", cfg),
        _rising("anger_share", week, history, lambda m: m.emotion == "boos",
                cfg.anger_share, cfg.anger_rise, "boos", cfg),
        _rising("us_them_share", week, history, lambda m: bool(us_them_hits(m.text)),
                cfg.us_them_share, cfg.us_them_rise, "met wij-zij-taal", cfg),
        _indicator("new_account_share", new_now, new_base,
                   new_now >= cfg.new_account_share and new_up,
                   f"{new_now:.0%} van de afzenders is nieuw (< {cfg.new_account_days} dagen); "
                   f"eerder {'onbekend' if new_base is None else f'{new_base:.0%}'}"),
        _indicator("coordinated_bursts", float(bursts), None, bursts > 0,
                   f"{bursts} gecoördineerde golf/golven van bijna gelijke berichten"),
    ]  # fmt: skip


def _examples(week: list[SignalMessage], cfg: PolarisationConfig) -> list[str]:
    """Messages that carry the signal: toxic, angry or us-versus-them, earliest first."""
    hits = [
        m for m in week
        if m.toxicity >= cfg.toxic_score or m.emotion == "boos" or us_them_hits(m.text)
    ]  # fmt: skip
    return [m.key for m in sorted(hits, key=lambda m: (m.sent_at, m.key))[: cfg.max_examples]]


def _history(
    by_week: dict[tuple[str, datetime], list[SignalMessage]], topic: str, monday: datetime,
    cfg: PolarisationConfig,
) -> list[SignalMessage]:  # fmt: skip
    """The topic's messages of the weeks before; all topics' when the topic was quiet."""
    weeks = {monday - timedelta(days=7 * w) for w in range(1, cfg.baseline_weeks + 1)}
    own = [m for w in sorted(weeks) for m in by_week.get((topic, w), [])]
    if len(own) >= cfg.min_messages:
        return own
    return [m for (_, w), ms in sorted(by_week.items()) if w in weeks for m in ms]


def find_polarisation(
    messages: Sequence[SignalMessage], start: datetime, end: datetime, tz: ZoneInfo,
    bursts: Sequence[dict] = (), config: PolarisationConfig | None = None,
) -> list[dict]:  # fmt: skip
    """Warnings per topic and local week (Monday start) in [start, end)."""
    cfg = config or PolarisationConfig()
    by_week: dict[tuple[str, datetime], list[SignalMessage]] = {}
    for m in messages:
        local = m.sent_at.astimezone(tz)
        monday = (local - timedelta(days=local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        by_week.setdefault((m.topic, monday), []).append(m)
    warnings = []
    for (topic, monday), week in sorted(by_week.items()):
        week_end = monday + timedelta(days=7)
        if len(week) < cfg.min_messages or not (start < week_end and monday < end):
            continue
        history = _history(by_week, topic, monday, cfg)
        bursts_here = sum(
            1 for b in bursts
            if b["topic"] == topic and monday <= datetime.fromisoformat(b["start"]) < week_end
        )  # fmt: skip
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
            "messages": _examples(week, cfg),
            "message_count": len(week),
            "indicators": indicators,
        })  # fmt: skip
    return warnings
