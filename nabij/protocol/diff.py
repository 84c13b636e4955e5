"""Compare two protocol versions: settings and rules added, removed, moved and changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nabij.protocol.fields import format_value
from nabij.protocol.model import Protocol

_META_KEYS = (
    "name",
    "version",
    "description",
    "house_rules",
    "teams",
    "templates",
    "topics",
    "objection",
)


@dataclass(frozen=True)
class FieldChange:
    """One changed value, addressed by a dotted path such as `then.deadline_hours`."""

    path: str
    old: Any
    new: Any

    def describe(self) -> str:
        """Say the change in one line."""
        return f"{self.path}: {_show(self.old)} → {_show(self.new)}"


@dataclass(frozen=True)
class RuleChange:
    """A rule present in both versions whose content or place changed."""

    rule_id: str
    old_position: int
    new_position: int
    moved: bool
    fields: tuple[FieldChange, ...]


@dataclass
class ProtocolDiff:
    """The differences between protocol `a` (old) and `b` (new)."""

    old_version: str
    new_version: str
    settings: list[FieldChange] = field(default_factory=list)
    added: list[tuple[int, str]] = field(default_factory=list)  # (position, rule id)
    removed: list[tuple[int, str]] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the two versions decide and read the same."""
        return not (self.settings or self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        """Describe the differences, one per line, for the CLI and the UI."""
        out = [f"protocol {self.old_version} → {self.new_version}"]
        out += [f"  setting {change.describe()}" for change in self.settings]
        out += [f"  + rule {pos} '{rule_id}' added" for pos, rule_id in self.added]
        out += [f"  - rule {pos} '{rule_id}' removed" for pos, rule_id in self.removed]
        for rule in self.changed:
            head = f"  ~ rule '{rule.rule_id}'"
            if rule.moved:
                head += f" moved from position {rule.old_position} to {rule.new_position}"
            out.append(head)
            out += [f"      {change.describe()}" for change in rule.fields]
        if self.is_empty:
            out.append("  no differences")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "settings": [_change_dict(change) for change in self.settings],
            "added": [{"position": pos, "rule_id": rule_id} for pos, rule_id in self.added],
            "removed": [{"position": pos, "rule_id": rule_id} for pos, rule_id in self.removed],
            "changed": [
                {
                    "rule_id": rule.rule_id,
                    "old_position": rule.old_position,
                    "new_position": rule.new_position,
                    "moved": rule.moved,
                    "fields": [_change_dict(change) for change in rule.fields],
                }
                for rule in self.changed
            ],
        }


def diff_protocols(a: Protocol, b: Protocol) -> ProtocolDiff:
    """Compare two protocols field by field; rules are matched by id."""
    result = ProtocolDiff(old_version=a.version, new_version=b.version)
    for key in _META_KEYS:
        result.settings += flat_changes(a.document.get(key), b.document.get(key), key)
    old_rules = {rule.id: rule for rule in a.rules}
    new_rules = {rule.id: rule for rule in b.rules}
    result.removed = [(rule.position, rule.id) for rule in a.rules if rule.id not in new_rules]
    result.added = [(rule.position, rule.id) for rule in b.rules if rule.id not in old_rules]
    # Order decides which rule wins, so a rule that moved relative to the rules both
    # versions share is reported even when its own text did not change.
    old_order = [rule.id for rule in a.rules if rule.id in new_rules]
    new_order = [rule.id for rule in b.rules if rule.id in old_rules]
    old_docs = _rule_documents(a)
    new_docs = _rule_documents(b)
    for rule in b.rules:
        if rule.id not in old_rules:
            continue
        before = old_rules[rule.id]
        moved = old_order.index(rule.id) != new_order.index(rule.id)
        fields = flat_changes(old_docs.get(rule.id), new_docs.get(rule.id), "")
        if moved or fields:
            result.changed.append(
                RuleChange(rule.id, before.position, rule.position, moved, tuple(fields))
            )
    return result


def _rule_documents(protocol: Protocol) -> dict[str, Any]:
    rules = protocol.document.get("rules")
    if not isinstance(rules, list):
        return {}
    return {str(item.get("id")): item for item in rules if isinstance(item, dict)}


def flat_changes(old: Any, new: Any, prefix: str) -> list[FieldChange]:
    """List the leaf-level differences between two plain values, by dotted path."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            path = f"{prefix}.{key}" if prefix else str(key)
            changes += flat_changes(old.get(key), new.get(key), path)
        return changes
    if old == new or (old is None and new is None):
        return []
    return [FieldChange(prefix, old, new)]


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return format_value(value)


def _change_dict(change: FieldChange) -> dict[str, Any]:
    return {"path": change.path, "old": change.old, "new": change.new}
