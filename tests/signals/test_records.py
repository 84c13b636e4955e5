"""Building SignalMessages from stored analyses and from import lines."""

from __future__ import annotations

from datetime import UTC, datetime

from nabij.signals import message_from_analysis, messages_from_import_lines

T = datetime(2026, 10, 21, 9, tzinfo=UTC)


def test_from_analysis_takes_the_best_topic_and_redacted_text() -> None:
    analysis = {
        "type": "melding", "type_scores": {"melding": 0.8, "vraag": "x"}, "sentiment": -0.4,
        "emotion": "boos", "toxicity": float("nan"),
        "topics": [{"id": "groen", "score": 0.7}, {"id": "afval", "score": 0.2}],
        "redacted_text": "Boom om bij [ADRES]",
    }  # fmt: skip
    message = message_from_analysis("x:1", "x", "x:@a", None, T, analysis)
    assert (message.topic, message.type, message.emotion) == ("groen", "melding", "boos")
    assert message.text == "Boom om bij [ADRES]" and message.toxicity == 0.0
    assert message.type_scores == {"melding": 0.8, "vraag": 0.0}


def test_from_analysis_survives_an_empty_analysis() -> None:
    message = message_from_analysis("x:1", "x", "x:@a", None, T, {"topics": "junk"})
    assert (message.topic, message.type, message.text) == ("overig", "overig", "")


def test_import_lines_use_gold_labels_and_first_seen() -> None:
    lines = [
        {"channel": "x", "external_id": "2", "author": {"handle": "@a"}, "text": "Later",
         "sent_at": "2026-10-22T10:00:00+02:00",
         "labels": {"type": "aanval", "topic": "bestuur", "emotion": "boos"}},
        {"channel": "x", "external_id": "1", "author": {"handle": "@a"}, "text": "Eerst",
         "sent_at": "2026-10-21T10:00:00+02:00", "labels": {"type": "vraag"}},
        {"channel": "x", "external_id": "3", "author": {"handle": "@org"}, "text": "Antwoord",
         "sent_at": "2026-10-21T11:00:00+02:00", "direction": "outbound"},
        {"channel": "x", "external_id": "4", "author": {"handle": "@b"}, "sent_at": "gisteren"},
        "not a line",
    ]  # fmt: skip
    messages = messages_from_import_lines(lines)  # type: ignore[arg-type]
    assert [m.key for m in messages] == ["x:2", "x:1"]
    later = messages[0]
    assert later.author_first_seen == messages[1].sent_at and later.toxicity > 0.5
    assert (later.topic, later.emotion) == ("bestuur", "boos") and messages[1].topic == "overig"
