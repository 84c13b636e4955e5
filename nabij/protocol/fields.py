"""The fields a condition can test, and how each is read from an analysis or context.

Input dictionaries are untrusted: a missing or malformed value never raises. It becomes
`MISSING` (analysis scalars), an empty list (analysis lists) or the documented default
(context), and a note says so in the trace.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nabij.protocol import vocab


class _Missing:
    """Marker for a value that is absent from the input."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# Kinds: number (float, with a range), count (int >= 0), bool, enum (closed vocabulary),
# ordinal (ordered vocabulary), text (free string), list (list of vocabulary items).
NUMBER, COUNT, BOOL, ENUM, ORDINAL, TEXT, LIST = (
    "number",
    "count",
    "bool",
    "enum",
    "ordinal",
    "text",
    "list",
)


@dataclass(frozen=True)
class FieldSpec:
    """A field a condition may test."""

    name: str
    kind: str
    source: str  # "analysis" or "context"
    key: str  # the key in the input dictionary (or "<dict>.<item>" for scores)
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    default: Any = MISSING
    description: str = ""


def _specs() -> dict[str, FieldSpec]:
    a, c = "analysis", "context"
    specs = [
        FieldSpec("type", ENUM, a, "type", vocab.MESSAGE_TYPES, description="message type"),
        FieldSpec("type_confidence", NUMBER, a, "type_confidence", low=0, high=1),
        FieldSpec("sentiment", NUMBER, a, "sentiment", low=-1, high=1),
        FieldSpec("sentiment_label", ENUM, a, "sentiment_label", vocab.SENTIMENT_LABELS),
        FieldSpec("emotion", ENUM, a, "emotion", vocab.EMOTIONS),
        FieldSpec("toxicity", NUMBER, a, "toxicity", low=0, high=1),
        FieldSpec("toxicity_categories", LIST, a, "toxicity_categories", vocab.TOXICITY_CATEGORIES),
        FieldSpec("urgency", ORDINAL, a, "urgency", vocab.URGENCY_LEVELS),
        FieldSpec("topic", ENUM, a, "topics", vocab.DEFAULT_TOPICS, description="top topic"),
        FieldSpec("topic_score", NUMBER, a, "topics", low=0, high=1),
        FieldSpec("topics", LIST, a, "topics", vocab.DEFAULT_TOPICS),
        FieldSpec("language", TEXT, a, "language"),
        FieldSpec("pii", LIST, a, "pii", vocab.PII_KINDS, description="kinds of personal data"),
        FieldSpec("channel", ENUM, c, "channel", vocab.CHANNELS),
        FieldSpec("public", BOOL, c, "public", default=True),
        FieldSpec("first_message", BOOL, c, "first_message", default=True),
        FieldSpec("author.messages_recent", COUNT, c, "author_messages_recent", default=0),
        FieldSpec("author.recent_days", COUNT, c, "author_recent_days", default=30),
        FieldSpec("author.hidden_count", COUNT, c, "author_hidden_count", default=0),
        FieldSpec("author.flagged_abuser", BOOL, c, "author_flagged_abuser", default=False),
        FieldSpec("conversation.has_reply", BOOL, c, "conversation_has_reply", default=False),
        FieldSpec("office_hours", BOOL, c, "office_hours", default=True),
        FieldSpec("crisis_mode", BOOL, c, "crisis_mode", default=False),
    ]
    for name in vocab.MESSAGE_TYPES:
        specs.append(
            FieldSpec(f"type_score.{name}", NUMBER, a, f"type_scores.{name}", low=0, high=1)
        )
    for name in vocab.EMOTIONS:
        specs.append(
            FieldSpec(f"emotion_score.{name}", NUMBER, a, f"emotion_scores.{name}", low=0, high=1)
        )
    return {spec.name: spec for spec in specs}


FIELDS: dict[str, FieldSpec] = _specs()

# Fields whose vocabulary a protocol may extend with its own `topics:` list.
TOPIC_FIELDS = frozenset({"topic", "topics"})


def _number(value: Any) -> Any:
    if type(value) is float:  # the common case first: JSON numbers
        return value if math.isfinite(value) else MISSING
    # numbers.Real also admits numpy scalars an analyser might leave in its output.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return MISSING
    number = float(value)
    return number if math.isfinite(number) else MISSING


def _count(value: Any) -> Any:
    number = _number(value)
    if number is MISSING or number < 0:
        return MISSING
    return int(number)


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else MISSING


def _bool(value: Any) -> Any:
    return value if isinstance(value, bool) else MISSING


def _str_items(value: Any, key: str = "") -> Any:
    if not isinstance(value, list | tuple):
        return MISSING
    items = []
    for item in value:
        if key and isinstance(item, Mapping):
            item = item.get(key)
        if isinstance(item, str):
            items.append(item)
    return tuple(items)


def _top_topic(value: Any, part: str) -> Any:
    if not isinstance(value, list | tuple) or not value or not isinstance(value[0], Mapping):
        return MISSING
    first = value[0]
    return _text(first.get("id")) if part == "id" else _number(first.get("score"))


def _reader(spec: FieldSpec) -> Callable[[Mapping[str, Any]], Any]:
    """Return a function that reads the raw field value from its source dictionary."""
    key = spec.key
    if spec.name == "topic":
        return lambda src: _top_topic(src.get(key), "id")
    if spec.name == "topic_score":
        return lambda src: _top_topic(src.get(key), "score")
    if spec.name == "topics":
        return lambda src: _str_items(src.get(key), "id")
    if spec.name == "pii":
        return lambda src: _str_items(src.get(key), "kind")
    if "." in key:
        outer, inner = key.split(".", 1)

        def read_score(src: Mapping[str, Any]) -> Any:
            scores = src.get(outer)
            return _number(scores.get(inner)) if isinstance(scores, Mapping) else MISSING

        return read_score
    convert: Callable[[Any], Any] = {
        NUMBER: _number,
        COUNT: _count,
        BOOL: _bool,
        ENUM: _text,
        ORDINAL: _text,
        TEXT: _text,
        LIST: _str_items,
    }[spec.kind]
    return lambda src: convert(src.get(key))


_READERS = {name: _reader(spec) for name, spec in FIELDS.items()}


class Facts(dict[str, Any]):
    """Field values of one message, read lazily from its analysis and context.

    A rule list usually stops at the first few rules, so most fields are never needed;
    each is read (and its absence noted) only when a condition first asks for it.
    """

    __slots__ = ("analysis", "context", "notes")

    def __init__(self, analysis: Any, context: Any, notes: list[str] | None = None) -> None:
        super().__init__()
        self.notes = notes
        if not isinstance(analysis, Mapping):
            if notes is not None:
                notes.append("input: the analysis is not a mapping; every analysis field is absent")
            analysis = {}
        if not isinstance(context, Mapping):
            if notes is not None:
                notes.append("input: the context is not a mapping; context defaults are used")
            context = {}
        self.analysis: Mapping[str, Any] = analysis
        self.context: Mapping[str, Any] = context

    def __missing__(self, name: str) -> Any:
        spec = FIELDS[name]
        source = self.analysis if spec.source == "analysis" else self.context
        value = _READERS[name](source)
        if value is MISSING:
            value = _fallback(spec, source, self.notes)
        self[name] = value
        return value


def read_facts(
    analysis: Any, context: Any, names: Iterable[str] = (), notes: list[str] | None = None
) -> Facts:
    """Return the facts of one message; `names` are read at once, the rest on demand.

    When `notes` is a list, a readable line is appended for every value that was absent
    or malformed and what was used instead.
    """
    facts = Facts(analysis, context, notes)
    for name in names:
        facts[name]  # reading fills the cache and the notes
    return facts


def _fallback(spec: FieldSpec, source: Mapping[str, Any], notes: list[str] | None) -> Any:
    """Return the value used when a field is absent or malformed, noting why."""
    if spec.kind == LIST:
        value: Any = ()
        instead = "treated as an empty list"
    elif spec.default is not MISSING:
        value = spec.default
        instead = f"default {format_value(value)} used"
    else:
        value = MISSING
        instead = "treated as absent (conditions on it do not match)"
    if notes is not None:
        outer, _, inner = spec.key.partition(".")
        raw = source.get(outer)
        if inner and isinstance(raw, Mapping):
            raw = raw.get(inner)
        empty = isinstance(raw, list | tuple | Mapping) and len(raw) == 0
        state = "missing" if raw is None or empty else "malformed"
        notes.append(f"input: {spec.name} is {state} in the {spec.source}; {instead}")
    return value


def format_value(value: Any) -> str:
    """Format a fact or a condition value for a trace line."""
    if type(value) is str:  # the common case, checked first for speed
        return value
    if value is MISSING:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple | list | frozenset | set):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value)
