"""detect(): the shape `nabij signals detect` prints, embeddings, bounds and junk input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nabij.signals import SignalMessage, detect, lexical_embedding

from .factory import START, TZ, background, message
from .test_coordination import _burst as coordinated_burst
from .test_patterns import LIGHTS

GAZ = {"Molenkwartier": None, "Wiekstraat": "Molenkwartier", "Maalderij": "Molenkwartier"}
STREETS = ["Dorpsstraat", "Kerkplein", "Beekdalweg", "Havenkade", "Stationsweg", "Parklaan", "Hof"]
STORM = [
    "Er ligt een enorme boom over de weg bij de {}, niemand kan erlangs",
    "{}: tak door de voorruit van mijn auto, wie betaalt dat?",
    "Dakpannen waaien van het dak aan de {} en vallen op de stoep. Gevaarlijk!",
    "Bij de {} is een lantaarnpaal omgewaaid en de kabels liggen bloot",
    "Hele straat blank gelopen, putten lopen over ({})",
]
REQUIRED = {"kind", "title", "topic", "start", "end", "score", "messages"}


def _scenario() -> list[SignalMessage]:
    lights = [
        message(50_000 + i, START + timedelta(days=30 + 2 * i, hours=20), text,
                topic="verlichting", channel="webform")
        for i, text in enumerate(LIGHTS * 2)
    ]  # fmt: skip
    storm = [
        message(60_000 + i, START + timedelta(days=44, hours=8, minutes=20 * i),
                STORM[i % len(STORM)].format(STREETS[i % len(STREETS)]), topic="groen")
        for i in range(40)
    ]  # fmt: skip
    return background() + lights + storm + coordinated_burst(12, 5, offset=70_000, day=52)


def test_result_has_the_documented_shape_and_is_json() -> None:
    result = detect(_scenario(), date(2026, 10, 5), date(2026, 11, 15), gazetteer=GAZ)
    assert list(result) == ["spikes", "patterns", "warnings"]
    json.dumps(result)
    for items in result.values():
        for item in items:
            assert REQUIRED <= set(item)
            assert all(isinstance(k, str) and ":" in k for k in item["messages"])
            assert datetime.fromisoformat(item["start"]) <= datetime.fromisoformat(item["end"])
    # The storm, and the coordinated evening burst (on afval here) is a spike as well.
    assert [s["topic"] for s in result["spikes"]] == ["groen", "afval"]
    assert [p["area"] for p in result["patterns"]] == ["Molenkwartier"]
    assert len(result["patterns"][0]["messages"]) == 12
    kinds = sorted(w["kind"] for w in result["warnings"])
    assert "coordinated" in kinds
    burst = next(w for w in result["warnings"] if w["kind"] == "coordinated")
    assert len(burst["messages"]) == 12


def test_end_date_is_inclusive_and_bounds_filter() -> None:
    storm_day = (START + timedelta(days=44)).date()
    assert detect(_scenario(), storm_day, storm_day)["spikes"]
    after = storm_day + timedelta(days=1)
    assert detect(_scenario(), after, after + timedelta(days=6))["spikes"] == []


def test_embedder_is_only_asked_for_missing_candidate_embeddings() -> None:
    calls: list[list[str]] = []

    def embedder(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return lexical_embedding(texts)

    messages = _scenario()
    given_vectors = {
        m.key: lexical_embedding([m.text])[0] for m in messages if m.key.endswith(("1", "3"))
    }
    messages += [replace(m, key=f"{m.key}c", type="klacht") for m in messages[::7]]
    messages = [replace(m, embedding=given_vectors.get(m.key)) for m in messages]
    detect(messages, START + timedelta(days=28), START + timedelta(days=69), embedder=embedder)
    asked = [t for batch in calls for t in batch]
    in_window = [
        m for m in messages
        if START + timedelta(days=28) <= m.sent_at < START + timedelta(days=69)
        and m.type in ("melding", "klacht", "vraag", "desinformatie")
    ]  # fmt: skip
    assert len(asked) == sum(1 for m in in_window if m.embedding is None) > 0


def test_a_broken_embedder_is_reported() -> None:
    with pytest.raises(ValueError, match="embedder returned shape"):
        detect(_scenario(), START, START + timedelta(days=69),
               embedder=lambda texts: np.zeros((1, 4)))  # fmt: skip


def test_junk_is_ignored() -> None:
    naive = replace(message(1, START), sent_at=datetime(2026, 10, 1, 12))
    junk = [None, "text", 42, naive, {"key": "x"}]
    result = detect(junk, date(2026, 9, 1), date(2026, 12, 1))  # type: ignore[arg-type]
    assert result == {"spikes": [], "patterns": [], "warnings": []}


def test_odd_field_values_are_neutralised() -> None:
    odd = [
        replace(m, topic=None, type=3, toxicity="hoog", author_first_seen="gisteren")  # type: ignore[arg-type]
        for m in _scenario()[:300]
    ]
    result = detect(odd, START, START + timedelta(days=69))
    json.dumps(result)


def test_reversed_period_is_empty() -> None:
    result = detect(_scenario(), date(2026, 11, 1), date(2026, 10, 1))
    assert result == {"spikes": [], "patterns": [], "warnings": []}


TEXTS = st.text(max_size=80)
MESSAGES = st.builds(
    SignalMessage,
    key=st.text(min_size=1, max_size=10),
    channel=st.sampled_from(["x", "email", ""]),
    author_key=st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    author_first_seen=st.none() | st.just(START),
    sent_at=st.integers(0, 60 * 24 * 40).map(lambda m: START + timedelta(minutes=m)),
    text=TEXTS,
    type=st.sampled_from(["melding", "klacht", "vraag", "desinformatie", "mening", "??"]),
    sentiment=st.floats(allow_nan=True),
    emotion=st.sampled_from(["boos", "neutraal", ""]),
    toxicity=st.floats(allow_nan=True),
    topic=st.sampled_from(["afval", "groen", ""]),
    embedding=st.none(),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(MESSAGES, max_size=60))
def test_never_crashes_on_odd_messages(messages: list[SignalMessage]) -> None:
    result = detect(messages, START, START + timedelta(days=40))
    json.dumps(result)
    assert set(result) == {"spikes", "patterns", "warnings"}


def test_naive_bounds_are_local_time() -> None:
    storm = [message(i, datetime(2026, 10, 21, 0, 30, tzinfo=TZ), "x") for i in range(3)]
    result = detect(storm, datetime(2026, 10, 21, 0, 0), datetime(2026, 10, 21, 1, 0))
    assert result["spikes"] == []  # no history, but the bounds were accepted
