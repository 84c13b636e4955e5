"""Simulate a draft protocol against the current one over many past messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nabij.protocol.evaluate import Evaluation, evaluate
from nabij.protocol.fields import Facts, read_facts
from nabij.protocol.model import Protocol, Rule
from nabij.protocol.vocab import ACTIONS

Item = tuple[Hashable, Any, Any]  # (message_key, analysis dict, context dict)


class ChangedDecision:
    """One message whose decision differs between the two protocols, with both traces.

    The traced evaluations are built on first access: a simulation over a month of
    messages may change thousands of decisions while a person reads only a few.
    """

    __slots__ = ("_after", "_before", "analysis", "context", "current", "draft", "message_key")

    def __init__(
        self, message_key: Hashable, current: Protocol, draft: Protocol, analysis: Any, context: Any
    ) -> None:
        self.message_key = message_key
        self.current = current
        self.draft = draft
        self.analysis = analysis
        self.context = context
        self._before: Evaluation | None = None
        self._after: Evaluation | None = None

    @property
    def before(self) -> Evaluation:
        """The evaluation under the current protocol, with its trace."""
        if self._before is None:
            self._before = evaluate(self.current, self.analysis, self.context)
        return self._before

    @property
    def after(self) -> Evaluation:
        """The evaluation under the draft protocol, with its trace."""
        if self._after is None:
            self._after = evaluate(self.draft, self.analysis, self.context)
        return self._after

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "message_key": self.message_key,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
        }


@dataclass
class SimulationResult:
    """Counts per action before and after, and every changed decision."""

    total: int = 0
    before: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changed: list[ChangedDecision] = field(default_factory=list)
    changed_count: int = 0  # may exceed len(changed) when max_changes limits the list

    def rows(self) -> list[tuple[str, int, int, int]]:
        """Return (action, before, after, difference) for every action, in protocol order."""
        return [
            (
                action,
                self.before[action],
                self.after[action],
                self.after[action] - self.before[action],
            )
            for action in ACTIONS
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "total": self.total,
            "before": {action: self.before[action] for action in ACTIONS},
            "after": {action: self.after[action] for action in ACTIONS},
            "transitions": [
                {"before": old, "after": new, "count": count}
                for (old, new), count in self.transitions.most_common()
            ],
            "changed_count": self.changed_count,
            "changed": [change.to_dict() for change in self.changed],
        }


def simulate(
    current: Protocol, draft: Protocol, items: Iterable[Item], *, max_changes: int | None = None
) -> SimulationResult:
    """Evaluate both protocols for each item; only changed decisions are kept, with traces.

    A decision counts as changed when the action, reason, deadline, team, templates or
    confirmation differ; a different rule id with the same outcome is not a change.
    """
    result = SimulationResult()
    current_rules = tuple(zip(current.rules, current.tests, strict=True))
    draft_rules = tuple(zip(draft.rules, draft.tests, strict=True))
    for key, analysis, context in items:
        facts = read_facts(analysis, context)
        old = _first(current_rules, facts)
        new = _first(draft_rules, facts)
        result.total += 1
        result.before[old.outcome.action] += 1
        result.after[new.outcome.action] += 1
        if old.outcome == new.outcome:
            continue
        result.transitions[(old.outcome.action, new.outcome.action)] += 1
        result.changed_count += 1
        if max_changes is None or len(result.changed) < max_changes:
            result.changed.append(ChangedDecision(key, current, draft, analysis, context))
    return result


def _first(rules: tuple[tuple[Rule, Any], ...], facts: Facts) -> Rule:
    for rule, test in rules:
        if test(facts):
            return rule
    return rules[-1][0]
