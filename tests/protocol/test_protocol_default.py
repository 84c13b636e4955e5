"""The shipped default protocol advises sensible actions for typical messages."""

from __future__ import annotations

from typing import Any

import pytest

from nabij.protocol import default_protocol, evaluate
from nabij.protocol.vocab import MESSAGE_TYPES

PROTOCOL = default_protocol()


def analysis(kind: str, **extra: Any) -> dict[str, Any]:
    """A plausible analysis of a message of one type."""
    scores = {name: 0.02 for name in MESSAGE_TYPES}
    scores[kind] = 0.85
    base: dict[str, Any] = {
        "language": "nl",
        "type": kind,
        "type_scores": scores,
        "type_confidence": 0.85,
        "sentiment": 0.0,
        "sentiment_label": "neutraal",
        "emotion": "neutraal",
        "toxicity": 0.02,
        "toxicity_categories": [],
        "urgency": "normaal",
        "topics": [{"id": "afval", "score": 0.6}],
        "pii": [],
    }
    for key, value in extra.items():
        if key == "scores":
            scores.update(value)
        else:
            base[key] = value
    return base


CASES = [
    (
        "cry for help",
        analysis("noodkreet", urgency="acuut", emotion="angst"),
        {},
        "escaleren",
        "noodkreet",
    ),
    (
        "hidden cry for help in a complaint",
        analysis("klacht", scores={"noodkreet": 0.6}),
        {},
        "escaleren",
        "noodkreet",
    ),
    (
        "threat",
        analysis("aanval", toxicity=0.9, toxicity_categories=["bedreiging"]),
        {},
        "escaleren",
        "bedreiging",
    ),
    (
        "insult from a flagged abuser",
        analysis("aanval", toxicity=0.8, toxicity_categories=["belediging"]),
        {"author_flagged_abuser": True},
        "verbergen",
        "herhaalde_scheldpartij",
    ),
    (
        "insult from an author hidden twice before",
        analysis("aanval", toxicity=0.8, toxicity_categories=["belediging"]),
        {"author_hidden_count": 2},
        "verbergen",
        "herhaalde_scheldpartij",
    ),
    (
        "insult without content",
        analysis("aanval", toxicity=0.8, toxicity_categories=["belediging"]),
        {},
        "bewust_niet_reageren",
        "scheldpartij_zonder_vraag",
    ),
    (
        "angry but with a question",
        analysis("aanval", toxicity=0.6, scores={"vraag": 0.6}),
        {},
        "beantwoorden",
        "boos_met_inhoud",
    ),
    (
        "personal data in public",
        analysis("vraag", pii=[{"kind": "bsn", "start": 0, "end": 9}]),
        {"public": True},
        "prive_voortzetten",
        "persoonsgegevens_openbaar",
    ),
    ("question", analysis("vraag"), {}, "beantwoorden", "vraag"),
    (
        "question with personal data in a private channel",
        analysis("vraag", pii=[{"kind": "telefoon"}]),
        {"public": False, "channel": "email"},
        "beantwoorden",
        "vraag",
    ),
    (
        "report of a problem",
        analysis("melding", topics=[{"id": "verlichting", "score": 0.8}]),
        {},
        "stil_opvolgen",
        "melding",
    ),
    ("complaint", analysis("klacht", sentiment=-0.6), {}, "doorzetten", "klacht"),
    ("rumour", analysis("desinformatie"), {}, "beantwoorden", "gerucht"),
    (
        "rumour we already answered",
        analysis("desinformatie"),
        {"conversation_has_reply": True},
        "bewust_niet_reageren",
        "gerucht_al_beantwoord",
    ),
    (
        "rumour in a crisis",
        analysis("desinformatie"),
        {"crisis_mode": True},
        "indirect_reageren",
        "gerucht_crisis",
    ),
    (
        "personal story about care",
        analysis("ervaring", emotion="vermoeidheid", topics=[{"id": "zorg_wmo", "score": 0.7}]),
        {},
        "beantwoorden",
        "ervaring_zorg",
    ),
    ("personal story", analysis("ervaring", emotion="verdriet"), {}, "beantwoorden", "ervaring"),
    ("compliment", analysis("compliment", sentiment=0.8), {}, "beantwoorden", "compliment"),
    ("opinion", analysis("mening"), {}, "monitoren", "mening"),
    ("anything else", analysis("overig"), {}, "monitoren", "vangnet"),
    (
        "question in a crisis",
        analysis("vraag"),
        {"crisis_mode": True},
        "beantwoorden",
        "crisis_vraag",
    ),
    (
        "report in a crisis",
        analysis("melding"),
        {"crisis_mode": True},
        "doorzetten",
        "crisis_melding",
    ),
    (
        "urgent report in a crisis",
        analysis("melding", urgency="hoog"),
        {"crisis_mode": True},
        "escaleren",
        "crisis_urgent",
    ),
    ("acute danger", analysis("melding", urgency="acuut"), {}, "escaleren", "acuut_gevaar"),
    ("empty analysis", {}, {}, "monitoren", "vangnet"),
]


@pytest.mark.parametrize(
    ("case", "data", "context", "action", "rule_id"), CASES, ids=[c[0] for c in CASES]
)
def test_default_protocol_decides_sensibly(
    case: str, data: dict[str, Any], context: dict[str, Any], action: str, rule_id: str
) -> None:
    result = evaluate(PROTOCOL, data, context)
    assert (result.action, result.rule_id) == (action, rule_id), "\n".join(result.trace)


def test_crisis_mode_shortens_deadlines_and_changes_routing() -> None:
    normal = evaluate(PROTOCOL, analysis("vraag"), {"crisis_mode": False})
    crisis = evaluate(PROTOCOL, analysis("vraag"), {"crisis_mode": True})
    assert crisis.deadline_hours is not None and normal.deadline_hours is not None
    assert crisis.deadline_hours < normal.deadline_hours
    assert (normal.team, crisis.team) == ("webcare", "crisisteam")


def test_cry_for_help_carries_safety_information_and_needs_a_person() -> None:
    result = evaluate(PROTOCOL, analysis("noodkreet"), {})
    assert "veiligheid_113" in result.templates
    assert result.requires_confirmation
    assert result.deadline_hours is not None and result.deadline_hours <= 0.5


def test_hiding_cites_a_house_rule_and_silence_has_a_reason() -> None:
    for rule in PROTOCOL.rules:
        assert rule.outcome.reason
        if rule.outcome.action == "verbergen":
            assert rule.outcome.house_rule in PROTOCOL.house_rules


def test_report_of_a_problem_gets_an_acknowledgement_template() -> None:
    result = evaluate(PROTOCOL, analysis("melding"), {})
    assert result.templates == ("melding_ontvangen",)
