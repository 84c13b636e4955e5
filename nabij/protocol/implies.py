"""Does one condition imply another? A sound (not complete) check used to find rules
that an earlier, broader rule always catches first.

"Sound" means: when `implies(b, a)` says True, every message that satisfies `b` also
satisfies `a`. It may say False for some true implications; that only means a missed
warning, never a false one.
"""

from __future__ import annotations

from typing import Any

from nabij.protocol.conditions import AllOf, Always, AnyOf, Compare, Condition
from nabij.protocol.fields import FIELDS, LIST, ORDINAL
from nabij.protocol.vocab import URGENCY_LEVELS

_RANK = {level: index for index, level in enumerate(URGENCY_LEVELS)}
_BOUNDS = ("gt", "gte", "lt", "lte")  # a bound never implies one value: "eq" is no bound


def implies(b: Condition, a: Condition) -> bool:
    """True when every input satisfying `b` is sure to satisfy `a`."""
    if isinstance(a, Always) or a == b:
        return True
    if isinstance(a, AllOf):
        return all(implies(b, part) for part in a.parts)
    if isinstance(a, AnyOf) and any(implies(b, part) for part in a.parts):
        return True
    if isinstance(b, AllOf):
        return any(implies(part, a) for part in b.parts)
    if isinstance(b, AnyOf):
        return all(implies(part, a) for part in b.parts)
    if isinstance(a, Compare) and isinstance(b, Compare) and a.field == b.field:
        return _compare_implies(b, a)
    return False


def _compare_implies(b: Compare, a: Compare) -> bool:
    # Every operator except `not` needs the value to be present, so b holding means
    # the field has a value; only the value itself needs reasoning.
    if FIELDS[a.field].kind == LIST:
        return _list_implies(b, a)
    values = _allowed(b)
    if values is not None:
        return all(_holds(a, value) for value in values)
    if a.op in _BOUNDS and b.op in _BOUNDS:
        return _bound_implies(b, a)
    return False


def _allowed(b: Compare) -> tuple[Any, ...] | None:
    """The finite set of values b allows, when it is one."""
    if b.op == "eq":
        return (b.value,)
    if b.op == "in":
        return tuple(b.value)
    return None


def _holds(a: Compare, value: Any) -> bool:
    """Whether `a` holds for a present value (numbers and ordinal labels compared by rank)."""
    op, target = a.op, a.value
    if op == "eq":
        return bool(value == target)
    if op == "ne":
        return bool(value != target)
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    left, right = _key(a, value), _key(a, target)
    if left is None or right is None:
        return False
    return bool(
        {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]
    )


def _key(cmp: Compare, value: Any) -> Any:
    if FIELDS[cmp.field].kind == ORDINAL:
        return _RANK.get(value)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bound_implies(b: Compare, a: Compare) -> bool:
    low_b = b.op in ("gt", "gte")
    low_a = a.op in ("gt", "gte")
    if low_a != low_b:
        return False
    x, y = _key(b, b.value), _key(a, a.value)
    if x is None or y is None:
        return False
    if low_a:  # b: value >(=) x ; a: value >(=) y
        return bool(x > y or (x == y and (a.op == "gte" or b.op == "gt")))
    return bool(x < y or (x == y and (a.op == "lte" or b.op == "lt")))


def _list_implies(b: Compare, a: Compare) -> bool:
    # What b guarantees is in the list (`must`), for contains/all_of/any_of.
    if b.op == "contains":
        must, some = {b.value}, None
    elif b.op == "all_of":
        must, some = set(b.value), None
    elif b.op == "any_of":
        must, some = set(), set(b.value)
    else:
        return False
    if a.op == "contains":
        return a.value in must
    if a.op == "all_of":
        return set(a.value) <= must
    if a.op == "any_of":
        return bool(must & set(a.value)) or (some is not None and some <= set(a.value))
    if a.op == "empty":
        return a.value is False and bool(must or some)
    return False
