"""Linking: the coarse-cell path for large blocks finds what the exhaustive path finds."""

from __future__ import annotations

import numpy as np

from nabij.signals.linking import LinkConfig, UnionFind, link_groups, unit_rows


def _planted(seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[set[int]]]:
    rng = np.random.default_rng(seed)
    count, dim = 3000, 256
    topic = unit_rows(rng.standard_normal((1, dim)))
    vectors = unit_rows(0.6 * topic + 0.8 * unit_rows(rng.standard_normal((count, dim))))
    clusters = []
    for c in range(15):
        rows = np.arange(c * 100, c * 100 + 8)
        centre = unit_rows(0.6 * topic + 0.8 * unit_rows(rng.standard_normal((1, dim))))
        vectors[rows] = unit_rows(0.9 * centre + 0.3 * unit_rows(rng.standard_normal((8, dim))))
        clusters.append(set(rows.tolist()))
    times = np.arange(count, dtype=np.float64) * 600.0  # one message per ten minutes
    return vectors, times, np.full(count, -1), clusters


def _multi(groups: list[list[int]]) -> list[set[int]]:
    return sorted((set(g) for g in groups if len(g) > 1), key=min)


def test_coarse_cells_find_the_planted_groups_like_the_exact_path() -> None:
    vectors, times, areas, clusters = _planted()
    exact = _multi(link_groups(vectors, times, areas, LinkConfig(similarity=0.7)))
    coarse = _multi(
        link_groups(
            vectors, times, areas, LinkConfig(similarity=0.7, exact_limit=500, cell_size=200)
        )
    )
    assert exact == clusters
    assert coarse == clusters


def test_same_area_rows_are_always_compared_in_the_coarse_path() -> None:
    vectors, times, areas, _ = _planted()
    areas = areas.copy()
    far_apart = [5, 1205, 2405]  # unrelated meaning, different cells, one area
    areas[far_apart] = 3
    vectors[far_apart] = unit_rows(np.eye(256)[[0, 1, 2]] + 0.8)
    config = LinkConfig(similarity=0.7, place_bonus=0.5, exact_limit=500, cell_size=200,
                        window_seconds=1e9)  # fmt: skip
    groups = _multi(link_groups(vectors, times, areas, config))
    assert any({5, 1205, 2405} <= g for g in groups)


def test_window_limits_links() -> None:
    vectors = np.ones((3, 4), dtype=np.float32)
    times = np.array([0.0, 10.0, 10_000.0])
    groups = link_groups(vectors, times, np.full(3, -1), LinkConfig(window_seconds=100.0))
    assert _multi(groups) == [{0, 1}]


def test_union_find_groups() -> None:
    uf = UnionFind(5)
    uf.union(3, 1)
    uf.union(4, 3)
    assert uf.groups() == [[0], [1, 3, 4], [2]]
