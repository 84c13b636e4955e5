"""Checks on the order of rules: unreachable rules and the required fallback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from nabij.protocol.implies import implies

if TYPE_CHECKING:
    from nabij.protocol.loader import Path
    from nabij.protocol.model import Rule


def check_rule_order(rules: Sequence[Rule]) -> list[tuple[Path, str]]:
    """Return (path, message) for unreachable rules and a missing fallback."""
    problems: list[tuple[Path, str]] = []
    fallback: Rule | None = None
    seen: dict[object, Rule] = {}
    for rule in rules:
        path: Path = ("rules", rule.position - 1)
        if fallback is not None:
            problems.append(
                (
                    path,
                    f"rule '{rule.id}' is unreachable: rule '{fallback.id}' "
                    f"(line {fallback.line}) above it always applies",
                )
            )
            continue
        earlier = seen.get(rule.condition)
        if earlier is not None:
            problems.append(
                (
                    path,
                    f"rule '{rule.id}' is unreachable: rule '{earlier.id}' "
                    f"(line {earlier.line}) has the same condition",
                )
            )
        else:
            broader = next((r for r in seen.values() if implies(rule.condition, r.condition)), None)
            if broader is not None and not rule.is_fallback:
                problems.append(
                    (
                        path,
                        f"rule '{rule.id}' is unreachable: every message it matches is "
                        f"matched first by rule '{broader.id}' (line {broader.line})",
                    )
                )
        seen.setdefault(rule.condition, rule)
        if rule.is_fallback:
            fallback = rule
    if fallback is None and rules:
        last = rules[-1]
        problems.append(
            (
                ("rules", last.position - 1),
                "missing fallback: the last rule must have 'when: always' so that every "
                "message gets a decision",
            )
        )
    return problems
