"""Spike detection: daily and hourly counts per topic and channel against a seasonal baseline.

The method is described in docs/signals.md ("Spikes"); keep the two in step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .localtime import naive_seconds, wall_seconds
from .records import SignalMessage
from .stats import nb_upper_tail, winsorise

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True)
class SpikeConfig:
    """Thresholds of the spike detector (documented in docs/signals.md)."""

    history_days: int = 56
    min_history_days: int = 7
    min_daily: int = 8
    min_hourly: int = 8
    ratio: float = 2.0
    hourly_ratio: float = 3.0
    p_daily: float = 1e-3
    p_hourly: float = 1e-6
    dispersion: float = 0.15
    max_examples: int = 5


@dataclass
class _Grid:
    """Messages placed on local day/hour cells, with one count row per series.

    The messages inside the grid are kept in hour order (`msg_hour` ascending), each with
    its three series (`msg_series`: total, topic, channel), so the members of an alert are
    one slice of hours.
    """

    origin: datetime
    days: int
    data_start_day: int
    first_eval_day: int
    series: list[tuple[str, str]]
    daily: np.ndarray
    hourly: np.ndarray
    msg_series: np.ndarray
    msg_hour: np.ndarray
    keys: list[str]
    topics: list[str]


def _build_grid(
    messages: Sequence[SignalMessage],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    cfg: SpikeConfig,
) -> _Grid:
    first_eval = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    origin = first_eval - timedelta(days=cfg.history_days)
    days = (end.astimezone(tz) - origin).days + 1
    first_s, end_s = origin.timestamp(), end.timestamp()
    inside = [m for m in messages if first_s <= m.epoch < end_s]
    series_index: dict[tuple[str, str], int] = {("all", ""): 0}
    codes = np.zeros((len(inside), 3), dtype=np.int64)
    for row, message in enumerate(inside):
        codes[row, 1] = series_index.setdefault(("topic", message.topic), len(series_index))
        codes[row, 2] = series_index.setdefault(("channel", message.channel), len(series_index))
    epoch = np.fromiter((m.epoch for m in inside), dtype=np.float64, count=len(inside))
    wall = wall_seconds([m.sent_at for m in inside], tz, epoch)
    hours = np.floor((wall - naive_seconds(origin)) / 3600).astype(np.int64)
    cells = len(series_index) * days * 24
    flat = (codes * (days * 24) + hours[:, None]).ravel()
    hourly = np.bincount(flat, minlength=cells).reshape(len(series_index), days * 24)
    daily = hourly.reshape(len(series_index), days, 24).sum(axis=2)
    active = np.nonzero(daily[0])[0]
    order = np.argsort(hours, kind="stable")
    return _Grid(
        origin=origin, days=days, data_start_day=int(active[0]) if active.size else days,
        first_eval_day=cfg.history_days,
        series=list(series_index), daily=daily, hourly=hourly, msg_series=codes[order],
        msg_hour=hours[order], keys=[inside[i].key for i in order.tolist()],
        topics=[inside[i].topic for i in order.tolist()],
    )  # fmt: skip


def _weekday_factors(grid: _Grid) -> np.ndarray:
    """Relative volume per weekday from all messages in the history (1.0 when too little)."""
    lo = grid.data_start_day
    history = grid.daily[0, lo : grid.first_eval_day]
    if history.sum() < 50 or history.size < 14:
        return np.ones(7)
    weekdays = (np.arange(lo, grid.first_eval_day) + grid.origin.weekday()) % 7
    means = np.array([history[weekdays == w].mean() for w in range(7)], dtype=float)
    return np.clip((means + 0.5) / (history.mean() + 0.5), 0.3, 3.0)


def _expected(grid: _Grid, factors: np.ndarray, day: int, cfg: SpikeConfig) -> np.ndarray | None:
    """Expected count of every series on `day`: recent level and same weekday, seasonal."""
    lo = max(grid.data_start_day, day - 28)
    if day - lo < cfg.min_history_days:
        return None
    span = np.arange(lo, day)
    weekday_of = (span + grid.origin.weekday()) % 7
    deseasoned = grid.daily[:, lo:day] / factors[weekday_of]
    capped = np.vstack([winsorise(row) for row in deseasoned])
    recent = capped[:, -14:].mean(axis=1)
    target = (day + grid.origin.weekday()) % 7
    # The median of the same weekday keeps a topic's own weekly rhythm (capping would flatten
    # it) while one past spike on that weekday still cannot raise the baseline.
    same = deseasoned[:, weekday_of == target]
    same_level = np.median(same, axis=1) if same.shape[1] else recent
    return factors[target] * (0.5 * recent + 0.5 * same_level)


def _fmt_day(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]}"


def _describe(grid: _Grid, s: int, count: int, mean: float, sd: float, when: str) -> str:
    kind, value = grid.series[s]
    what = {"topic": f"over {value}", "channel": f"via {value}", "all": "in totaal"}[kind]
    return f"{count} berichten {what} {when}, verwacht {mean:.0f} ± {max(sd, 1):.0f}"


def _examples(grid: _Grid, s: int, hour_lo: int, hour_hi: int, limit: int) -> tuple[list[str], str]:
    """Up to `limit` member keys spread over the alert window, and their commonest topic."""
    rows = _member_rows(grid, s, hour_lo, hour_hi)
    rows_list = rows.tolist()
    ordered = zip(grid.msg_hour[rows].tolist(), [grid.keys[i] for i in rows_list], rows_list,
                  strict=True)  # fmt: skip
    chosen = [i for _, _, i in sorted(ordered)]
    counts: dict[str, int] = {}
    for i in chosen:
        counts[grid.topics[i]] = counts.get(grid.topics[i], 0) + 1
    topic = max(sorted(counts), key=lambda t: counts[t]) if counts else "overig"
    if len(chosen) > limit:
        step = (len(chosen) - 1) / (limit - 1)
        chosen = [chosen[round(k * step)] for k in range(limit)]
    return [grid.keys[i] for i in chosen], topic


def _alert(grid: _Grid, s: int, hours: tuple[int, int], stats: tuple[int, float, float, float],
           granularity: str, cfg: SpikeConfig) -> dict:  # fmt: skip
    count, mean, sd, p_value = stats
    start = grid.origin + timedelta(hours=hours[0])
    end = grid.origin + timedelta(hours=hours[1])
    last = end - timedelta(hours=1)
    if granularity == "day":
        when = f"op {_fmt_day(start)}" if hours[1] - hours[0] == 24 else (
            f"van {_fmt_day(start)} tot en met {_fmt_day(last)}")  # fmt: skip
    else:
        when = f"op {_fmt_day(start)} {start.hour:02d}:00–{end.hour:02d}:00"
    examples, topic = _examples(grid, s, hours[0], hours[1], cfg.max_examples)
    kind, value = grid.series[s]
    return {
        "kind": "spike",
        "title": _describe(grid, s, count, mean, sd, when),
        "topic": value if kind == "topic" else topic,
        "channel": value if kind == "channel" else None,
        "series": f"{kind}:{value}" if value else kind,
        "granularity": granularity,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "score": round((count - mean) / max(sd, 1e-9), 1),
        "count": count,
        "expected": round(mean, 1),
        "expected_sd": round(sd, 1),
        "p_value": float(f"{p_value:.3g}"),
        "messages": examples,
        "_cell": (s, hours[0], hours[1]),
    }


def _merge_runs(cells: list[int], gap: int) -> list[tuple[int, int]]:
    """Group sorted cell indexes into runs, allowing `gap` empty cells inside a run."""
    runs: list[tuple[int, int]] = []
    for cell in cells:
        if runs and cell - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], cell)
        else:
            runs.append((cell, cell))
    return runs


def _daily_alerts(grid: _Grid, factors: np.ndarray, cfg: SpikeConfig) -> tuple[list, dict]:
    flagged: dict[int, list[int]] = {}
    expected_by_day: dict[int, np.ndarray] = {}
    for day in range(grid.first_eval_day, grid.days):
        expected = _expected(grid, factors, day, cfg)
        if expected is None:
            continue
        expected_by_day[day] = expected
        counts = grid.daily[:, day]
        hits = np.nonzero((counts >= cfg.min_daily) & (counts >= cfg.ratio * expected))[0]
        for row in hits.tolist():
            if nb_upper_tail(int(counts[row]), float(expected[row]), cfg.dispersion) <= cfg.p_daily:
                flagged.setdefault(row, []).append(day)
    alerts = []
    for s, days in flagged.items():
        for lo, hi in _merge_runs(days, 1):
            count = int(grid.daily[s, lo : hi + 1].sum())
            mean = float(sum(expected_by_day[d][s] for d in range(lo, hi + 1)))
            sd = math.sqrt(mean + cfg.dispersion * mean**2)
            p_value = nb_upper_tail(count, mean, cfg.dispersion)
            alerts.append(_alert(grid, s, (lo * 24, (hi + 1) * 24), (count, mean, sd, p_value),
                                 "day", cfg))  # fmt: skip
    return alerts, expected_by_day


def _hour_profile(grid: _Grid) -> np.ndarray:
    """Share of a day's messages per local hour, from the history (uniform when too little)."""
    lo, hi = grid.data_start_day * 24, grid.first_eval_day * 24
    history = grid.hourly[0, lo:hi].reshape(-1, 24).sum(axis=0) if hi > lo else np.zeros(24)
    if history.sum() < 200:
        return np.full(24, 1 / 24)
    smoothed = history + history.sum() / 240  # keep quiet night hours from expecting zero
    return smoothed / smoothed.sum()


def _hourly_alerts(grid: _Grid, expected_by_day: dict, cfg: SpikeConfig) -> list[dict]:
    profile = _hour_profile(grid)
    flagged: dict[int, list[int]] = {}
    for day, expected in expected_by_day.items():
        block = grid.hourly[:, day * 24 : (day + 1) * 24]
        means = np.outer(expected, profile)
        hits = np.nonzero((block >= cfg.min_hourly) & (block >= cfg.hourly_ratio * means))
        for s, h in zip(*hits, strict=True):
            p_value = nb_upper_tail(int(block[s, h]), float(means[s, h]), cfg.dispersion)
            if p_value <= cfg.p_hourly:
                flagged.setdefault(int(s), []).append(day * 24 + int(h))
    alerts = []
    for s, hours in flagged.items():
        for lo, hi in _merge_runs(sorted(hours), 2):
            count = int(grid.hourly[s, lo : hi + 1].sum())
            mean = float(sum(expected_by_day[h // 24][s] * profile[h % 24]
                             for h in range(lo, hi + 1)))  # fmt: skip
            sd = math.sqrt(mean + cfg.dispersion * mean**2)
            p_value = nb_upper_tail(count, mean, cfg.dispersion)
            alerts.append(_alert(grid, s, (lo, hi + 1), (count, mean, sd, p_value), "hour", cfg))
    return alerts


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _member_rows(grid: _Grid, s: int, hour_lo: int, hour_hi: int) -> np.ndarray:
    """Rows (in hour order) of the messages of series `s` in hours [hour_lo, hour_hi)."""
    lo = int(np.searchsorted(grid.msg_hour, hour_lo, side="left"))
    hi = int(np.searchsorted(grid.msg_hour, hour_hi, side="left"))
    return lo + np.nonzero((grid.msg_series[lo:hi] == s).any(axis=1))[0]


def _explained(grid: _Grid, alert: dict, others: list[dict]) -> float:
    """Share of an alert's messages that overlapping topic (or channel) alerts already hold."""
    s, lo, hi = alert["_cell"]
    rows = _member_rows(grid, s, lo, hi)
    near = [o for o in others if o is not alert and _overlaps(o, alert)]
    topics = {o["series"] for o in near if o["series"].startswith("topic:")}
    channels = set()
    if alert["series"] == "all":
        channels = {o["series"] for o in near if o["series"].startswith("channel:")}
    holds = np.array(
        [(kind == "topic" and f"topic:{value}" in topics) or f"channel:{value}" in channels
         for kind, value in grid.series], dtype=bool,
    )  # fmt: skip
    held = int(holds[grid.msg_series[rows]].any(axis=1).sum())
    return held / max(1, len(rows))


def _prune(grid: _Grid, alerts: list[dict]) -> list[dict]:
    """One event, one alert where possible: the most specific series that explains it.

    An hourly alert inside a daily alert of the same series goes; a channel alert goes when
    overlapping topic alerts hold at least half its messages; the total goes when overlapping
    topic and channel alerts do.
    """
    alerts = [
        a for a in alerts
        if a["granularity"] == "day" or not any(
            d["granularity"] == "day" and d["series"] == a["series"] and _overlaps(d, a)
            for d in alerts
        )
    ]  # fmt: skip
    kept = [a for a in alerts if a["series"] == "all" or _explained(grid, a, alerts) < 0.5]
    return [a for a in kept if a["series"] != "all" or _explained(grid, a, kept) < 0.5]


def find_spikes(
    messages: Sequence[SignalMessage],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    config: SpikeConfig | None = None,
) -> list[dict]:
    """Spikes in [start, end) per topic, channel and in total; history before `start` is used."""
    cfg = config or SpikeConfig()
    grid = _build_grid(messages, start, end, tz, cfg)
    factors = _weekday_factors(grid)
    daily, expected_by_day = _daily_alerts(grid, factors, cfg)
    hourly = _hourly_alerts(grid, expected_by_day, cfg)
    alerts = [{k: v for k, v in a.items() if k != "_cell"} for a in _prune(grid, daily + hourly)]
    alerts = [
        a for a in alerts
        if start < datetime.fromisoformat(a["end"]) and datetime.fromisoformat(a["start"]) < end
    ]  # fmt: skip
    return sorted(alerts, key=lambda a: (a["start"], -a["score"], a["series"]))
