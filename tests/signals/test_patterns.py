"""Pattern detection with the model-free lexical embedding."""

from __future__ import annotations

from datetime import timedelta

from nabij.signals import Gazetteer, PatternConfig, find_patterns, lexical_embedding

from .factory import START, TZ, message

GAZ = Gazetteer.from_mapping(
    {"Molenkwartier": None, "Wiekstraat": "Molenkwartier", "Maalderij": "Molenkwartier"}
)
LEXICAL = PatternConfig(similarity=0.35)
LIGHTS = [
    "Lantaarnpalen in de Wiekstraat kapot, hele straat donker",
    "Lantaarnpalen Maalderij kapot, het is daar donker 's avonds",
    "Weer donker in de Wiekstraat, lantaarnpalen kapot",
    "Molenkwartier nog steeds donker, lantaarnpalen kapot",
    "Lantaarnpalen in de Maalderij nog steeds kapot en donker",
    "Hoe lang blijft de Wiekstraat nog donker? Lantaarnpalen kapot",
]


def _run(messages, config=LEXICAL, gazetteer=GAZ):  # type: ignore[no-untyped-def]
    gazetteer = gazetteer or Gazetteer({})
    vectors = lexical_embedding([m.text for m in messages])
    return find_patterns(messages, vectors, START + timedelta(days=30), TZ, gazetteer, config)


def _lights(days_apart: float = 2.0, same_author: bool = False) -> list:
    return [
        message(i, START + timedelta(days=i * days_apart, hours=20), text, topic="verlichting",
                author="one" if same_author else None)
        for i, text in enumerate(LIGHTS)
    ]  # fmt: skip


NOISE = [
    message(100 + i, START + timedelta(days=i, hours=9), text, topic="verlichting")
    for i, text in enumerate(
        ["Mag ik een lantaarnpaal in mijn tuin zetten?", "Kerstverlichting op de markt is mooi",
         "Wanneer gaat het licht bij de sporthal uit?", "Fietsverlichting controle bij school"]
    )
]  # fmt: skip


def test_reports_about_one_area_form_one_pattern() -> None:
    patterns = _run(_lights() + NOISE)
    assert len(patterns) == 1
    pattern = patterns[0]
    assert pattern["kind"] == "pattern" and pattern["area"] == "Molenkwartier"
    assert sorted(pattern["messages"]) == sorted(f"mastodon:{i}" for i in range(6))
    assert pattern["title"].startswith("Patroon in Molenkwartier:")
    assert sum(day["count"] for day in pattern["trend"]) == 6
    assert pattern["trend"][0]["date"] == "2026-09-07" and pattern["authors"] == 6
    assert set(pattern["examples"]) <= set(pattern["messages"]) and pattern["examples"]


def test_one_author_repeating_is_no_pattern() -> None:
    assert _run(_lights(same_author=True)) == []


def test_one_day_is_no_pattern_and_far_apart_reports_do_not_link() -> None:
    assert _run(_lights(days_apart=0.01)) == []
    assert _run(_lights(days_apart=10.0)) == []


def test_shared_place_is_a_strong_cue() -> None:
    strict = PatternConfig(similarity=0.7, place_bonus=0.0)
    assert _run(_lights(), strict) == []
    assert len(_run(_lights(), PatternConfig(similarity=0.7, place_bonus=0.35))) == 1
    # Without the gazetteer the streets are separate areas, so the cue is weaker.
    assert _run(_lights(), PatternConfig(similarity=0.7, place_bonus=0.35), None) == []


def test_rumour_is_a_pattern_of_claims_and_questions() -> None:
    texts = [
        ("desinformatie", "Zwembad De Spetter gaat per 1 januari dicht!"),
        ("vraag", "Klopt het dat zwembad De Spetter per 1 januari dicht gaat?"),
        ("desinformatie", "De Spetter gaat 1 januari dicht, besloten in een achterkamertje"),
        ("vraag", "Gaat De Spetter echt dicht per 1 januari? Zwemles net betaald"),
        ("vraag", "Is het waar dat zwembad De Spetter dicht gaat in januari?"),
    ]
    messages = [
        message(i, START + timedelta(days=i * 0.6, hours=12), text, topic="bestuur", kind=kind)
        for i, (kind, text) in enumerate(texts)
    ]
    patterns = _run(messages, PatternConfig(similarity=0.3))
    assert [p["kind"] for p in patterns] == ["rumour"]
    assert patterns[0]["title"].startswith("Gerucht") and patterns[0]["types"] == {
        "desinformatie": 2, "vraag": 3}  # fmt: skip


def test_growth_compares_last_week_with_before() -> None:
    growing = [
        message(i, START + timedelta(days=d, hours=20), LIGHTS[i % 6], topic="verlichting")
        for i, d in enumerate([1, 9, 24, 25, 26, 27, 28, 28.5])
    ]
    pattern = _run(growing)[0]
    assert pattern["growth"] > 1.5 and pattern["score"] > pattern["authors"]


def test_empty_input() -> None:
    assert _run([]) == []
