"""Read the `when` part of a rule into a condition tree, reporting issues by path."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from nabij.protocol.conditions import (
    CHOICE_OPERATORS,
    LIST_OPERATORS,
    OPERATORS,
    SCALAR_OPERATORS,
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Not,
)
from nabij.protocol.fields import (
    BOOL,
    COUNT,
    ENUM,
    FIELDS,
    LIST,
    MISSING,
    NUMBER,
    ORDINAL,
    TEXT,
    TOPIC_FIELDS,
    FieldSpec,
)
from nabij.protocol.issues import suggest
from nabij.protocol.loader import Path

KIND_OPERATORS = {
    NUMBER: SCALAR_OPERATORS,
    COUNT: SCALAR_OPERATORS,
    BOOL: ("eq", "ne"),
    ENUM: CHOICE_OPERATORS,
    TEXT: CHOICE_OPERATORS,
    ORDINAL: (*SCALAR_OPERATORS, "in", "not_in"),
    LIST: LIST_OPERATORS,
}
KIND_WORDS = {
    NUMBER: "a number",
    COUNT: "a count",
    BOOL: "true/false",
    ENUM: "a choice",
    TEXT: "a text",
    ORDINAL: "an ordered choice",
    LIST: "a list",
}
_BAD: Any = object()
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")  # ISO 639-1/-3, as the analyser reports it
_CONNECTIVES = ("all", "any", "not")
Report = Callable[..., None]  # report(path, message, key=False)


class ConditionReader:
    """Turns `when` values into conditions; problems go to `report(path, message, key=)`."""

    def __init__(self, report: Report, topics: tuple[str, ...] = ()) -> None:
        self.error = report
        self.topics = topics

    def read(self, value: Any, path: Path) -> Condition | None:
        """Return the condition of a rule's `when`, or None after reporting issues."""
        return self._when(value, path)

    def _when(self, value: Any, path: Path) -> Condition | None:
        if value == "always":
            return Always()
        if value is True:
            self.error(path, "write 'when: always' for a rule that always applies")
            return None
        return self._condition(value, path)

    def _condition(self, value: Any, path: Path) -> Condition | None:
        if value == "always":
            self.error(path, "'always' can only be a rule's whole condition")
            return None
        if not isinstance(value, dict) or not value:
            self.error(path, "a condition must be a map of fields to values (or 'always')")
            return None
        parts: list[Condition | None] = []
        for key, operand in value.items():
            where = (*path, key)
            if key in ("all", "any"):
                parts.append(self._connective(key, operand, where))
            elif key == "not":
                inner = self._condition(operand, where)
                parts.append(Not(inner) if inner is not None else None)
            else:
                parts.append(self._field(key, operand, where))
        if any(part is None for part in parts):
            return None
        checked = [part for part in parts if part is not None]
        return checked[0] if len(checked) == 1 else AllOf(tuple(checked))

    def _connective(self, key: str, operand: Any, path: Path) -> Condition | None:
        if not isinstance(operand, list) or not operand:
            self.error(path, f"'{key}' needs a non-empty list of conditions")
            return None
        parts = [self._condition(item, (*path, i)) for i, item in enumerate(operand)]
        if any(part is None for part in parts):
            return None
        checked = tuple(part for part in parts if part is not None)
        return AllOf(checked) if key == "all" else AnyOf(checked)

    def _field(self, name: str, operand: Any, path: Path) -> Condition | None:
        spec = FIELDS.get(name)
        if spec is None:
            self.error(path, self._unknown_field(name), key=True)
            return None
        if isinstance(operand, dict):
            if not operand:
                self.error(path, f"no operator given for {name}")
                return None
            compares = [self._compare(spec, op, val, (*path, op)) for op, val in operand.items()]
            if any(cmp is None for cmp in compares):
                return None
            checked = tuple(cmp for cmp in compares if cmp is not None)
            return checked[0] if len(checked) == 1 else AllOf(checked)
        if isinstance(operand, list):
            op = "any_of" if spec.kind == LIST else "in"
        else:
            op = "contains" if spec.kind == LIST else "eq"
        return self._compare(spec, op, operand, path, shorthand=True)

    def _unknown_field(self, name: str) -> str:
        if name in ("type_score", "type_scores", "emotion_score", "emotion_scores"):
            base = name.rstrip("s")
            return (
                f"'{name}' needs a label: write {base}.<label>, e.g. {base}.aanval"
                if base == "type_score"
                else f"'{name}' needs a label: write {base}.<label>, e.g. {base}.boos"
            )
        if name == "always":
            return "write 'when: always' on its own, not as a field"
        options = [*FIELDS, *_CONNECTIVES]
        hint = suggest(name.replace("_", ".", 1), options) or suggest(name, options)
        return f"unknown field '{name}'{hint}"

    def _compare(
        self, spec: FieldSpec, op: str, value: Any, path: Path, *, shorthand: bool = False
    ) -> Compare | None:
        allowed = KIND_OPERATORS[spec.kind]
        if op not in OPERATORS:
            self.error(path, f"unknown operator '{op}'{suggest(op, OPERATORS)}", key=True)
            return None
        if op not in allowed:
            word = KIND_WORDS[spec.kind]
            self.error(
                path,
                f"operator '{op}' does not apply to {spec.name} ({word}); use {', '.join(allowed)}",
                key=not shorthand,
            )
            return None
        checked = self._operand(spec, op, value, path)
        return None if checked is _BAD else Compare(spec.name, op, checked)

    def _operand(self, spec: FieldSpec, op: str, value: Any, path: Path) -> Any:
        if op == "empty":
            if not isinstance(value, bool):
                self.error(path, f"'empty' takes true or false, not {value!r}")
                return _BAD
            return value
        if op in ("in", "not_in", "any_of", "all_of", "none_of"):
            if not isinstance(value, list) or not value:
                self.error(path, f"'{op}' needs a non-empty list of values for {spec.name}")
                return _BAD
            items = [self._scalar(spec, item, (*path, i)) for i, item in enumerate(value)]
            return _BAD if any(item is _BAD for item in items) else tuple(items)
        return self._scalar(spec, value, path)

    def _scalar(self, spec: FieldSpec, value: Any, path: Path) -> Any:
        if spec.kind in (NUMBER, COUNT):
            return self._number(spec, value, path)
        if spec.kind == BOOL:
            if not isinstance(value, bool):
                self.error(path, f"{spec.name} is true or false, not {value!r}")
                return _BAD
            return value
        if isinstance(value, bool):
            self.error(
                path, f"{spec.name} needs a text; YAML read this as {str(value).lower()} — quote it"
            )
            return _BAD
        if not isinstance(value, str) or not value:
            self.error(path, f"{spec.name} needs a text value, not {value!r}")
            return _BAD
        if spec.name == "language" and not LANGUAGE_CODE.match(value):
            self.error(path, f"'{value}' is not a language code; use e.g. nl, en, tr, ar")
            return _BAD
        known = spec.values + (self.topics if spec.name in TOPIC_FIELDS else ())
        if known and value not in known:
            listing = ", ".join(known) if len(known) <= 12 else f"{len(known)} known values"
            hint = suggest(value, known)
            self.error(path, f"unknown value '{value}' for {spec.name}{hint} (known: {listing})")
            return _BAD
        return value

    def _number(self, spec: FieldSpec, value: Any, path: Path) -> Any:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(path, f"{spec.name} needs a number, not {value!r}")
            return _BAD
        if spec.kind == COUNT and (value < 0 or value != int(value)):
            self.error(path, f"{spec.name} is a count; use a whole number ≥ 0")
            return _BAD
        if spec.low is not None and spec.high is not None and not spec.low <= value <= spec.high:
            self.error(
                path, f"{value} is outside the range {spec.low:g}..{spec.high:g} of {spec.name}"
            )
            return _BAD
        return int(value) if spec.kind == COUNT else float(value)


def field_reference() -> list[dict[str, Any]]:
    """Describe every condition field (kind, operators, values, range, default), JSON-ready.

    Meant for the protocol editor and the API, so help text never drifts from the code.
    """
    reference = []
    for spec in FIELDS.values():
        entry: dict[str, Any] = {
            "name": spec.name,
            "kind": spec.kind,
            "source": spec.source,
            "key": spec.key,
            "operators": list(KIND_OPERATORS[spec.kind]),
            "values": list(spec.values),
        }
        if spec.low is not None:
            entry["range"] = [spec.low, spec.high]
        if spec.source == "context":
            entry["default"] = None if spec.default is MISSING else spec.default
        reference.append(entry)
    return reference
