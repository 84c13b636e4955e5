"""Plain-Dutch measures: sentence split, syllables, Flesch-Douma, passive spans."""

from __future__ import annotations

import pytest

from nabij.tone.readability import flesch_douma, passive_spans, sentences, syllables


def test_sentences_with_spans():
    text = "Hoi Anna! Wat vervelend.\nWe komen morgen langs?"
    found = sentences(text)
    assert [s.text for s in found] == ["Hoi Anna!", "Wat vervelend.", "We komen morgen langs?"]
    assert all(text[s.start : s.end] == s.text for s in found)


@pytest.mark.parametrize(
    ("word", "count"),
    [("huis", 1), ("ijs", 1), ("vrijdag", 2), ("gemeente", 3), ("geïnformeerd", 4),
     ("afvalinzameling", 6), ("https://lindewaard.nl/afval", 1)],
)  # fmt: skip
def test_syllables(word, count):
    assert syllables(word) == count


def test_flesch_douma_orders_plain_above_officialese():
    plain = flesch_douma("We komen morgen. Je hoeft niets te doen.")
    hard = flesch_douma(
        "Naar aanleiding van uw correspondentie inzake de afvalstoffenheffing informeren wij u "
        "dat de gemeentelijke belastingadministratie uw bezwaarschrift ontvankelijk verklaard heeft."
    )
    assert plain is not None and hard is not None
    assert plain > 80 > 20 > hard
    assert flesch_douma("") is None


@pytest.mark.parametrize(
    "text",
    ["De container wordt morgen geleegd.", "Het pad werd door de gemeente vernieuwd.",
     "De lamp wordt donderdag vervangen.", "Ik wist niet dat de bomen gekapt werden.",
     "Het plan is gemaakt door de wijkraad."],
)  # fmt: skip
def test_passive_found(text):
    assert passive_spans(text)


@pytest.mark.parametrize(
    "text",
    ["We legen de container morgen.", "Het wordt druk, dus je kunt beter later bellen.",
     "Je vader is overleden.", "Het wordt beter.", "Het werd twee weken geleden.",
     "De pas was verlopen door een fout in ons systeem."],
)  # fmt: skip
def test_passive_not_found(text):
    assert passive_spans(text) == []
