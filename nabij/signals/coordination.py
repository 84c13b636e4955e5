"""Coordinated posting: near-identical texts from several accounts within a short window.

Texts become sets of hashed word pairs; MinHash banding proposes candidate pairs, the exact
Jaccard similarity confirms them, and bursts are the connected components of confirmed
pairs (docs/signals.md, "Coordinated posting").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .linking import connected_groups
from .records import SignalMessage
from .text import pair_hashes, word_shingles

_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class CoordinationConfig:
    """Thresholds of the coordinated-posting detector (documented in docs/signals.md)."""

    window_hours: float = 3.0
    jaccard: float = 0.6
    min_accounts: int = 5
    min_words: int = 5
    bands: int = 10
    rows: int = 2
    new_account_days: int = 14


def is_new_account(message: SignalMessage, days: int) -> bool:
    """Whether the author was first seen at most `days` before this message."""
    first = message.author_first_seen
    return first is not None and message.sent_at - first <= timedelta(days=days)


def _minhash(sets: list[set[int]], count: int) -> np.ndarray:
    """`count` MinHash values per set (sets must be non-empty), fully vectorised."""
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    flat = np.fromiter((h for s in sets for h in s), dtype=np.uint64, count=int(lengths.sum()))
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    rng = np.random.default_rng(20261021)  # fixed seed: the same input gives the same bursts
    seeds = rng.integers(1, 2**63, size=count, dtype=np.uint64)
    odd = rng.integers(1, 2**63, size=count, dtype=np.uint64) | np.uint64(1)
    out = np.empty((len(sets), count), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(count):
            mixed = ((flat ^ seeds[k]) * odd[k]) >> np.uint64(32)
            out[:, k] = np.minimum.reduceat(mixed, offsets)
    return out


def _candidate_pairs(sig: np.ndarray, times: np.ndarray, cfg: CoordinationConfig) -> set:
    """Pairs of neighbours (in time) that share a whole MinHash band."""
    pairs: set[tuple[int, int]] = set()
    window = cfg.window_hours * 3600.0
    for band in range(cfg.bands):
        cols = sig[:, band * cfg.rows : (band + 1) * cfg.rows]
        key = cols[:, 0]
        for c in range(1, cols.shape[1]):
            key = key * np.uint64(1_000_003) ^ cols[:, c]
        order = np.lexsort((times, key))
        same = key[order[1:]] == key[order[:-1]]
        close = (times[order[1:]] - times[order[:-1]]) <= window
        for a, b in zip(order[:-1][same & close].tolist(), order[1:][same & close].tolist(),
                        strict=True):  # fmt: skip
            pairs.add((min(a, b), max(a, b)))
    return pairs


def _densest_accounts(members: list[SignalMessage], hours: float) -> int:
    """Most distinct accounts inside any one window of `hours` (members sorted by time)."""
    best, lo = 0, 0
    inside: Counter[str] = Counter()
    for message in members:
        inside[message.author_key] += 1
        while (message.sent_at - members[lo].sent_at).total_seconds() > hours * 3600:
            leaving = members[lo].author_key
            inside[leaving] -= 1
            if not inside[leaving]:
                del inside[leaving]
            lo += 1
        best = max(best, len(inside))
    return best


def find_coordinated(
    messages: Sequence[SignalMessage], start: datetime, end: datetime,
    config: CoordinationConfig | None = None,
) -> list[dict]:  # fmt: skip
    """Bursts of near-identical messages from at least `min_accounts` accounts in [start, end)."""
    cfg = config or CoordinationConfig()
    chosen: list[SignalMessage] = []
    sets: list[set[int]] = []
    start_s, end_s = start.timestamp(), end.timestamp()
    for message in sorted(messages, key=lambda m: (m.epoch, m.key)):
        if not start_s <= message.epoch < end_s:
            continue
        text = message.normalised
        if text and text.count(" ") + 1 >= cfg.min_words:
            chosen.append(message)
            sets.append(pair_hashes(text) if text.count(" ") else word_shingles(text.split(), 2))
    if len(chosen) < cfg.min_accounts:
        return []
    times = np.array([m.epoch for m in chosen], dtype=np.float64)
    sig = _minhash(sets, cfg.bands * cfg.rows)
    confirmed = []
    for a, b in _candidate_pairs(sig, times, cfg):
        shared = len(sets[a] & sets[b])
        union = len(sets[a]) + len(sets[b]) - shared
        if union and shared / union >= cfg.jaccard:
            confirmed.append((a, b))
    pairs = np.array(confirmed, dtype=np.int64).reshape(-1, 2)
    bursts = []
    # A group with fewer messages than the accounts needed cannot be a burst.
    for group in connected_groups(len(chosen), pairs[:, 0], pairs[:, 1], cfg.min_accounts):
        members = [chosen[i] for i in group]
        if _densest_accounts(members, cfg.window_hours) >= cfg.min_accounts:
            bursts.append(_describe(members, cfg))
    return sorted(bursts, key=lambda b: (b["start"], b["title"]))


def _describe(members: list[SignalMessage], cfg: CoordinationConfig) -> dict:
    authors = {m.author_key for m in members}
    new = {m.author_key for m in members if is_new_account(m, cfg.new_account_days)}
    first, last = members[0].sent_at, members[-1].sent_at
    minutes = max(1, round((last - first).total_seconds() / 60))
    topic = sorted(Counter(m.topic for m in members).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    words = members[0].normalised.split()
    quote = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    share = len(new) / len(authors)
    title = (
        f"Gecoördineerd: {len(members)} bijna gelijke berichten van {len(authors)} accounts "
        f"binnen {minutes} minuten (‘{quote}’), {share:.0%} nieuwe accounts"
    )
    return {
        "kind": "coordinated",
        "title": title,
        "topic": topic,
        "start": first.isoformat(),
        "end": last.isoformat(),
        "score": round(len(authors) * (0.5 + share), 1),
        "messages": [m.key for m in members],
        "accounts": len(authors),
        "new_account_share": round(share, 2),
        "channels": dict(sorted(Counter(m.channel for m in members).items())),
    }
