"""Spike detection on synthetic traffic with weekly seasonality."""

from __future__ import annotations

from datetime import timedelta

from nabij.signals import SpikeConfig, find_spikes

from .factory import START, TZ, background, message

END = START + timedelta(days=70)


def _burst(day: int, count: int, topic: str = "groen", hours: float = 14.0) -> list:
    """`count` messages on one topic spread over `hours` from 8:00 on `day`."""
    base = START + timedelta(days=day, hours=8)
    step = hours * 3600 / count
    return [
        message(900_000 + day * 1000 + i, base + timedelta(seconds=i * step),
                f"Boom omgewaaid {i}", topic=topic, channel=("x", "facebook")[i % 2])
        for i in range(count)
    ]  # fmt: skip


def test_quiet_traffic_gives_no_spikes() -> None:
    assert find_spikes(background(), START + timedelta(days=28), END, TZ) == []


def test_a_storm_day_is_one_topic_spike_with_explanation() -> None:
    messages = background() + _burst(44, 40)
    spikes = find_spikes(messages, START + timedelta(days=28), END, TZ)
    assert [(s["series"], s["granularity"]) for s in spikes] == [("topic:groen", "day")]
    spike = spikes[0]
    assert spike["start"].startswith((START + timedelta(days=44)).date().isoformat())
    assert spike["title"].startswith(f"{spike['count']} berichten over groen op 21 okt, verwacht")
    assert spike["count"] >= 40 and spike["expected"] < 8
    assert spike["score"] > 5 and len(spike["messages"]) == 5
    assert all(
        key.split(":")[0] in ("x", "facebook", "mastodon", "email") for key in spike["messages"]
    )


def test_weekly_seasonality_is_not_a_spike() -> None:
    # Every Monday the topic gets 15 messages: expected, so never flagged.
    mondays = [m for week in range(10) for m in _burst(7 * week, 15, topic="belastingen")]
    spikes = find_spikes(background() + mondays, START + timedelta(days=28), END, TZ)
    assert [s for s in spikes if s["topic"] == "belastingen"] == []


def test_few_messages_never_make_a_spike() -> None:
    spikes = find_spikes(background() + _burst(44, 6, topic="onderwijs"), START, END, TZ)
    assert spikes == []


def test_a_fast_evening_burst_is_found_per_hour() -> None:
    base = START + timedelta(days=52, hours=19)
    burst = [
        message(800_000 + i, base + timedelta(minutes=4 * i), "Stop de turbines", topic="afval")
        for i in range(20)
    ]
    # Hourly only: raise the daily minimum so the day alone does not explain it.
    spikes = find_spikes(background() + burst, START + timedelta(days=28), END, TZ,
                         SpikeConfig(min_daily=1000))  # fmt: skip
    assert [(s["series"], s["granularity"]) for s in spikes] == [("topic:afval", "hour")]
    assert "19:00" in spikes[0]["title"]


def test_no_history_means_no_judgement() -> None:
    only_storm = _burst(0, 60)
    assert find_spikes(only_storm, START, START + timedelta(days=1), TZ) == []


def test_channel_spike_without_topic_spike_is_reported() -> None:
    # A flood on one channel spread over every topic: only the channel explains it.
    base = START + timedelta(days=50, hours=9)
    flood = [
        message(700_000 + i, base + timedelta(minutes=10 * i), "Website ligt eruit?",
                topic=("afval", "parkeren", "verkeer", "groen", "dienstverlening")[i % 5],
                channel="instagram")
        for i in range(30)
    ]  # fmt: skip
    spikes = find_spikes(background() + flood, START + timedelta(days=28), END, TZ)
    channel = [s for s in spikes if s["series"] == "channel:instagram"]
    assert len(channel) == 1 and "via instagram" in channel[0]["title"]
    assert channel[0]["channel"] == "instagram" and channel[0]["count"] >= 30
