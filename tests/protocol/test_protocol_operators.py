"""Each operator and each field behaves as documented, including absent values."""

from __future__ import annotations

from typing import Any

import pytest

from nabij.protocol import evaluate

ANALYSIS: dict[str, Any] = {
    "language": "nl",
    "type": "aanval",
    "type_scores": {"aanval": 0.91, "vraag": 0.05, "klacht": 0.4},
    "type_confidence": 0.91,
    "sentiment": -0.6,
    "sentiment_label": "negatief",
    "emotion": "boos",
    "emotion_scores": {"boos": 0.8, "angst": 0.1},
    "toxicity": 0.75,
    "toxicity_categories": ["belediging", "grof_taalgebruik"],
    "urgency": "hoog",
    "topics": [{"id": "afval", "score": 0.7}, {"id": "groen", "score": 0.2}],
    "pii": [{"kind": "telefoon", "start": 0, "end": 10}],
}
CONTEXT: dict[str, Any] = {
    "channel": "mastodon",
    "public": True,
    "first_message": False,
    "author_messages_recent": 4,
    "author_recent_days": 30,
    "author_hidden_count": 2,
    "author_flagged_abuser": True,
    "conversation_has_reply": True,
    "office_hours": False,
    "crisis_mode": True,
}

CASES = [
    # (condition, matches for ANALYSIS/CONTEXT)
    ({"type": "aanval"}, True),
    ({"type": "vraag"}, False),
    ({"type": {"eq": "aanval"}}, True),
    ({"type": {"ne": "aanval"}}, False),
    ({"type": {"ne": "vraag"}}, True),
    ({"type": {"in": ["vraag", "aanval"]}}, True),
    ({"type": ["vraag", "klacht"]}, False),
    ({"type": {"not_in": ["vraag", "klacht"]}}, True),
    ({"type_score.aanval": {"gte": 0.91}}, True),
    ({"type_score.aanval": {"gt": 0.91}}, False),
    ({"type_score.vraag": {"lt": 0.3}}, True),
    ({"type_score.klacht": {"lte": 0.4}}, True),
    ({"type_score.klacht": {"lt": 0.4}}, False),
    ({"type_score.klacht": {"gte": 0.3, "lte": 0.5}}, True),
    ({"type_confidence": {"gte": 0.9}}, True),
    ({"sentiment": {"lt": -0.5}}, True),
    ({"sentiment_label": "negatief"}, True),
    ({"emotion": ["boos", "frustratie"]}, True),
    ({"emotion_score.boos": {"gt": 0.5}}, True),
    ({"emotion_score.angst": {"gt": 0.5}}, False),
    ({"toxicity": {"gte": 0.7}}, True),
    ({"toxicity_categories": "belediging"}, True),
    ({"toxicity_categories": {"contains": "bedreiging"}}, False),
    ({"toxicity_categories": ["bedreiging", "belediging"]}, True),
    ({"toxicity_categories": {"any_of": ["bedreiging", "groepsbelediging"]}}, False),
    ({"toxicity_categories": {"all_of": ["belediging", "grof_taalgebruik"]}}, True),
    ({"toxicity_categories": {"all_of": ["belediging", "bedreiging"]}}, False),
    ({"toxicity_categories": {"none_of": ["bedreiging"]}}, True),
    ({"toxicity_categories": {"none_of": ["belediging"]}}, False),
    ({"toxicity_categories": {"empty": False}}, True),
    ({"toxicity_categories": {"empty": True}}, False),
    ({"urgency": "hoog"}, True),
    ({"urgency": {"gte": "hoog"}}, True),
    ({"urgency": {"gt": "hoog"}}, False),
    ({"urgency": {"lt": "acuut"}}, True),
    ({"urgency": {"lte": "normaal"}}, False),
    ({"urgency": {"in": ["hoog", "acuut"]}}, True),
    ({"topic": "afval"}, True),
    ({"topic": "groen"}, False),
    ({"topic_score": {"gte": 0.7}}, True),
    ({"topics": "groen"}, True),
    ({"topics": {"any_of": ["parkeren", "verkeer"]}}, False),
    ({"language": "nl"}, True),
    ({"language": {"in": ["en", "de"]}}, False),
    ({"pii": "telefoon"}, True),
    ({"pii": {"any_of": ["bsn", "iban"]}}, False),
    ({"channel": "mastodon"}, True),
    ({"channel": {"in": ["email", "webform"]}}, False),
    ({"public": True}, True),
    ({"public": {"ne": True}}, False),
    ({"first_message": False}, True),
    ({"author.messages_recent": {"gte": 4}}, True),
    ({"author.messages_recent": {"gt": 4}}, False),
    ({"author.recent_days": 30}, True),
    ({"author.hidden_count": {"gte": 2}}, True),
    ({"author.flagged_abuser": True}, True),
    ({"conversation.has_reply": True}, True),
    ({"office_hours": True}, False),
    ({"crisis_mode": True}, True),
    ({"all": [{"type": "aanval"}, {"crisis_mode": True}]}, True),
    ({"all": [{"type": "aanval"}, {"crisis_mode": False}]}, False),
    ({"any": [{"type": "vraag"}, {"crisis_mode": True}]}, True),
    ({"any": [{"type": "vraag"}, {"crisis_mode": False}]}, False),
    ({"not": {"type": "vraag"}}, True),
    ({"not": {"type": "aanval"}}, False),
    ({"type": "aanval", "not": {"any": [{"public": False}, {"pii": "bsn"}]}}, True),
]


@pytest.mark.parametrize(("when", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_condition_matches_as_documented(one_rule: Any, when: Any, expected: bool) -> None:
    result = evaluate(one_rule(when), ANALYSIS, CONTEXT)
    assert (result.rule_id == "hit") is expected, result.trace


def test_context_defaults_apply_when_keys_are_missing(one_rule: Any) -> None:
    defaults = {
        "public": True,
        "first_message": True,
        "author.messages_recent": 0,
        "author.recent_days": 30,
        "author.hidden_count": 0,
        "author.flagged_abuser": False,
        "conversation.has_reply": False,
        "office_hours": True,
        "crisis_mode": False,
    }
    for field, value in defaults.items():
        result = evaluate(one_rule({field: value}), {}, {})
        assert result.rule_id == "hit", (field, result.trace)
        assert any(f"{field} is missing in the context" in line for line in result.trace)


@pytest.mark.parametrize(
    "when",
    [
        {"type": "aanval"},
        {"type": {"ne": "vraag"}},
        {"type": {"not_in": ["vraag"]}},
        {"toxicity": {"gte": 0}},
        {"toxicity": {"lte": 1}},
        {"urgency": {"gte": "laag"}},
        {"topic": {"ne": "afval"}},
        {"type_score.aanval": {"gte": 0}},
        {"language": {"ne": "en"}},
    ],
)
def test_absent_analysis_values_never_match(one_rule: Any, when: Any) -> None:
    result = evaluate(one_rule(when), {}, {})
    assert result.rule_id == "miss"
    assert any("treated as absent" in line for line in result.trace)
    # ...and `not` turns that into a match, so a rule can ask for an absent value.
    assert evaluate(one_rule({"not": when}), {}, {}).rule_id == "hit"


def test_absent_lists_are_empty(one_rule: Any) -> None:
    result = evaluate(one_rule({"pii": {"empty": True}}), {"type": "vraag"}, {})
    assert result.rule_id == "hit"
    assert any(
        "pii is missing in the analysis; treated as an empty list" in s for s in result.trace
    )


def test_malformed_values_are_treated_as_absent(one_rule: Any) -> None:
    analysis = {"toxicity": "very", "type_scores": [1, 2], "topics": "afval", "pii": [7, {"x": 1}]}
    context = {"public": "yes", "author_hidden_count": -3}
    protocol = one_rule({"any": [{"toxicity": {"gte": 0}}, {"type_score.aanval": {"gte": 0}}]})
    result = evaluate(protocol, analysis, context)
    assert result.rule_id == "miss"
    assert any("toxicity is malformed in the analysis" in line for line in result.trace)
    assert evaluate(one_rule({"public": True}), analysis, context).rule_id == "hit"
    assert evaluate(one_rule({"author.hidden_count": 0}), analysis, context).rule_id == "hit"
    assert evaluate(one_rule({"pii": {"empty": True}}), analysis, context).rule_id == "hit"


def test_unknown_urgency_label_does_not_compare(one_rule: Any) -> None:
    result = evaluate(one_rule({"urgency": {"lt": "acuut"}}), {"urgency": "zeer"}, {})
    assert result.rule_id == "miss"


def test_trace_says_why_a_rule_matched_and_why_earlier_ones_did_not(one_rule: Any) -> None:
    protocol = one_rule({"type": "aanval", "type_score.aanval": {"gte": 0.7}})
    result = evaluate(protocol, ANALYSIS, CONTEXT)
    assert (
        "rule 1 'hit' (Treffer) matched: type is aanval, type_score.aanval 0.91 ≥ 0.7"
        in result.trace
    )
    result = evaluate(protocol, {**ANALYSIS, "type_scores": {"aanval": 0.42}}, CONTEXT)
    assert "rule 1 'hit' (Treffer) did not match: type_score.aanval 0.42, not ≥ 0.7" in result.trace
    assert "rule 2 'miss' (Vangnet) matched: always" in result.trace
    assert result.trace[-1] == "decision: monitoren, reason miss"


def test_extra_topics_from_the_protocol_are_accepted(one_rule: Any) -> None:
    protocol = one_rule({"topic": "haven"}, topics=["haven"])
    analysis = {"topics": [{"id": "haven", "score": 0.9}]}
    assert evaluate(protocol, analysis, {}).rule_id == "hit"


def test_numpy_scalars_from_an_analyser_are_numbers(one_rule: Any) -> None:
    np = pytest.importorskip("numpy")
    analysis = {"toxicity": np.float32(0.75), "type_scores": {"aanval": np.float64(0.9)}}
    context = {"author_hidden_count": np.int64(3)}
    protocol = one_rule(
        {"toxicity": {"gte": 0.7}, "type_score.aanval": {"gt": 0.8}, "author.hidden_count": 3}
    )
    assert evaluate(protocol, analysis, context).rule_id == "hit"
