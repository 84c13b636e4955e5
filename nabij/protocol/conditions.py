"""Conditions: a small typed tree, compiled once into fast closures, and explained in words."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nabij.protocol.fields import FIELDS, LIST, MISSING, ORDINAL, format_value
from nabij.protocol.vocab import URGENCY_LEVELS

Facts = Mapping[str, Any]
Test = Callable[[Facts], bool]

# Operators per field kind; "empty" takes true/false, list operators take vocabulary items.
SCALAR_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte")
CHOICE_OPERATORS = ("eq", "ne", "in", "not_in")
LIST_OPERATORS = ("contains", "any_of", "all_of", "none_of", "empty")
OPERATORS = (*SCALAR_OPERATORS, "in", "not_in", *LIST_OPERATORS)
SYMBOLS = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "in",
    "not_in": "not in",
}
_RANK = {level: index for index, level in enumerate(URGENCY_LEVELS)}


@dataclass(frozen=True)
class Always:
    """The condition that always holds (a fallback rule)."""


@dataclass(frozen=True)
class Compare:
    """One field compared with a value by an operator."""

    field: str
    op: str
    value: Any  # scalars, or a tuple for in/not_in/any_of/all_of/none_of


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition


Condition = Always | Compare | AllOf | AnyOf | Not


def fields_used(condition: Condition) -> set[str]:
    """Return the names of all fields a condition reads."""
    if isinstance(condition, Compare):
        return {condition.field}
    if isinstance(condition, AllOf | AnyOf):
        return set().union(*(fields_used(part) for part in condition.parts))
    if isinstance(condition, Not):
        return fields_used(condition.part)
    return set()


def compile_condition(condition: Condition) -> Test:
    """Compile a condition into a closure over a facts dict (see `fields.read_facts`)."""
    if isinstance(condition, Always):
        return lambda facts: True
    if isinstance(condition, Compare):
        return _compile_compare(condition)
    if isinstance(condition, Not):
        inner = compile_condition(condition.part)
        return lambda facts: not inner(facts)
    tests = [compile_condition(part) for part in condition.parts]
    combine = _both if isinstance(condition, AllOf) else _either
    test = tests[0]
    for other in tests[1:]:
        test = combine(test, other)
    return test


# Nested two-way closures are faster than all()/any() over a generator for short lists.
def _both(first: Test, second: Test) -> Test:
    return lambda facts: first(facts) and second(facts)


def _either(first: Test, second: Test) -> Test:
    return lambda facts: first(facts) or second(facts)


@lru_cache(maxsize=4096)
def _compile_compare(cmp: Compare) -> Test:
    name, op, target = cmp.field, cmp.op, cmp.value
    kind = FIELDS[name].kind
    if kind == LIST:
        return _compile_list(name, op, target)
    if kind == ORDINAL and op in ("gt", "gte", "lt", "lte"):
        rank = _RANK[target]
        return _ordered(name, op, rank, lambda value: _RANK.get(value))
    if op in ("gt", "gte", "lt", "lte"):
        return _ordered(name, op, target, lambda value: value)
    if op == "eq":
        return lambda facts: facts[name] == target
    if op == "ne":
        return lambda facts: facts[name] is not MISSING and facts[name] != target
    choices = frozenset(target)
    if op == "in":
        return lambda facts: facts[name] in choices
    return lambda facts: facts[name] is not MISSING and facts[name] not in choices


_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _ordered(name: str, op: str, target: Any, key: Callable[[Any], Any]) -> Test:
    compare = _ORDER[op]

    def test(facts: Facts) -> bool:
        value = facts[name]
        if value is MISSING:
            return False
        value = key(value)
        return value is not None and bool(compare(value, target))

    return test


def _compile_list(name: str, op: str, target: Any) -> Test:
    if op == "contains":
        return lambda facts: target in facts[name]
    if op == "empty":
        return lambda facts: (len(facts[name]) == 0) is target
    wanted = frozenset(target)
    if op == "any_of":
        return lambda facts: not wanted.isdisjoint(facts[name])
    if op == "all_of":
        return lambda facts: wanted.issubset(facts[name])
    return lambda facts: wanted.isdisjoint(facts[name])


Explainer = Callable[[Facts], tuple[bool, str]]


def explain(condition: Condition, facts: Facts) -> tuple[bool, str]:
    """Evaluate a condition and say in words why it did or did not hold."""
    return compile_explainer(condition)(facts)


def compile_explainer(condition: Condition) -> Explainer:
    """Compile a condition into a closure that returns (held, reason in words)."""
    if isinstance(condition, Always):
        return lambda facts: (True, "always")
    if isinstance(condition, Compare):
        return _compare_explainer(condition)
    if isinstance(condition, Not):
        inner = compile_explainer(condition.part)

        def negated(facts: Facts) -> tuple[bool, str]:
            held, why = inner(facts)
            return (not held), f"not ({why})"

        return negated
    parts = tuple(compile_explainer(part) for part in condition.parts)
    if isinstance(condition, AllOf):
        return lambda facts: _explain_all(parts, facts)
    return lambda facts: _explain_any(parts, facts)


def _explain_all(parts: tuple[Explainer, ...], facts: Facts) -> tuple[bool, str]:
    # Stop at the first part that fails, as the compiled test does: the trace then
    # notes exactly the inputs the decision depended on.
    reasons = []
    for part in parts:
        held, why = part(facts)
        if not held:
            return False, why
        reasons.append(why)
    return True, ", ".join(reasons)


def _explain_any(parts: tuple[Explainer, ...], facts: Facts) -> tuple[bool, str]:
    reasons = []
    for part in parts:
        held, why = part(facts)
        if held:
            return True, why
        reasons.append(why)
    return False, "none of: " + "; ".join(reasons)


def _compare_explainer(cmp: Compare) -> Explainer:
    test = _compile_compare(cmp)
    name, op = cmp.field, cmp.op
    wanted = format_value(cmp.value)
    if FIELDS[name].kind == LIST:
        return lambda facts: _explain_list(name, op, wanted, facts[name], test(facts))
    if op == "eq":
        matched, failed = "{name} is {shown}", "{name} is {shown}, not {wanted}"
    else:
        matched = "{name} {shown} " + SYMBOLS[op] + " {wanted}"
        failed = "{name} {shown}, not " + SYMBOLS[op] + " {wanted}"

    def explainer(facts: Facts) -> tuple[bool, str]:
        value = facts[name]
        held = test(facts)
        if value is MISSING:
            return held, f"{name} is absent"
        pattern = matched if held else failed
        return held, pattern.format(name=name, shown=format_value(value), wanted=wanted)

    return explainer


def _explain_list(name: str, op: str, wanted: str, value: Any, held: bool) -> tuple[bool, str]:
    shown = format_value(value)
    if op == "empty":
        if not value:
            return held, (f"no {name} found" if held else f"no {name} found, but required")
        return held, f"{name} {shown} found" + ("" if held else ", but none allowed")
    yes, no = _LIST_PHRASES[op]
    return held, f"{name} {shown} {yes if held else no} {wanted}"


_LIST_PHRASES = {
    "contains": ("contains", "does not contain"),
    "any_of": ("contains one of", "contains none of"),
    "all_of": ("contains all of", "does not contain all of"),
    "none_of": ("contains none of", "contains some of"),
}
