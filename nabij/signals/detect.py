"""One call for the policy signals of a period: spikes, patterns and warnings."""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .coordination import CoordinationConfig, find_coordinated
from .patterns import PatternConfig, find_patterns
from .polarisation import PolarisationConfig, find_polarisation
from .records import SignalMessage
from .spikes import SpikeConfig, find_spikes
from .text import EMPTY_GAZETTEER, Gazetteer, lexical_vectors

Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class SignalConfig:
    """All thresholds together; the defaults are the documented ones."""

    timezone: str = "Europe/Amsterdam"
    spikes: SpikeConfig = field(default_factory=SpikeConfig)
    patterns: PatternConfig = field(default_factory=PatternConfig)
    coordination: CoordinationConfig = field(default_factory=CoordinationConfig)
    polarisation: PolarisationConfig = field(default_factory=PolarisationConfig)


def as_moment(value: date | datetime, tz: ZoneInfo, *, end: bool = False) -> datetime:
    """A period bound: a date is local midnight (the day after for an inclusive end date)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time(0), tzinfo=tz)


_TEXT_FIELDS = (
    ("key", ""), ("channel", "import"), ("author_key", ""), ("type", "overig"),
    ("emotion", "neutraal"), ("topic", "overig"),
)  # fmt: skip


def _is_clean(m: SignalMessage) -> bool:
    """Whether every field already has a usable type (true for records from the database)."""
    first = m.author_first_seen
    return (
        type(m.key) is str and type(m.channel) is str and type(m.author_key) is str
        and type(m.type) is str and type(m.emotion) is str and type(m.topic) is str
        and type(m.toxicity) is float and m.toxicity == m.toxicity
        and type(m.sentiment) is float and m.sentiment == m.sentiment
        and (first is None or (type(first) is datetime and first.tzinfo is not None))
    )  # fmt: skip


def text_needed_from(start: date | datetime, config: SignalConfig | None = None) -> datetime:
    """From when on `detect` reads the messages' text, author and tone for this start.

    Older messages (the rest of the spike history) are only counted per day and hour, so a
    caller may pass them with an empty text and no author. Polarisation compares each week
    with the weeks before it, so this is the Monday of the first week, that many weeks back.
    """
    cfg = config or SignalConfig()
    tz = ZoneInfo(cfg.timezone)
    local = as_moment(start, tz).astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday(), weeks=cfg.polarisation.baseline_weeks)
    return datetime.combine(monday, time(0), tzinfo=tz)


def _clean(message: SignalMessage) -> SignalMessage:
    """The message with odd field values replaced by neutral ones, so junk never crashes."""
    if _is_clean(message):
        return message
    fixes: dict[str, object] = {}
    for name, default in _TEXT_FIELDS:
        if not isinstance(getattr(message, name), str):
            fixes[name] = default
    for name in ("toxicity", "sentiment"):
        value = getattr(message, name)
        if not isinstance(value, int | float) or value != value:
            fixes[name] = 0.0
    first = message.author_first_seen
    if first is not None and not (isinstance(first, datetime) and first.tzinfo is not None):
        fixes["author_first_seen"] = None
    return replace(message, **fixes) if fixes else message  # type: ignore[arg-type]


def _usable(messages: Sequence[object]) -> list[SignalMessage]:
    """SignalMessages with an aware time and a text, cleaned; anything else is ignored."""
    return [
        _clean(m) for m in messages
        if isinstance(m, SignalMessage) and isinstance(m.sent_at, datetime)
        and m.sent_at.tzinfo is not None and isinstance(m.text, str)
    ]  # fmt: skip


def candidate_vectors(
    candidates: Sequence[SignalMessage], embedder: Embedder | None, max_embedded: int = 0
) -> tuple[np.ndarray, bool]:
    """Embeddings for the candidates: precomputed where all agree, else from the embedder.

    The second value says whether the model-free lexical fallback was used: without an
    embedder, or when more than `max_embedded` (if > 0) texts would have to be embedded.
    """
    if not candidates:
        return np.zeros((0, 1), dtype=np.float32), False
    given = [m.embedding for m in candidates]
    shapes = {np.shape(v) for v in given if v is not None}
    if len(shapes) == 1 and all(v is not None for v in given) and len(next(iter(shapes))) == 1:
        return np.vstack([np.asarray(v, dtype=np.float32) for v in given]), False
    missing = [i for i, v in enumerate(given) if v is None or np.shape(v) not in shapes]
    if len(shapes) != 1:
        missing = list(range(len(candidates)))
    if embedder is None or 0 < max_embedded < len(missing):
        return lexical_vectors([m.terms for m in candidates]), True
    fresh = np.asarray(embedder([candidates[i].text for i in missing]), dtype=np.float32)
    if fresh.ndim != 2 or fresh.shape[0] != len(missing):
        raise ValueError(f"embedder returned shape {fresh.shape} for {len(missing)} texts")
    if len(missing) == len(candidates):
        return fresh, False
    out = np.vstack([np.asarray(v, dtype=np.float32) if v is not None else fresh[0] for v in given])
    if out.shape[1] != fresh.shape[1]:
        return np.asarray(embedder([m.text for m in candidates]), dtype=np.float32), False
    out[missing] = fresh
    return out, False


class Stages:
    """Seconds per named stage, added to `out` (when given) as each stage ends."""

    def __init__(self, out: dict[str, float] | None) -> None:
        self.out = out
        self.last = clock.perf_counter()

    def done(self, name: str) -> None:
        """Close the stage that ran since the previous call."""
        now = clock.perf_counter()
        if self.out is not None:
            self.out[name] = self.out.get(name, 0.0) + now - self.last
        self.last = now


def detect(
    messages: Sequence[SignalMessage],
    start: date | datetime,
    end: date | datetime,
    embedder: Embedder | None = None,
    gazetteer: Gazetteer | Mapping[str, str | None] | None = None,
    config: SignalConfig | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, list[dict]]:
    """Spikes, patterns (rumours included) and warnings for [start, end].

    Pass the messages of the period plus about eight weeks before it: spikes compare with
    that history. An end date is inclusive; an end datetime is exclusive. `timings`, when
    given, receives the seconds each stage took, and `lexical_vectors` (1.0 or 0.0): whether
    patterns were grouped by the lexical vectors instead of the embedder's.
    """
    stages = Stages(timings)
    cfg = config or SignalConfig()
    tz = ZoneInfo(cfg.timezone)
    lo, hi = as_moment(start, tz), as_moment(end, tz, end=True)
    if hi <= lo:
        return {"spikes": [], "patterns": [], "warnings": []}
    usable = _usable(messages)
    lo_s, hi_s = lo.timestamp(), hi.timestamp()
    in_window = [m for m in usable if lo_s <= m.epoch < hi_s]
    places = gazetteer if isinstance(gazetteer, Gazetteer) else (
        Gazetteer.from_mapping(gazetteer) if gazetteer else EMPTY_GAZETTEER)  # fmt: skip
    stages.done("prepare")
    spikes = find_spikes(usable, lo, hi, tz, cfg.spikes)
    stages.done("spikes")
    candidates = [m for m in in_window if m.type in cfg.patterns.types]
    vectors, lexical = candidate_vectors(candidates, embedder, cfg.patterns.max_embedded)
    if timings is not None:
        timings["lexical_vectors"] = float(lexical)
    stages.done("vectors")
    pattern_cfg = cfg.patterns
    if lexical:
        pattern_cfg = replace(pattern_cfg, similarity=pattern_cfg.lexical_similarity)
    patterns = find_patterns(candidates, vectors, hi, tz, places, pattern_cfg)
    stages.done("patterns")
    bursts = find_coordinated(in_window, lo, hi, cfg.coordination)
    stages.done("coordination")
    polarisation = find_polarisation(usable, lo, hi, tz, bursts, cfg.polarisation)
    stages.done("polarisation")
    warnings = sorted(bursts + polarisation, key=lambda w: (w["start"], w["kind"], w["topic"]))
    return {"spikes": spikes, "patterns": patterns, "warnings": warnings}
