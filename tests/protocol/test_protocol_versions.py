"""Simulation of a draft, diffs between versions and the DSA statement of reasons."""

from __future__ import annotations

import dataclasses
import json

import pytest

from nabij.protocol import (
    default_protocol,
    default_protocol_text,
    diff_protocols,
    evaluate,
    load_protocol,
    simulate,
    statement_of_reasons,
)

CURRENT = default_protocol()
ITEMS = [
    ("m1", {"type": "vraag"}, {}),
    ("m2", {"type": "mening"}, {}),
    ("m3", {"type": "mening"}, {"public": False}),
    ("m4", {"type": "compliment"}, {}),
    ("m5", {"type": "aanval", "type_scores": {"vraag": 0.0, "melding": 0.0, "klacht": 0.0}}, {}),
]


def draft_text() -> str:
    """The default with opinions answered instead of monitored, and a new rule."""
    text = default_protocol_text().replace('version: "2026.1"', 'version: "2026.2"')
    old = "      action: monitoren\n      reason: beleidssignaal"
    assert old in text
    text = text.replace(old, "      action: beantwoorden\n      reason: beleidssignaal")
    new_rule = (
        "  - id: compliment_prive\n"
        "    title: Compliment in een privébericht\n"
        "    when: {type: compliment, public: false}\n"
        "    then: {action: monitoren, reason: prive_compliment}\n\n"
        "  - id: compliment\n"
    )
    return text.replace("  - id: compliment\n", new_rule, 1)


DRAFT = load_protocol(draft_text())


def test_simulation_counts_before_and_after_and_lists_changes() -> None:
    result = simulate(CURRENT, DRAFT, ITEMS)
    assert result.total == 5
    assert result.before["monitoren"] == 2 and result.after["monitoren"] == 0
    assert result.before["beantwoorden"] == 2 and result.after["beantwoorden"] == 4
    assert result.changed_count == 2
    assert [change.message_key for change in result.changed] == ["m2", "m3"]
    change = result.changed[0]
    assert change.before.action == "monitoren" and change.after.action == "beantwoorden"
    assert change.before.protocol_version == "2026.1" and change.after.protocol_version == "2026.2"
    assert any(" matched: " in line for line in change.after.trace)
    assert result.transitions[("monitoren", "beantwoorden")] == 2
    rows = {action: (before, after, delta) for action, before, after, delta in result.rows()}
    assert rows["monitoren"] == (2, 0, -2)
    json.dumps(result.to_dict())  # JSON-ready for the UI and the CLI


def test_simulation_of_identical_protocols_changes_nothing() -> None:
    result = simulate(CURRENT, CURRENT, ITEMS)
    assert result.changed_count == 0 and result.before == result.after


def test_simulation_can_limit_the_change_list() -> None:
    result = simulate(CURRENT, DRAFT, ITEMS, max_changes=1)
    assert result.changed_count == 2 and len(result.changed) == 1


def test_simulation_agrees_with_evaluate() -> None:
    result = simulate(CURRENT, DRAFT, ITEMS)
    for key, analysis, context in ITEMS:
        before = evaluate(CURRENT, analysis, context).action
        after = evaluate(DRAFT, analysis, context).action
        changed = key in {change.message_key for change in result.changed}
        assert changed == (before != after)


def test_diff_reports_added_changed_and_moved_rules() -> None:
    diff = diff_protocols(CURRENT, DRAFT)
    assert diff.old_version == "2026.1" and diff.new_version == "2026.2"
    assert [change.path for change in diff.settings] == ["version"]
    assert [rule_id for _, rule_id in diff.added] == ["compliment_prive"]
    assert diff.removed == []
    changed = {rule.rule_id: rule for rule in diff.changed}
    assert set(changed) == {"mening"}
    fields = changed["mening"].fields
    assert [(f.path, f.old, f.new) for f in fields] == [
        ("then.action", "monitoren", "beantwoorden")
    ]
    assert not changed["mening"].moved
    lines = diff.lines()
    assert "  + rule 20 'compliment_prive' added" in lines
    assert "      then.action: monitoren → beantwoorden" in lines
    json.dumps(diff.to_dict())


def test_diff_detects_removed_and_reordered_rules() -> None:
    text = default_protocol_text()
    start = text.index("  - id: vraag\n")
    end = text.index("  - id: melding\n")
    vraag = text[start:end]
    reordered = text[:start] + text[end:]
    reordered = reordered.replace("  - id: compliment\n", vraag + "  - id: compliment\n", 1)
    reordered = reordered.replace("  - id: mening\n", "  - id: mening_weg\n", 1)
    diff = diff_protocols(CURRENT, load_protocol(reordered))
    assert [rule_id for _, rule_id in diff.removed] == ["mening"]
    assert [rule_id for _, rule_id in diff.added] == ["mening_weg"]
    moved = [rule.rule_id for rule in diff.changed if rule.moved]
    assert "vraag" in moved


def test_diff_of_a_protocol_with_itself_is_empty() -> None:
    diff = diff_protocols(CURRENT, default_protocol())
    assert diff.is_empty and diff.lines()[-1] == "  no differences"


def hidden_evaluation():  # type: ignore[no-untyped-def]
    analysis = {"type": "aanval", "toxicity": 0.9, "toxicity_categories": ["belediging"]}
    return evaluate(CURRENT, analysis, {"author_flagged_abuser": True})


def test_statement_of_reasons_for_hiding() -> None:
    evaluation = hidden_evaluation()
    message = {
        "channel": "facebook",
        "external_id": "fb-42",
        "url": "https://facebook.example/p/42",
        "sent_at": "2026-09-14T08:12:00+02:00",
        "author": {"handle": "@boos", "name": "Boos"},
        "text": "Jullie zijn allemaal [SCHELDWOORD] " * 20,
    }
    statement = statement_of_reasons(
        evaluation, message, CURRENT.house_rules, objection=CURRENT.objection
    )
    data = statement.to_dict()
    assert data["house_rule"]["id"] == "H1"
    assert data["house_rule"]["text"].startswith("Geen beledigingen")
    assert data["automated_decision"] is False  # the default rule needs a person to confirm
    assert data["protocol_rule"]["id"] == "herhaalde_scheldpartij"
    assert data["content"]["author"] == "@boos"
    assert len(data["content"]["excerpt"]) <= 200
    assert "webcare@gemeente.example" in data["objection"]
    text = statement.text
    assert "verborgen" in text and "huisregel H1" in text and "Bezwaar:" in text
    assert "Een medewerker heeft het besluit genomen of bevestigd." in text
    json.dumps(data)


def test_statement_says_when_hiding_was_automatic_and_prefers_redacted_text() -> None:
    statement = statement_of_reasons(
        hidden_evaluation(),
        {"text": "bel 0612345678", "redacted_text": "bel [TELEFOON]"},
        CURRENT.house_rules,
        automated=True,
    )
    assert "automatisch genomen" in statement.text
    assert statement.data["content"]["excerpt"] == "bel [TELEFOON]"
    assert "Ben je het niet eens" in statement.data["objection"]  # default objection text


def test_statement_tolerates_junk_message_fields() -> None:
    statement = statement_of_reasons(
        hidden_evaluation(), {"author": "x", "text": 12, "channel": None}, {}
    )
    assert statement.data["house_rule"] == {"id": "H1", "text": ""}
    assert "huisregel H1." in statement.text


def test_statement_is_only_for_hiding() -> None:
    with pytest.raises(ValueError, match="verbergen"):
        statement_of_reasons(evaluate(CURRENT, {"type": "vraag"}, {}), {}, CURRENT.house_rules)


def test_statement_without_a_house_rule_refers_to_the_house_rules() -> None:
    evaluation = dataclasses.replace(hidden_evaluation(), house_rule=None)
    statement = statement_of_reasons(evaluation, {"text": "x"}, CURRENT.house_rules)
    assert "gaat in tegen onze huisregels." in statement.text
    assert statement.data["house_rule"] == {"id": "", "text": ""}


def test_issue_text_is_line_column_message() -> None:
    from nabij.protocol import Issue

    assert str(Issue(3, 7, "unknown field 'x'")) == "3:7: unknown field 'x'"
    assert Issue(3, 7, "m").format("p.yaml") == "p.yaml:3:7: m"
