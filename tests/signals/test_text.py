"""Normalising, place names, shingles and the lexical embedding."""

from __future__ import annotations

import numpy as np

from nabij.signals import Gazetteer, find_places, lexical_embedding
from nabij.signals.text import normalise, shingles, terms

GAZ = Gazetteer.from_mapping(
    {"Molenkwartier": None, "Wiekstraat": "Molenkwartier", "De Spetter": None}
)


def test_normalise_drops_links_mentions_and_punctuation() -> None:
    text = "@gem_lindewaard Kijk: https://x.nl/a  Lamp KAPOT!! #donker @anna@mastodon.nl"
    assert normalise(text) == "kijk lamp kapot donker"


def test_terms_skip_stopwords_and_short_words() -> None:
    assert terms("De lamp in de straat is al weken kapot") == ["lamp", "straat", "weken", "kapot"]


def test_gazetteer_places_map_to_their_neighbourhood() -> None:
    found = find_places("Wiekstraat is donker, net als heel Molenkwartier", GAZ)
    assert ("Wiekstraat", "Molenkwartier") in found
    assert ("Molenkwartier", "Molenkwartier") in found


def test_street_suffixes_are_places_without_a_gazetteer() -> None:
    found = find_places("Kuil op de Beekdalweg en bij het Kerkplein, niet op de snelweg")
    assert [name for name, _ in found] == ["Beekdalweg", "Kerkplein"]


def test_gazetteer_names_need_whole_words() -> None:
    assert find_places("de spetterende show", GAZ) == []
    assert find_places("zwembad De Spetter gaat dicht", GAZ) == [("De Spetter", "De Spetter")]


def test_shingles_are_stable_and_ignore_decoration() -> None:
    a = shingles("Stop de windturbines in Beekdal! #geenwindturbines", 2)
    b = shingles("stop de windturbines in beekdal geenwindturbines 😡", 2)
    assert a == b and len(a) == 5
    assert shingles("", 2) == set()


def test_lexical_embedding_rows_are_unit_and_similar_texts_close() -> None:
    vectors = lexical_embedding(
        [
            "Lantaarnpaal Wiekstraat kapot",
            "lantaarnpaal kapot in de Wiekstraat",
            "",
            "Zwembad dicht",
        ]
    )
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[[0, 1, 3]], 1.0) and norms[2] == 0.0
    assert vectors[0] @ vectors[1] > 0.5 > vectors[0] @ vectors[3]
