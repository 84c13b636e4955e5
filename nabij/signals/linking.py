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


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero; NaN becomes 0)."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _link_rows(
    unit: np.ndarray, times: np.ndarray, areas: np.ndarray, rows: np.ndarray,
    uf: UnionFind, cfg: LinkConfig,
) -> None:  # fmt: skip
    """Union every close pair among `rows` (sorted by time) into `uf`."""
    sub_unit, sub_times, sub_areas = unit[rows], times[rows], areas[rows]
    for lo in range(0, len(rows), cfg.chunk):
        hi = min(lo + cfg.chunk, len(rows))
        first = int(np.searchsorted(sub_times, sub_times[lo] - cfg.window_seconds, side="left"))
        sims = sub_unit[lo:hi] @ sub_unit[first:hi].T
        if cfg.place_bonus and sub_areas[lo:hi].max() >= 0 and sub_areas[first:hi].max() >= 0:
            same = (sub_areas[lo:hi, None] == sub_areas[None, first:hi]) & (
                sub_areas[lo:hi, None] >= 0
            )
            sims += cfg.place_bonus * same
        # Threshold first, then check order and window on the few hits only: far cheaper
        # than building full boolean matrices for them.
        i_idx, j_idx = np.nonzero(sims >= cfg.similarity)
        i_idx, j_idx = i_idx + lo, j_idx + first
        keep = (j_idx < i_idx) & (sub_times[i_idx] - sub_times[j_idx] <= cfg.window_seconds)
        for i, j in zip(rows[i_idx[keep]].tolist(), rows[j_idx[keep]].tolist(), strict=True):
            uf.union(i, j)


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
    vectors: np.ndarray, times: np.ndarray, areas: np.ndarray, cfg: LinkConfig
) -> list[list[int]]:
    """Connected components of the similarity links; rows must be sorted by `times` (s)."""
    count = len(times)
    if count == 0:
        return []
    unit = unit_rows(vectors)
    uf = UnionFind(count)
    if count <= cfg.exact_limit:
        _link_rows(unit, times, areas, np.arange(count), uf, cfg)
        return uf.groups()
    for rows in _coarse_cells(unit, cfg):
        _link_rows(unit, times, areas, rows, uf, cfg)
    order = np.argsort(areas, kind="stable")
    bounds = np.nonzero(np.diff(areas[order]))[0] + 1
    for rows in np.split(order, bounds):
        if len(rows) > 1 and areas[rows[0]] >= 0:
            _link_rows(unit, times, areas, np.sort(rows), uf, cfg)
    return uf.groups()
