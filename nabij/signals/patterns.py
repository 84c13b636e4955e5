"""Pattern detection: similar reports grouped by meaning and place over sliding windows.

Method (docs/signals.md, "Patterns"): candidates are the message types in the config inside
[start, end), blocked by topic; two candidates are linked when they are at most
`window_days` apart and the cosine of their embeddings, plus a bonus when they name the same
area, reaches the threshold. Groups are the connected components of these links.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from .linking import LinkConfig, link_groups, unit_rows
from .records import SignalMessage
from .text import EMPTY_GAZETTEER, Gazetteer, find_places


@dataclass(frozen=True)
class PatternConfig:
    """Thresholds of the pattern detector (documented in docs/signals.md)."""

    types: tuple[str, ...] = ("melding", "klacht", "vraag", "desinformatie")
    window_days: float = 7.0
    similarity: float = 0.57
    lexical_similarity: float = 0.35
    # Above this many candidates without a stored embedding the sentence encoder would
    # cost more than the whole detection may (about 1-2 ms a text): use the lexical
    # vectors instead (the result says so). 0 = no limit.
    max_embedded: int = 20_000
    place_bonus: float = 0.15
    min_messages: int = 5
    min_authors: int = 3
    min_days: int = 2
    rumour_min_desinformatie: int = 2
    max_examples: int = 5
    chunk: int = 2048
    exact_limit: int = 8000

    def link_config(self) -> LinkConfig:
        """The linking part of this configuration."""
        return LinkConfig(
            window_seconds=self.window_days * 86400.0, similarity=self.similarity,
            place_bonus=self.place_bonus, chunk=self.chunk, exact_limit=self.exact_limit,
        )  # fmt: skip


def _title_terms(members: list[list[str]], block_df: Counter, block_size: int) -> list[str]:
    """The three words that set this group apart from the rest of its topic."""
    counts = Counter(term for words in members for term in set(words))
    scored = {
        t: c * math.log((1 + block_size) / (1 + block_df[t]))
        for t, c in counts.items() if c >= 2
    }  # fmt: skip
    return sorted(scored, key=lambda t: (-scored[t], t))[:3]


def _trend(days: list[str]) -> list[dict]:
    """Daily counts from first to last day, zero days included."""
    from datetime import date, timedelta

    counts = Counter(days)
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    out = []
    for offset in range((last - first).days + 1):
        day = (first + timedelta(days=offset)).isoformat()
        out.append({"date": day, "count": counts.get(day, 0)})
    return out


def _growth(times: list[datetime], end: datetime) -> float:
    """Messages in the last 7 days over the mean weekly count before (1.0 = steady)."""
    last = sum(1 for t in times if (end - t).total_seconds() <= 7 * 86400)
    earlier = [t for t in times if (end - t).total_seconds() > 7 * 86400]
    if not earlier:
        return float(last > 0) * 2.0  # new this week: treat as doubling
    weeks = max(1.0, (end - min(earlier)).total_seconds() / (7 * 86400) - 1.0)
    return round(last / max(len(earlier) / weeks, 1e-9), 2)


def _describe_group(
    group: list[SignalMessage], words: list[list[str]], block_df: Counter, block_size: int,
    places: list[list[tuple[str, str]]], cfg: PatternConfig, end: datetime, tz: ZoneInfo,
    centroid_order: list[int],
) -> dict:  # fmt: skip
    topic = group[0].topic
    desinfo = sum(1 for m in group if m.type == "desinformatie")
    kind = "rumour" if desinfo >= cfg.rumour_min_desinformatie else "pattern"
    area_counts = Counter(area for found in places for area in {a for _, a in found})
    place_counts = Counter(name for found in places for name, _ in found)
    area = None
    if area_counts:
        best, n = sorted(area_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        area = best if n >= max(2, 0.3 * len(group)) else None
    top = _title_terms(words, block_df, block_size)
    label = "Gerucht" if kind == "rumour" else "Patroon"
    where = f" in {area}" if area else ""
    authors = {m.author_key for m in group}
    title = f"{label}{where}: {', '.join(top) or topic} ({topic}, {len(group)} berichten, "
    title += f"{len(authors)} afzenders)"
    times = [m.sent_at for m in group]
    days = [t.astimezone(tz).date().isoformat() for t in times]
    growth = _growth(times, end)
    return {
        "kind": kind,
        "title": title,
        "topic": topic,
        "start": min(times).isoformat(),
        "end": max(times).isoformat(),
        "score": round(len(authors) * (0.5 + min(growth, 3.0) / 2), 1),
        "messages": [m.key for m in sorted(group, key=lambda m: (m.epoch, m.key))],
        "examples": [group[i].key for i in centroid_order[: cfg.max_examples]],
        "size": len(group),
        "authors": len(authors),
        "area": area,
        "places": [p for p, _ in place_counts.most_common(5)],
        "terms": top,
        "types": dict(sorted(Counter(m.type for m in group).items())),
        "trend": _trend(days),
        "growth": growth,
    }


def find_patterns(
    messages: Sequence[SignalMessage],
    vectors: np.ndarray,
    end: datetime,
    tz: ZoneInfo,
    gazetteer: Gazetteer = EMPTY_GAZETTEER,
    config: PatternConfig | None = None,
) -> list[dict]:
    """Patterns among candidate `messages` (one embedding row each, same order)."""
    cfg = config or PatternConfig()
    by_topic: dict[str, list[int]] = {}
    for index, message in enumerate(messages):
        by_topic.setdefault(message.topic, []).append(index)
    results = []
    for topic in sorted(by_topic):
        rows = sorted(by_topic[topic], key=lambda i: (messages[i].epoch, messages[i].key))
        block = [messages[i] for i in rows]
        places = [find_places(m.text, gazetteer) for m in block]
        area_ids: dict[str, int] = {}
        areas = np.array(
            [area_ids.setdefault(found[0][1], len(area_ids)) if found else -1 for found in places],
            dtype=np.int64,
        )
        times = np.array([m.epoch for m in block], dtype=np.float64)
        block_vectors = vectors[rows]
        groups = link_groups(block_vectors, times, areas, cfg.link_config(), cfg.min_messages)
        if not groups:
            continue
        # Document frequencies from an evenly spread sample: enough to rank title words.
        step = max(1, len(block) // 3000)
        block_df = Counter(t for m in block[::step] for t in set(m.terms))
        block_df = Counter({t: c * step for t, c in block_df.items()})
        for group in groups:
            members = [block[i] for i in group]
            if len({m.author_key for m in members}) < cfg.min_authors:
                continue
            if len({m.sent_at.astimezone(tz).date() for m in members}) < cfg.min_days:
                continue
            unit = unit_rows(block_vectors[group])
            centre = unit.mean(axis=0)
            order = [int(k) for k in np.argsort(-(unit @ centre), kind="stable")]
            results.append(_describe_group(
                members, [m.terms for m in members], block_df, len(block),
                [places[i] for i in group], cfg, end, tz, order,
            ))  # fmt: skip
    return sorted(results, key=lambda p: (-p["score"], p["start"]))
