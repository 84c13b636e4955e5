"""Evaluation returns exactly one outcome and a trace for any input, deterministically."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabij.protocol import default_protocol, evaluate, matching_rule
from nabij.protocol.vocab import (
    ACTIONS,
    CHANNELS,
    DEFAULT_TOPICS,
    EMOTIONS,
    MESSAGE_TYPES,
    PII_KINDS,
    TOXICITY_CATEGORIES,
    URGENCY_LEVELS,
)

PROTOCOL = default_protocol()
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.just([]),
    st.just({}),
)
score = st.one_of(st.floats(0, 1), junk)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Either a well-formed value or junk of any type."""
    return st.one_of(strategy, junk)


analyses = st.fixed_dictionaries(
    {},
    optional={
        "language": maybe(st.sampled_from(["nl", "en", "de"])),
        "type": maybe(st.sampled_from(MESSAGE_TYPES)),
        "type_scores": maybe(st.dictionaries(st.sampled_from(MESSAGE_TYPES), score)),
        "type_confidence": score,
        "sentiment": maybe(st.floats(-1, 1)),
        "sentiment_label": maybe(st.sampled_from(["positief", "neutraal", "negatief"])),
        "emotion": maybe(st.sampled_from(EMOTIONS)),
        "emotion_scores": maybe(st.dictionaries(st.sampled_from(EMOTIONS), score)),
        "toxicity": score,
        "toxicity_categories": maybe(st.lists(maybe(st.sampled_from(TOXICITY_CATEGORIES)))),
        "urgency": maybe(st.sampled_from(URGENCY_LEVELS)),
        "topics": maybe(
            st.lists(
                maybe(
                    st.fixed_dictionaries(
                        {"id": maybe(st.sampled_from(DEFAULT_TOPICS)), "score": score}
                    )
                )
            )
        ),
        "pii": maybe(
            st.lists(maybe(st.fixed_dictionaries({"kind": maybe(st.sampled_from(PII_KINDS))})))
        ),
    },
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "channel": maybe(st.sampled_from(CHANNELS)),
        "public": maybe(st.booleans()),
        "first_message": maybe(st.booleans()),
        "author_messages_recent": maybe(st.integers(-3, 50)),
        "author_recent_days": maybe(st.integers(0, 90)),
        "author_hidden_count": maybe(st.integers(-3, 10)),
        "author_flagged_abuser": maybe(st.booleans()),
        "conversation_has_reply": maybe(st.booleans()),
        "office_hours": maybe(st.booleans()),
        "crisis_mode": maybe(st.booleans()),
    },
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(analyses, junk), st.one_of(contexts, junk))
def test_every_input_gets_exactly_one_outcome_and_a_trace(analysis: Any, context: Any) -> None:
    result = evaluate(PROTOCOL, analysis, context)
    assert result.action in ACTIONS
    assert PROTOCOL.rule(result.rule_id) is not None
    matched = [line for line in result.trace if " matched: " in line]
    assert len(matched) == 1
    assert f"'{result.rule_id}'" in matched[0]
    assert result.trace[-1].startswith(f"decision: {result.action}")
    # The fast path used by the simulator agrees with the traced path.
    assert matching_rule(PROTOCOL, analysis, context).id == result.rule_id
    # Deterministic: the same input gives the same evaluation.
    assert evaluate(PROTOCOL, analysis, context) == result


def test_rules_before_the_match_are_all_explained() -> None:
    result = evaluate(PROTOCOL, {"type": "compliment"}, {})
    rule = PROTOCOL.rule("compliment")
    assert rule is not None
    tried = [line for line in result.trace if line.startswith("rule ")]
    assert len(tried) == rule.position
    assert all(" did not match: " in line for line in tried[:-1])


def test_evaluation_serialises_to_plain_data() -> None:
    data = evaluate(PROTOCOL, {"type": "vraag"}, {}).to_dict()
    assert data["action"] == "beantwoorden"
    assert data["protocol_version"] == "2026.1"
    assert isinstance(data["trace"], list) and isinstance(data["templates"], list)
    assert set(data) >= {
        "action", "reason_code", "deadline_hours", "team", "templates",
        "requires_confirmation", "rule_id", "rule_title", "protocol_version", "trace",
    }  # fmt: skip
