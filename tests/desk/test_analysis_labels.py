"""Analysis codes reach staff as labels, in their language, never as raw codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.understanding.labels import (
    EMOTIONS,
    SENTIMENTS,
    TOXICITY_CATEGORIES,
    TYPES,
    URGENCIES,
)
from nabij.web.labels import LABELS, label, label_list
from tests.foundation.factories import item
from tests.support.analysis import FakeResult, keyword_analysis

PASSWORD = "Sterk-wachtwoord-42"


@pytest.fixture(autouse=True)
def _no_language_left_over() -> Iterator[None]:
    """The test client leaves the last request's language active on this thread."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("type", TYPES),
        ("urgency", URGENCIES),
        ("sentiment", SENTIMENTS),
        ("emotion", EMOTIONS),
        ("toxicity", TOXICITY_CATEGORIES),
    ],
)
def test_every_code_the_analyser_can_produce_has_a_label(kind: str, codes: tuple[str]) -> None:
    assert sorted(LABELS[kind]) == sorted(codes)


def test_labels_are_dutch_first_and_english_when_english_is_active() -> None:
    assert label("emotion", "vermoeidheid") == "vermoeidheid"
    assert label("toxicity", "grof_taalgebruik") == "grof taalgebruik"
    with translation.override("en"):
        assert label("emotion", "vermoeidheid") == "tiredness"
        assert label("emotion", "frustratie") == "frustration"
        assert label("sentiment", "neutraal") == "neutral"
        assert label("toxicity", "grof_taalgebruik") == "profanity"
        assert label("type", "noodkreet") == "cry for help"
        assert label("urgency", "acuut") == "acute"
        assert label("analysis_part", "pii") == "Personal data"
        english = {(kind, code): label(kind, code) for kind in LABELS for code in LABELS[kind]}
    same = {key for key, text in english.items() if label(*key) == text}
    assert same == {("type", "compliment"), ("analysis_part", "sentiment")}  # the same word


def test_unknown_and_odd_codes() -> None:
    assert label("emotion", "weemoed") == "weemoed"  # a newer analyser's code: shown as is
    assert label("emotion", "") == "" and label("emotion", None) == ""
    assert label_list("toxicity", ["bedreiging", 3, "", "belediging"]) == [
        "bedreiging",
        "belediging",
    ]
    assert label_list("toxicity", "bedreiging") == []  # a string is not a list of codes
    assert label_list("toxicity", {"bedreiging": 1}) == []
    assert label_list("toxicity", None) == []
    with pytest.raises(KeyError):
        label("emoticon", "boos")  # a typo in a template is a bug, not an empty cell


class _Analyser:
    """The keyword stand-in, with the codes this test wants to see labelled."""

    def analyse_batch(self, texts: list[str]) -> list[FakeResult]:
        results = []
        for text in texts:
            data: dict[str, Any] = keyword_analysis(text)
            data.update(
                sentiment_label="neutraal",
                emotion="vermoeidheid",
                toxicity_categories=["grof_taalgebruik", "<script>"],
                explanations={"type": "uitleg", "emotion": "uitleg", "pii": "geen"},
            )
            results.append(FakeResult(data))
        return results


@pytest.mark.django_db
def test_the_analysis_panel_shows_labels_in_the_staff_members_language() -> None:
    do_create_user("sanne", PASSWORD, role="agent")
    result = do_ingest_messages(
        get_or_create_channel("mastodon"),
        [item("1", text="noodkreet ik ben zo moe, ik kan niet meer")],
        queue_analysis=False,
    )[0]
    do_analyse_messages([result.message.pk], analyser=_Analyser())
    url = f"/gesprek/{result.message.conversation_id}/"

    dutch = Client()
    assert dutch.login(username="sanne", password=PASSWORD)
    body = dutch.get(url).content.decode()
    summary = re.search(r"<summary>Analyse: (.*?)</summary>", body, re.S)
    assert summary is not None
    assert summary.group(1) == (
        "noodkreet · sentiment neutraal · emotie vermoeidheid · urgentie acuut"
        " · toxisch: grof taalgebruik, &lt;script&gt;"
    )
    assert ">Persoonsgegevens</dt>" in body and ">Emotie</dt>" in body
    assert "grof_taalgebruik" not in body and ">pii</dt>" not in body and "<script>" not in body

    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert english.login(username="sanne", password=PASSWORD)
    body = english.get(url).content.decode()
    summary = re.search(r"<summary>Analysis: (.*?)</summary>", body, re.S)
    assert summary is not None
    assert summary.group(1) == (
        "cry for help · sentiment neutral · emotion tiredness · urgency acute"
        " · toxic: profanity, &lt;script&gt;"
    )
    assert ">Personal data</dt>" in body and ">Emotion</dt>" in body and ">Type</dt>" in body
    assert "vermoeidheid" not in body and "neutraal" not in body
