"""Polarisation early warning: aggregate indicators per topic and week."""

from __future__ import annotations

import json
from datetime import timedelta

from nabij.signals import find_polarisation, us_them_hits
from nabij.signals.polarisation import us_them_lexicon

from .factory import START, TZ, message

END = START + timedelta(days=35)


def _week(week: int, count: int, *, angry: int = 0, toxic: int = 0, us: int = 0,
          new: int = 0, offset: int = 0) -> list:  # fmt: skip
    out = []
    for i in range(count):
        when = START + timedelta(days=7 * week + i % 5, hours=10 + i % 8)
        text = (
            "Die lui op het stadhuis doen toch wat ze willen" if i < us else "Wat vind ik hiervan"
        )
        out.append(message(
            offset + 1000 * week + i, when, text, topic="klimaat_energie",
            author=f"w{week}a{i}", emotion="boos" if i < angry else "neutraal",
            toxicity=0.9 if i < toxic else 0.0,
            first_seen=when - timedelta(days=2 if i < new else 300),
        ))  # fmt: skip
    return out


def test_lexicon_is_loaded_and_matches_whole_words() -> None:
    assert "die lui" in us_them_lexicon() and "ze" not in us_them_lexicon()
    assert us_them_hits("Wakker worden mensen, die lui liegen") == [
        "die lui", "wakker worden", "wakker worden mensen"]  # fmt: skip
    assert us_them_hits("De lui-sessie van de bieb") == []


def test_calm_weeks_give_no_warning() -> None:
    calm = [m for w in range(5) for m in _week(w, 20, angry=2, toxic=1)]
    assert find_polarisation(calm, START, END, TZ) == []


def test_turning_week_warns_with_explained_indicators() -> None:
    calm = [m for w in range(4) for m in _week(w, 20, angry=2)]
    hot = _week(4, 20, angry=12, toxic=5, us=6, new=14)
    warnings = find_polarisation(calm + hot, START, END, TZ)
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning["kind"] == "polarisation" and warning["topic"] == "klimaat_energie"
    triggered = {i["name"] for i in warning["indicators"] if i["triggered"]}
    assert triggered == {"toxicity_share", "anger_share", "us_them_share", "new_account_share"}
    assert warning["score"] == 4.0 and warning["start"].startswith("2026-10-05")
    anger = next(i for i in warning["indicators"] if i["name"] == "anger_share")
    assert anger["value"] == 0.6 and anger["baseline"] == 0.1
    assert "12 van 20 berichten boos" in anger["explanation"]


def test_steady_toxicity_alone_does_not_warn() -> None:
    steady = [m for w in range(5) for m in _week(w, 20, angry=8, toxic=6, us=3)]
    assert find_polarisation(steady, START, END, TZ) == []


def test_coordinated_burst_counts_as_an_indicator() -> None:
    calm = [m for w in range(4) for m in _week(w, 20, angry=2)]
    hot = _week(4, 20, angry=12)
    burst = {"topic": "klimaat_energie", "start": (START + timedelta(days=30)).isoformat()}
    warnings = find_polarisation(calm + hot, START, END, TZ, [burst])
    assert [i["name"] for i in warnings[0]["indicators"] if i["triggered"]] == [
        "anger_share", "coordinated_bursts"]  # fmt: skip


def test_output_is_aggregate_and_names_no_person() -> None:
    calm = [m for w in range(4) for m in _week(w, 20, angry=2)]
    hot = _week(4, 20, angry=12, toxic=5, us=6)
    text = json.dumps(find_polarisation(calm + hot, START, END, TZ))
    assert "w4a" not in text and "author" not in text


def test_small_topics_are_left_alone() -> None:
    tiny = [
        m for w in range(5) for m in _week(w, 6, angry=6 if w == 4 else 0, toxic=6 if w == 4 else 0)
    ]
    assert find_polarisation(tiny, START, END, TZ) == []
