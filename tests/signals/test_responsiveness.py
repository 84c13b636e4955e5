"""Responsiveness figures and channel effectiveness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nabij.signals import OwnPost, ResponseRecord, channel_effectiveness, responsiveness

T0 = datetime(2026, 10, 5, 9, tzinfo=UTC)
NOW = T0 + timedelta(days=10)


def _r(n: int, channel: str, hours: float | None, **extra) -> ResponseRecord:  # type: ignore[no-untyped-def]
    reply = None if hours is None else T0 + timedelta(hours=hours)
    return ResponseRecord(key=f"{channel}:{n}", channel=channel, type=extra.pop("type", "vraag"),
                          received_at=T0, first_reply_at=reply, **extra)  # fmt: skip


RECORDS = [
    _r(1, "x", 1.0, deadline_at=T0 + timedelta(hours=4)),
    _r(2, "x", 2.0, deadline_at=T0 + timedelta(hours=1)),
    _r(3, "x", 10.0),
    _r(4, "x", None, decision_action="bewust_niet_reageren", decision_reason="trollgedrag"),
    _r(5, "email", 24.0, type="klacht", deadline_at=T0 + timedelta(hours=48)),
    _r(6, "email", None, type="klacht", deadline_at=T0 + timedelta(hours=8)),
    _r(7, "email", None, type="klacht", deadline_at=NOW + timedelta(hours=8)),
    _r(8, "x", None, decision_action="verbergen"),
]


def test_overall_figures() -> None:
    overall = responsiveness(RECORDS, NOW)["overall"]
    assert overall["messages"] == 8 and overall["replied"] == 4
    assert overall["reply_rate"] == 0.5
    assert overall["median_hours"] == 6.0
    assert overall["p90_hours"] == pytest.approx(19.8)
    assert overall["conscious_silence"] == 2 and overall["conscious_silence_share"] == 0.25
    assert overall["silence_reasons"] == {"geen reden vastgelegd": 1, "trollgedrag": 1}
    assert overall["unaccounted"] == 2
    # Deadlines: 1 met, 2 missed, 5 met, 6 overdue; 7 is still open and in time.
    assert (overall["deadlines_due"], overall["deadlines_met"]) == (4, 2)
    assert overall["deadline_compliance"] == 0.5


def test_split_by_channel_and_type() -> None:
    result = responsiveness(RECORDS, NOW)
    assert list(result["by_channel"]) == ["email", "x"]
    assert result["by_channel"]["email"]["median_hours"] == 24.0
    assert result["by_type"]["klacht"]["reply_rate"] == pytest.approx(1 / 3, abs=1e-3)


def test_injected_duration_is_used() -> None:
    result = responsiveness(RECORDS[:1], NOW, duration=lambda a, b: 42.0)
    assert result["overall"]["median_hours"] == 42.0


def test_empty_input_gives_empty_figures() -> None:
    overall = responsiveness([], NOW)["overall"]
    assert overall["messages"] == 0 and overall["reply_rate"] is None
    assert overall["median_hours"] is None and overall["deadline_compliance"] is None


def test_channel_effectiveness_shows_broadcast_share() -> None:
    posts = [OwnPost("facebook", T0, reactions=12), OwnPost("facebook", T0, reactions=-3),
             OwnPost("facebook", T0, reactions=0), OwnPost("x", T0, 4)]  # fmt: skip
    result = channel_effectiveness(posts, RECORDS)
    assert result["facebook"] == {
        "posts_sent": 3, "reactions_received": 12, "reactions_per_post": 4.0,
        "messages_received": 0, "replies_sent": 0, "reply_rate": None, "broadcast_share": 1.0,
    }  # fmt: skip
    assert result["x"]["broadcast_share"] == 0.25 and result["x"]["reply_rate"] == 0.6
    assert result["email"]["posts_sent"] == 0 and result["email"]["broadcast_share"] == 0.0
