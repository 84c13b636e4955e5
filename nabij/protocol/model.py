"""The validated protocol: rules with compiled conditions and outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nabij.protocol.conditions import (
    Always,
    Condition,
    Explainer,
    Test,
    compile_condition,
    compile_explainer,
    fields_used,
)


@dataclass(frozen=True)
class Outcome:
    """What a rule recommends."""

    action: str
    reason: str
    deadline_hours: float | None = None
    team: str | None = None
    templates: tuple[str, ...] = ()
    confirm: bool = False
    house_rule: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Rule:
    """One ordered rule: when its condition holds, its outcome applies."""

    id: str
    title: str
    condition: Condition
    outcome: Outcome
    position: int  # 1-based place in the rule list
    line: int = 0  # line of the rule in its source document, 0 when unknown
    description: str = ""

    @property
    def is_fallback(self) -> bool:
        """True for an unconditional rule."""
        return isinstance(self.condition, Always)


@dataclass
class Protocol:
    """A validated protocol; conditions are compiled once, at construction."""

    version: str
    name: str
    rules: tuple[Rule, ...]
    house_rules: dict[str, str] = field(default_factory=dict)
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    objection: str = ""
    description: str = ""
    document: dict[str, Any] = field(default_factory=dict)  # plain data, for diffs
    source: str = ""  # the YAML text it came from
    tests: tuple[Test, ...] = field(init=False, repr=False, compare=False)
    explainers: tuple[Explainer, ...] = field(init=False, repr=False, compare=False)
    labels: tuple[str, ...] = field(init=False, repr=False, compare=False)
    fields: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tests = tuple(compile_condition(rule.condition) for rule in self.rules)
        self.explainers = tuple(compile_explainer(rule.condition) for rule in self.rules)
        self.labels = tuple(f"rule {r.position} '{r.id}' ({r.title})" for r in self.rules)
        used: set[str] = set()
        for rule in self.rules:
            used |= fields_used(rule.condition)
        self.fields = tuple(sorted(used))

    def rule(self, rule_id: str) -> Rule | None:
        """Return the rule with this id, if any."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)
