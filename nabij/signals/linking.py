"""Linking similar messages: banded exact cosine, with coarse cells for large blocks.

Comparing every candidate with every other one inside a time window costs n² dot products.
Blocks larger than `exact_limit` are first split into coarse cells of similar meaning (a few
rounds of spherical k-means on a sample, deterministic), each row joins its nearest cell and
also its second when that is nearly as close, and rows are compared inside cells only.
Messages naming the same area are always compared with each other as well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinkConfig:
    """How messages are linked (the pattern detector's thresholds, plus blocking sizes)."""

    window_seconds: float = 7 * 86400.0
    similarity: float = 0.57
    place_bonus: float = 0.15
    chunk: int = 2048
    exact_limit: int = 8000
    cell_size: int = 400
    second_cell_margin: float = 0.08
    train_sample: int = 6000
    kmeans_rounds: int = 6


class UnionFind:
    """Disjoint sets over 0..size-1; the smallest index is a set's root."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        """The root of the item's set."""
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression keeps later finds short
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        """Join the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        """All sets, each sorted, ordered by their smallest member."""
        out: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            out.setdefault(self.find(index), []).append(index)
        return list(out.values())


def connected_groups(
    count: int, first: np.ndarray, second: np.ndarray, min_size: int = 1
) -> list[list[int]]:
    """Connected components of 0..count-1 joined by the pairs (first[k], second[k]).

    The same sets, in the same order, as a `UnionFind` given every pair, but in a few
    vectorised rounds: each round hooks every root to the smallest root it is paired with,
    then points every row at its root. Labels only fall, so a root is its set's smallest row.
    Only sets of at least `min_size` rows are returned.
    """
    parent = np.arange(count, dtype=np.int64)
    a = np.asarray(first, dtype=np.int64)
    b = np.asarray(second, dtype=np.int64)
    while a.size:
        ra, rb = parent[a], parent[b]
        open_ = ra != rb
        if not open_.any():
            break
        a, b, ra, rb = a[open_], b[open_], ra[open_], rb[open_]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    if not count:
        return []
    sizes = np.bincount(parent, minlength=count)
    order = np.argsort(parent, kind="stable")  # rows by root; each set in row order
    roots = np.nonzero(sizes >= max(1, min_size))[0]
    starts = np.searchsorted(parent[order], roots, side="left")
    rows = order.tolist()
    return [rows[s : s + n] for s, n in zip(starts.tolist(), sizes[roots].tolist(), strict=True)]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero; NaN becomes 0)."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _same_area_cells(areas_i: np.ndarray, areas_j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with areas_i[i] == areas_j[j] >= 0, found by sorting instead of a matrix."""
    rows = np.nonzero(areas_i >= 0)[0]
    cols = np.nonzero(areas_j >= 0)[0]
    cols = cols[np.argsort(areas_j[cols], kind="stable")]
    sorted_areas = areas_j[cols]
    left = np.searchsorted(sorted_areas, areas_i[rows], side="left")
    counts = np.searchsorted(sorted_areas, areas_i[rows], side="right") - left
    starts = np.cumsum(counts) - counts
    offsets = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return np.repeat(rows, counts), cols[np.repeat(left, counts) + offsets]


def _close_pairs(sims: np.ndarray, areas_i: np.ndarray, areas_j: np.ndarray,
                 cfg: LinkConfig) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Cells of a similarity block that reach the threshold, counting the place bonus.

    Pairs naming the same area are few, so the bonus is added to those cells only (the
    same float32 sums as adding a bonus matrix); a pair may be given twice.
    """
    i_idx, j_idx = np.nonzero(sims >= cfg.similarity)
    if not cfg.place_bonus:
        return i_idx, j_idx
    same_i, same_j = _same_area_cells(areas_i, areas_j)
    boosted = (sims[same_i, same_j].astype(np.float64) + cfg.place_bonus).astype(np.float32)
    hit = boosted >= cfg.similarity
    return np.concatenate([i_idx, same_i[hit]]), np.concatenate([j_idx, same_j[hit]])


def _chunk_rows(times: np.ndarray, cfg: LinkConfig) -> int:
    """Rows per block: about one window's worth, so that a block is compared with itself
    and the window before it (not with rows far outside the window); at most `cfg.chunk`."""
    if len(times) < 2:
        return cfg.chunk
    span = float(times[-1] - times[0]) + cfg.window_seconds
    per_window = len(times) * cfg.window_seconds / max(span, 1.0)
    return int(min(cfg.chunk, max(256, per_window)))


def _link_rows(
    unit: np.ndarray, times: np.ndarray, areas: np.ndarray, rows: np.ndarray, cfg: LinkConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Every close pair among `rows` (sorted by time): later row first, then earlier."""
    sub_unit, sub_times, sub_areas = unit[rows], times[rows], areas[rows]
    later: list[np.ndarray] = []
    earlier: list[np.ndarray] = []
    chunk = _chunk_rows(sub_times, cfg)
    for lo in range(0, len(rows), chunk):
        hi = min(lo + chunk, len(rows))
        first = int(np.searchsorted(sub_times, sub_times[lo] - cfg.window_seconds, side="left"))
        sims = sub_unit[lo:hi] @ sub_unit[first:hi].T
        # Threshold first, then check order and window on the few hits only: far cheaper
        # than building full boolean matrices for them.
        i_idx, j_idx = _close_pairs(sims, sub_areas[lo:hi], sub_areas[first:hi], cfg)
        i_idx, j_idx = i_idx + lo, j_idx + first
        keep = (j_idx < i_idx) & (sub_times[i_idx] - sub_times[j_idx] <= cfg.window_seconds)
        later.append(rows[i_idx[keep]])
        earlier.append(rows[j_idx[keep]])
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate(later) if later else empty,
            np.concatenate(earlier) if earlier else empty)  # fmt: skip


def _coarse_cells(unit: np.ndarray, cfg: LinkConfig) -> list[np.ndarray]:
    """Row sets (sorted) of coarse meaning cells; a row may sit in two cells."""
    count = len(unit)
    cells = max(2, count // cfg.cell_size)
    sample = unit[:: max(1, count // cfg.train_sample)]
    centres = sample[np.linspace(0, len(sample) - 1, cells).astype(np.int64)].copy()
    for _ in range(cfg.kmeans_rounds):
        nearest = np.argmax(sample @ centres.T, axis=1)
        for c in range(cells):
            members = sample[nearest == c]
            if len(members):
                centres[c] = members.mean(axis=0)
        centres = unit_rows(centres)
    first = np.empty(count, dtype=np.int64)
    second = np.empty(count, dtype=np.int64)
    keep_second = np.empty(count, dtype=bool)
    for lo in range(0, count, 20_000):
        scores = unit[lo : lo + 20_000] @ centres.T
        top2 = np.argpartition(-scores, 1, axis=1)[:, :2]
        top_scores = np.take_along_axis(scores, top2, axis=1)
        swap = top_scores[:, 1] > top_scores[:, 0]
        top2[swap] = top2[swap][:, ::-1]
        top_scores[swap] = top_scores[swap][:, ::-1]
        first[lo : lo + 20_000] = top2[:, 0]
        second[lo : lo + 20_000] = top2[:, 1]
        keep_second[lo : lo + 20_000] = (
            top_scores[:, 0] - top_scores[:, 1] <= cfg.second_cell_margin
        )
    out = []
    for c in range(cells):
        rows = np.nonzero((first == c) | ((second == c) & keep_second))[0]
        if len(rows) > 1:
            out.append(rows)
    return out


def link_groups(
    vectors: np.ndarray, times: np.ndarray, areas: np.ndarray, cfg: LinkConfig, min_size: int = 1
) -> list[list[int]]:
    """Connected components of the similarity links (those of at least `min_size` rows);
    rows must be sorted by `times` (s)."""
    count = len(times)
    if count == 0:
        return []
    unit = unit_rows(vectors)
    if count <= cfg.exact_limit:
        pairs = [_link_rows(unit, times, areas, np.arange(count), cfg)]
    else:
        pairs = [_link_rows(unit, times, areas, rows, cfg) for rows in _coarse_cells(unit, cfg)]
        order = np.argsort(areas, kind="stable")
        bounds = np.nonzero(np.diff(areas[order]))[0] + 1
        for rows in np.split(order, bounds):
            if len(rows) > 1 and areas[rows[0]] >= 0:
                pairs.append(_link_rows(unit, times, areas, np.sort(rows), cfg))
    return connected_groups(
        count, np.concatenate([a for a, _ in pairs]), np.concatenate([b for _, b in pairs]),
        min_size,
    )  # fmt: skip
