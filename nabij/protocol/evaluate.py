"""Evaluate a protocol for one message: one outcome and a trace a person can read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from nabij.protocol.fields import format_value, read_facts
from nabij.protocol.model import Protocol, Rule


@dataclass(frozen=True)
class Evaluation:
    """The recommended action for one message, with the rule and the reasoning behind it."""

    action: str
    reason_code: str
    deadline_hours: float | None
    team: str | None
    templates: tuple[str, ...]
    requires_confirmation: bool
    rule_id: str
    rule_title: str
    protocol_version: str
    trace: tuple[str, ...]
    house_rule: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (lists instead of tuples)."""
        data = asdict(self)
        data["templates"] = list(self.templates)
        data["trace"] = list(self.trace)
        return data

    @property
    def summary(self) -> str:
        """One line: the action, its reason and the rule that chose it."""
        return f"{self.action} ({self.reason_code}) by rule '{self.rule_id}'"


def matching_rule(protocol: Protocol, analysis: Any, context: Any) -> Rule:
    """Return the first rule that applies, without building a trace (the fast path)."""
    facts = read_facts(analysis, context)
    for rule, test in zip(protocol.rules, protocol.tests, strict=True):
        if test(facts):
            return rule
    # Validation guarantees an unconditional last rule; this keeps the type checker honest.
    return protocol.rules[-1]


def evaluate(protocol: Protocol, analysis: Any, context: Any) -> Evaluation:
    """Decide the recommended action for one message and explain every rule tried."""
    notes: list[str] = []
    facts = read_facts(analysis, context, (), notes)
    tried = []
    chosen = protocol.rules[-1]
    for rule, explainer, label in zip(
        protocol.rules, protocol.explainers, protocol.labels, strict=True
    ):
        held, why = explainer(facts)
        if held:
            tried.append(f"{label} matched: {why}")
            chosen = rule
            break
        tried.append(f"{label} did not match: {why}")
    # Notes about absent inputs come first: they are read while the rules are tried.
    return outcome_of(protocol, chosen, (*notes, *tried))


def outcome_of(protocol: Protocol, rule: Rule, trace: tuple[str, ...]) -> Evaluation:
    """Build the Evaluation for a chosen rule."""
    out = rule.outcome
    return Evaluation(
        action=out.action,
        reason_code=out.reason,
        deadline_hours=out.deadline_hours,
        team=out.team,
        templates=out.templates,
        requires_confirmation=out.confirm,
        rule_id=rule.id,
        rule_title=rule.title,
        protocol_version=protocol.version,
        trace=(*trace, _decision_line(rule)),
        house_rule=out.house_rule,
        note=out.note,
    )


def _decision_line(rule: Rule) -> str:
    out = rule.outcome
    parts = [f"decision: {out.action}", f"reason {out.reason}"]
    if out.deadline_hours is not None:
        parts.append(f"first response within {format_value(out.deadline_hours)} business hours")
    if out.team:
        parts.append(f"team {out.team}")
    if out.confirm:
        parts.append("a person must confirm")
    return ", ".join(parts)
