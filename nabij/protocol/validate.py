"""Validate a protocol document and build a `Protocol`, reporting issues with positions."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

from nabij.protocol.issues import Issue, ProtocolInvalid, suggest
from nabij.protocol.loader import Document, Path, parse_yaml
from nabij.protocol.model import Outcome, Protocol, Rule
from nabij.protocol.rules import check_rule_order
from nabij.protocol.vocab import ACTIONS
from nabij.protocol.when import ConditionReader

TOP_KEYS = (
    "version",
    "name",
    "description",
    "house_rules",
    "teams",
    "templates",
    "topics",
    "objection",
    "rules",
)
REQUIRED_TOP = ("version", "name", "rules")
RULE_KEYS = ("id", "title", "description", "when", "then")
THEN_KEYS = (
    "action",
    "reason",
    "deadline_hours",
    "team",
    "templates",
    "confirm",
    "house_rule",
    "note",
)
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HOUSE_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
MAX_DEADLINE_HOURS = 24 * 365


def check_protocol(text: str) -> tuple[Protocol | None, list[Issue]]:
    """Parse and validate protocol YAML; return the protocol or the sorted issues."""
    doc, issues = parse_yaml(text)
    if doc is None:
        return None, sorted(issues)
    checker = _Checker(doc, text)
    protocol = checker.run()
    issues = sorted(set(issues + checker.issues))
    return (None if issues else protocol), issues


def load_protocol(text: str, filename: str = "<protocol>") -> Protocol:
    """Return the validated protocol, or raise `ProtocolInvalid` listing every issue."""
    protocol, issues = check_protocol(text)
    if protocol is None:
        raise ProtocolInvalid(issues, filename)
    return protocol


@lru_cache(maxsize=32)
def cached_protocol(text: str) -> Protocol:
    """Like `load_protocol`, but each distinct text is parsed and compiled once per process.

    The returned protocol is shared; treat it as read-only.
    """
    return load_protocol(text)


def load_protocol_file(path: str | FilePath) -> Protocol:
    """Read and validate a protocol file (UTF-8)."""
    raw = FilePath(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolInvalid(
            [Issue(1, 1, f"the file is not UTF-8 text ({exc.reason})")], str(path)
        ) from None
    return load_protocol(text, str(path))


class _Checker:
    def __init__(self, doc: Document, text: str) -> None:
        self.doc = doc
        self.text = text
        self.issues: list[Issue] = []
        self.teams: tuple[str, ...] = ()
        self.templates: tuple[str, ...] = ()
        self.topics: tuple[str, ...] = ()
        self.house_rules: dict[str, str] = {}

    def error(self, path: Path, message: str, *, key: bool = False) -> None:
        line, column = self.doc.position(path, key=key)
        self.issues.append(Issue(line, column, message))

    def run(self) -> Protocol | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.error((), "the protocol must be a map with version, name and rules")
            return None
        for key in data:
            if key not in TOP_KEYS:
                self.error((key,), f"unknown field '{key}'{suggest(key, TOP_KEYS)}", key=True)
        for key in REQUIRED_TOP:
            if key not in data:
                self.error((), f"missing required field '{key}'")
        version = self._version(data.get("version"))
        name = self._text(data, ("name",), required=True)
        self.house_rules = self._house_rules(data.get("house_rules"))
        self.teams = self._slugs(data, "teams")
        self.templates = self._slugs(data, "templates")
        self.topics = self._slugs(data, "topics")
        rules = self._rules(data.get("rules"))
        if rules:
            for path, message in check_rule_order(rules):
                self.error(path, message)
        if self.issues:
            return None
        return Protocol(
            version=version,
            name=name,
            rules=tuple(rules),
            house_rules=self.house_rules,
            teams=self.teams,
            templates=self.templates,
            topics=self.topics,
            objection=self._text(data, ("objection",)),
            description=self._text(data, ("description",)),
            document={**data, "version": version},
            source=self.text,
        )

    # -- top level ---------------------------------------------------------------------

    def _version(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict | list) or isinstance(value, bool):
            self.error(("version",), 'version must be a text such as "2026.1"')
            return ""
        # Keep the version as written: an unquoted 2026.10 must not become 2026.1.
        return self.doc.raw.get(("version",), str(value)).strip()

    def _text(self, data: dict[str, Any], path: Path, *, required: bool = False) -> str:
        value = data.get(str(path[-1]))
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(path, f"{path[-1]} must be a non-empty text")
            return ""
        return value

    def _house_rules(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(("house_rules",), "house_rules must be a map of rule ids to their text")
            return {}
        result: dict[str, str] = {}
        for rule_id, text in value.items():
            path = ("house_rules", rule_id)
            if not HOUSE_RULE_ID.match(rule_id):
                self.error(
                    path, f"house rule id '{rule_id}' must be letters, digits, _ . or -", key=True
                )
            elif not isinstance(text, str) or not text.strip():
                self.error(path, f"house rule '{rule_id}' needs its text")
            else:
                result[rule_id] = text.strip()
        return result

    def _slugs(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error((key,), f"{key} must be a list of names")
            return ()
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not SLUG.match(item):
                self.error(
                    (key, index), f"{key} entries must be lower-case names like 'wijkbeheer'"
                )
            elif item in result:
                self.error((key, index), f"'{item}' is listed twice in {key}")
            else:
                result.append(item)
        return tuple(result)

    # -- rules -------------------------------------------------------------------------

    def _rules(self, value: Any) -> list[Rule]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(("rules",), "rules must be a non-empty list of rules")
            return []
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            rule = self._rule(item, ("rules", index), index + 1, seen)
            if rule is not None:
                rules.append(rule)
        # Order checks need every rule; a broken rule would give misleading messages.
        return rules if len(rules) == len(value) else []

    def _rule(self, item: Any, path: Path, position: int, seen: dict[str, int]) -> Rule | None:
        if not isinstance(item, dict):
            self.error(path, "a rule must be a map with id, title, when and then")
            return None
        before = len(self.issues)
        for key in item:
            if key not in RULE_KEYS:
                self.error(
                    (*path, key), f"unknown rule field '{key}'{suggest(key, RULE_KEYS)}", key=True
                )
        for key in ("id", "title", "when", "then"):
            if key not in item:
                self.error(path, f"rule {position} is missing '{key}'")
        rule_id = item.get("id")
        if "id" in item:
            if not isinstance(rule_id, str) or not SLUG.match(rule_id):
                self.error((*path, "id"), "rule id must be a lower-case name like 'noodkreet'")
            elif rule_id in seen:
                self.error(
                    (*path, "id"), f"duplicate rule id '{rule_id}' (first at line {seen[rule_id]})"
                )
            else:
                seen[rule_id] = self.doc.position(path)[0]
        title = self._text(item, (*path, "title"), required=True)
        description = self._text(item, (*path, "description"))
        condition = None
        if "when" in item:
            condition = ConditionReader(self.error, self.topics).read(item["when"], (*path, "when"))
        outcome = self._then(item.get("then"), (*path, "then")) if "then" in item else None
        if len(self.issues) > before or condition is None or outcome is None:
            return None
        line = self.doc.position(path)[0]
        return Rule(str(rule_id), title, condition, outcome, position, line, description)

    # -- outcome -----------------------------------------------------------------------

    def _then(self, value: Any, path: Path) -> Outcome | None:
        if not isinstance(value, dict):
            self.error(path, "'then' must be a map with at least action and reason")
            return None
        before = len(self.issues)
        for key in value:
            if key not in THEN_KEYS:
                self.error(
                    (*path, key),
                    f"unknown outcome field '{key}'{suggest(key, THEN_KEYS)}",
                    key=True,
                )
        for key in ("action", "reason"):
            if key not in value:
                self.error(path, f"the outcome is missing '{key}'")
        action = value.get("action")
        if "action" in value and action not in ACTIONS:
            shown = action if isinstance(action, str) else repr(action)
            hint = suggest(str(action), ACTIONS)
            self.error(
                (*path, "action"), f"unknown action '{shown}'{hint} (known: {', '.join(ACTIONS)})"
            )
        reason = value.get("reason")
        if "reason" in value and (not isinstance(reason, str) or not SLUG.match(reason)):
            self.error((*path, "reason"), "reason must be a lower-case code like 'provocatie'")
        deadline = self._deadline(value.get("deadline_hours"), (*path, "deadline_hours"))
        team = self._member(value.get("team"), self.teams, "team", "teams", (*path, "team"))
        templates = self._templates(value.get("templates"), (*path, "templates"))
        confirm = value.get("confirm", False)
        if not isinstance(confirm, bool):
            self.error((*path, "confirm"), "confirm is true or false")
        house_rule: Any = value.get("house_rule")
        if isinstance(house_rule, int) and not isinstance(house_rule, bool):
            house_rule = str(house_rule)  # `house_rule: 1` refers to the house rule "1"
        if house_rule is not None and not isinstance(house_rule, str):
            self.error((*path, "house_rule"), "house_rule takes the id of one house rule")
        elif house_rule is not None and house_rule not in self.house_rules:
            hint = suggest(str(house_rule), self.house_rules)
            declared = ", ".join(self.house_rules) or "none declared"
            self.error(
                (*path, "house_rule"),
                f"unknown house rule '{house_rule}'{hint} (declared in house_rules: {declared})",
            )
        if action == "verbergen" and house_rule is None:
            self.error(
                path, "action verbergen needs a house_rule: the statement of reasons cites it"
            )
        note = value.get("note")
        if note is not None and not isinstance(note, str):
            self.error((*path, "note"), "note must be a text")
        if len(self.issues) > before:
            return None
        return Outcome(
            str(action), str(reason), deadline, team, templates, bool(confirm), house_rule, note
        )

    def _deadline(self, value: Any, path: Path) -> float | None:
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(path, f"deadline_hours needs a number of business hours, not {value!r}")
            return None
        if not 0 <= value <= MAX_DEADLINE_HOURS:
            self.error(path, f"deadline_hours must be between 0 and {MAX_DEADLINE_HOURS}")
            return None
        return float(value)

    def _member(
        self, value: Any, known: tuple[str, ...], what: str, where: str, path: Path
    ) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in known:
            hint = suggest(str(value), known)
            listing = ", ".join(known) if known else "none declared"
            self.error(path, f"unknown {what} '{value}'{hint} (declared in {where}: {listing})")
            return None
        return value

    def _templates(self, value: Any, path: Path) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, "templates must be a list of template keys")
            return ()
        result = []
        for index, item in enumerate(value):
            where = (*path, index)
            if not isinstance(item, str) or not SLUG.match(item):
                self.error(where, "template keys are lower-case names like 'bedankt'")
            elif self.templates and item not in self.templates:
                self.error(where, f"unknown template '{item}'{suggest(item, self.templates)}")
            else:
                result.append(item)
        return tuple(result)
