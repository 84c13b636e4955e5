"""The analyser end to end with the real sentence encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from nabij.understanding import ANALYSER_VERSION, TYPES, Analyser, Taxonomy

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = {
    "language", "type", "type_scores", "type_confidence", "sentiment", "sentiment_label",
    "emotion", "emotion_scores", "toxicity", "toxicity_categories", "urgency", "topics", "pii",
    "redacted_text", "explanations", "analyser_version",
}  # fmt: skip
EXPLAINED = {"type", "sentiment", "emotion", "toxicity", "urgency", "topics", "language", "pii"}


def lines(name: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_shape_matches_the_interface(analyser: Analyser) -> None:
    result = analyser.analyse("De lamp in de Wiekstraat is kapot, bel me op 06-12345678").to_dict()
    assert set(result) == KEYS
    assert set(result["type_scores"]) == set(TYPES)
    assert all(0.0 <= v <= 1.0 for v in result["type_scores"].values())
    assert set(result["explanations"]) == EXPLAINED
    assert result["analyser_version"] == ANALYSER_VERSION
    assert -1.0 <= result["sentiment"] <= 1.0
    assert result["pii"] == [{"kind": "telefoon", "start": 45, "end": 56}]
    assert "[TELEFOON]" in result["redacted_text"]


def test_cries_for_help_are_not_missed(analyser: Analyser) -> None:
    results = analyser.analyse_batch(lines("crisis.txt"))
    missed = [r.redacted_text for r in results if r.type != "noodkreet"]
    assert len(missed) <= 1, missed
    assert all(r.urgency == "acuut" for r in results if r.type == "noodkreet")


def test_ordinary_messages_are_not_cries_for_help(analyser: Analyser) -> None:
    results = analyser.analyse_batch(lines("ordinary.txt"))
    assert [r.type for r in results].count("noodkreet") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wanneer wordt het grofvuil opgehaald in de Molenwijk?", "vraag"),
        ("Er ligt een omgevallen boom over het fietspad bij de Vaart.", "melding"),
        ("Kankerwethouder, je bent een oplichter en ik weet waar je woont", "aanval"),
        ("Super bedankt voor de snelle hulp van jullie medewerker, top geregeld!", "compliment"),
    ],
)
def test_clear_types(analyser: Analyser, text: str, expected: str) -> None:
    assert analyser.analyse(text).type == expected


def test_explanation_names_the_cues(analyser: Analyser) -> None:
    result = analyser.analyse("Al drie keer gebeld en nog steeds geen reactie. Belachelijk!")
    assert (
        "'al drie keer'" in result.explanations["type"]
        or "nog steeds" in result.explanations["type"]
    )
    threat = analyser.analyse("Kankerwethouder, ik weet waar je woont")
    assert "kankerwethouder" in threat.explanations["toxicity"]
    assert set(threat.toxicity_categories) >= {"grof_taalgebruik", "bedreiging"}


def test_topics_from_a_custom_taxonomy() -> None:
    taxonomy = Taxonomy.from_dict(
        {
            "topics": [
                {"id": "haven", "name": "Haven", "keywords": ["kade", "schip"],
                 "examples": ["Er ligt een schip scheef aan de kade."]},
                {"id": "markt", "name": "Markt", "keywords": ["marktkraam"]},
            ]
        }
    )  # fmt: skip
    result = Analyser(taxonomy=taxonomy).analyse("Het schip aan de kade lekt olie")
    assert result.topics and result.topics[0]["id"] == "haven"


def test_default_topic(analyser: Analyser) -> None:
    result = analyser.analyse("De container is deze week weer niet geleegd")
    assert result.topics[0]["id"] == "afval"
    assert "container" in result.explanations["topics"]


def test_language(analyser: Analyser) -> None:
    assert (
        analyser.analyse("The bin in our street has not been emptied for weeks.").language == "en"
    )
    assert analyser.analyse("Hoi, wanneer gaat het zwembad weer open?").language == "nl"
