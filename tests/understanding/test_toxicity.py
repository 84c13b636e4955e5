"""The Dutch toxicity lexicon: compounds found, innocent words left alone."""

from __future__ import annotations

import pytest

from nabij.understanding.normalise import fold
from nabij.understanding.toxicity import default_lexicon


def scan(text: str) -> list[str]:
    return default_lexicon().scan(fold(text)).categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Die kankerwethouder moet weg", "grof_taalgebruik"),
        ("Wat een klotegemeente", "grof_taalgebruik"),
        ("Stelletje oerIdioten daar op het stadhuis", "belediging"),
        ("Jij bent echt een randdebiel", "belediging"),
        ("Ik weet waar je woont", "bedreiging"),
        ("Die wethouder moet opgehangen worden", "bedreiging"),
        ("Al die asielzoekers zijn tuig", "groepsbelediging"),
        ("Kutmarokkanen horen hier niet", "groepsbelediging"),
    ],
)
def test_toxic_language_is_found(text: str, category: str) -> None:
    assert category in scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mijn moeder heeft kanker en heeft hulp nodig",
        "Doneer aan het kankeronderzoek",
        "Mijn vader is overleden aan longkanker",
        "Hoera, de speeltuin is open!",
        "De lamp flikkert al dagen",
        "Het vliegtuig vloog laag over de wijk",
        "Mijn schoenen zijn versleten",
        "Er is een verbetering nodig bij de kruising",
        "De eikels vallen op de stoep",
        "We werken ongestoord door",
        "Pas op voor oplichters aan de deur",
    ],
)
def test_innocent_words_are_not_toxic(text: str) -> None:
    assert scan(text) == []


def test_score_grows_with_severity() -> None:
    lexicon = default_lexicon()
    mild = lexicon.scan(fold("wat een klote dag")).score
    threat = lexicon.scan(fold("ik weet waar je woont, kankerlijer")).score
    assert 0 < mild < threat <= 1


def test_model_scores_add_missing_categories_only_when_sure() -> None:
    from nabij.understanding.toxicity import merge_model_scores

    lexical = default_lexicon().scan(fold("wat een klote dag"))
    merged = merge_model_scores(lexical, [0.8, 0.1, 0.3, 0.2])
    assert merged.categories == ["belediging", "grof_taalgebruik"]
    assert "taalmodel" in merged.explanation()
    assert merged.score >= lexical.score
    assert merge_model_scores(lexical, None) is lexical
