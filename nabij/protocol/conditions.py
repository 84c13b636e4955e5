"""Conditions: a small typed tree, compiled once into fast closures, and explained in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nabij.protocol.fields import BOOL, FIELDS, LIST, MISSING, ORDINAL, format_value
from nabij.protocol.vocab import URGENCY_LEVELS

Facts = dict[str, Any]
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
    tests = tuple(compile_condition(part) for part in condition.parts)
    if isinstance(condition, AllOf):
        return lambda facts: all(test(facts) for test in tests)
    return lambda facts: any(test(facts) for test in tests)


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


def _ordered(name: str, op: str, target: Any, key: Callable[[Any], Any]) -> Test:
    def test(facts: Facts) -> bool:
        value = facts[name]
        if value is MISSING:
            return False
        value = key(value)
        if value is None:
            return False
        if op == "gt":
            return bool(value > target)
        if op == "gte":
            return bool(value >= target)
        if op == "lt":
            return bool(value < target)
        return bool(value <= target)

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


def explain(condition: Condition, facts: Facts) -> tuple[bool, str]:
    """Evaluate a condition and say in words why it did or did not hold."""
    if isinstance(condition, Always):
        return True, "always"
    if isinstance(condition, Compare):
        return _explain_compare(condition, facts)
    if isinstance(condition, Not):
        held, why = explain(condition.part, facts)
        return (not held), f"not ({why})"
    results = [explain(part, facts) for part in condition.parts]
    if isinstance(condition, AllOf):
        failed = [why for held, why in results if not held]
        if failed:
            return False, failed[0]
        return True, ", ".join(why for _, why in results)
    passed = [why for held, why in results if held]
    if passed:
        return True, passed[0]
    return False, "none of: " + "; ".join(why for _, why in results)


def _explain_compare(cmp: Compare, facts: Facts) -> tuple[bool, str]:
    held = compile_condition(cmp)(facts)
    name, op, target = cmp.field, cmp.op, cmp.value
    value = facts[name]
    shown, wanted = format_value(value), format_value(target)
    if value is MISSING:
        return held, f"{name} is absent"
    kind = FIELDS[name].kind
    if kind == LIST:
        return held, _explain_list(name, op, target, value, held)
    if kind == BOOL and op == "eq":
        return held, f"{name} is {shown}" if held else f"{name} is {shown}, not {wanted}"
    if op == "eq":
        return held, f"{name} is {shown}" if held else f"{name} is {shown}, not {wanted}"
    symbol = SYMBOLS[op]
    if held:
        return held, f"{name} {shown} {symbol} {wanted}"
    return held, f"{name} {shown}, not {symbol} {wanted}"


def _explain_list(name: str, op: str, target: Any, value: Any, held: bool) -> str:
    shown = format_value(value)
    if op == "empty":
        if not value:
            return f"no {name} found" if held else f"no {name} found, but required"
        return f"{name} {shown} found" + ("" if held else ", but none allowed")
    yes, no = _LIST_PHRASES[op]
    return f"{name} {shown} {yes if held else no} {format_value(target)}"


_LIST_PHRASES = {
    "contains": ("contains", "does not contain"),
    "any_of": ("contains one of", "contains none of"),
    "all_of": ("contains all of", "does not contain all of"),
    "none_of": ("contains none of", "contains some of"),
}
