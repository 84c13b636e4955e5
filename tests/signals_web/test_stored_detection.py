"""The hourly job keeps its detection result; the heartbeat reads stored results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from nabij.actions.detection import (
    do_run_periodic_detection,
    do_store_detection,
    signal_messages,
    stored_detection,
)
from nabij.actions.heartbeat import build_heartbeat, in_week, render_heartbeat
from nabij.actions.users import do_create_user
from nabij.cli import main
from nabij.models import AuditEvent, DetectionRun
from nabij.models.detection import SOURCE_COMMAND, SOURCE_PERIODIC, SOURCE_WEEK

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 10, 19)  # ISO week 2026-W43
WEEK = "2026-W43"


def _item(kind: str, title: str, start: str, end: str) -> dict:
    return {"kind": kind, "title": title, "topic": "groen", "start": start, "end": end,
            "score": 3.0, "messages": ["x:1"]}  # fmt: skip


def _result() -> dict[str, list[dict]]:
    """Items in, before and after week 43 (Amsterdam time, summer time until 25 okt)."""
    return {
        "spikes": [
            _item("spike", "Stormpiek uit de opslag", "2026-10-20T00:00:00+02:00",
                  "2026-10-22T00:00:00+02:00"),
            _item("spike", "Piek op de zondag ervoor", "2026-10-18T00:00:00+02:00",
                  "2026-10-19T00:00:00+02:00"),
        ],
        "patterns": [
            _item("pattern", "Lantaarns sinds september", "2026-09-14T10:00:00+00:00",
                  "2026-10-21T09:00:00+00:00"),
            _item("rumour", "Gerucht van deze week", "2026-10-21T08:00:00+00:00",
                  "2026-10-23T08:00:00+00:00"),
            _item("pattern", "Afgelopen patroon", "2026-09-01T10:00:00+00:00",
                  "2026-10-10T09:00:00+00:00"),
        ],
        "warnings": [
            _item("polarisation", "Polarisatie in de week erna", "2026-10-26T00:00:00+01:00",
                  "2026-11-02T00:00:00+01:00"),
        ],
    }  # fmt: skip


def _store(start: date, end: date, computed_at: datetime, source: str = SOURCE_PERIODIC) -> Any:
    return do_store_detection(_result(), start, end, computed_at=computed_at, seconds=1.5,
                              source=source, lexical=True)  # fmt: skip


def test_the_week_keeps_only_what_touches_it() -> None:
    kept = in_week(_result(), MONDAY)
    assert [s["title"] for s in kept["spikes"]] == ["Stormpiek uit de opslag"]
    assert [p["title"] for p in kept["patterns"]] == [
        "Lantaarns sinds september", "Gerucht van deze week"]  # fmt: skip
    assert kept["warnings"] == []


def test_the_heartbeat_reads_a_stored_run_and_says_when_it_was_computed() -> None:
    computed = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)  # Friday 09:00 in Amsterdam
    _store(MONDAY - timedelta(days=25), date(2026, 10, 23), computed)
    report = build_heartbeat(MONDAY)
    assert DetectionRun.objects.count() == 1  # nothing was computed
    assert [s["title"] for s in report["spikes"]] == ["Stormpiek uit de opslag"]
    assert [p["title"] for p in report["new_patterns"]] == ["Gerucht van deze week"]
    assert [p["title"] for p in report["ongoing_patterns"]] == ["Lantaarns sinds september"]
    assert report["detection"]["computed_at"] == computed
    html = render_heartbeat(report, for_pdf=False)
    assert "berekend op 23 oktober 2026 09:00" in html
    assert "Stormpiek uit de opslag" in html and "Afgelopen patroon" not in html


def test_with_nothing_stored_the_week_is_computed_once_and_kept() -> None:
    report = build_heartbeat(MONDAY)
    runs = list(DetectionRun.objects.all())
    assert [(r.start, r.end, r.source) for r in runs] == [
        (MONDAY, MONDAY + timedelta(days=6), SOURCE_WEEK)]  # fmt: skip
    assert report["detection"]["fresh"] is True
    again = build_heartbeat(MONDAY)
    assert DetectionRun.objects.count() == 1
    assert again["detection"]["fresh"] is False
    assert again["detection"]["computed_at"] == runs[0].computed_at


def test_a_run_covers_a_week_only_as_far_as_its_data_went() -> None:
    friday = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
    _store(date(2026, 9, 24), date(2026, 10, 23), friday)
    assert stored_detection(MONDAY, MONDAY + timedelta(days=6)) is not None  # up to its day
    assert stored_detection(MONDAY + timedelta(days=7), MONDAY + timedelta(days=13)) is None
    assert stored_detection(date(2026, 9, 21), date(2026, 9, 27)) is None  # starts too late
    # A run whose period ends before the day it ran leaves the rest of the week uncovered.
    DetectionRun.objects.all().delete()
    _store(date(2026, 9, 24), date(2026, 10, 21), friday, source=SOURCE_COMMAND)
    assert stored_detection(MONDAY, MONDAY + timedelta(days=6)) is None


def test_the_hourly_job_keeps_one_current_run_with_an_audit_event() -> None:
    today, now = date(2026, 10, 23), datetime(2026, 10, 23, 9, tzinfo=UTC)
    _store(MONDAY, MONDAY + timedelta(days=6), datetime(2026, 10, 20, tzinfo=UTC), SOURCE_WEEK)
    assert do_run_periodic_detection(now=now, embedder=None) == 0  # no messages, no alerts
    assert do_run_periodic_detection(now=now + timedelta(hours=1), embedder=None) == 0
    runs = DetectionRun.objects.order_by("start")
    assert [(r.start, r.end, r.source) for r in runs] == [
        (today - timedelta(days=29), today, SOURCE_PERIODIC),
        (MONDAY, MONDAY + timedelta(days=6), SOURCE_WEEK),
    ]
    periodic = runs[0]
    assert periodic.computed_at == now + timedelta(hours=1)
    assert periodic.result == {"spikes": [], "patterns": [], "warnings": []}
    assert periodic.lexical and periodic.seconds >= 0
    events = AuditEvent.objects.filter(verb="signals.detected")
    assert events.count() == 3
    assert events.order_by("-seq").first().data["replaced"] == 1


def test_signals_detect_store_keeps_the_result(capsys: Any) -> None:
    args = ["signals", "detect", "--from", "2026-10-19", "--to", "2026-10-25", "--lexical"]
    assert main([*args, "--store"]) == 0
    run = DetectionRun.objects.get()
    assert (run.source, run.start, run.end) == (SOURCE_COMMAND, MONDAY, date(2026, 10, 25))
    assert main(args) == 0
    assert DetectionRun.objects.count() == 1  # without --store nothing is kept


def test_the_heartbeat_page_is_served_from_the_stored_run() -> None:
    _store(MONDAY - timedelta(days=25), date(2026, 10, 25), datetime(2026, 10, 26, tzinfo=UTC))
    analyst = do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.force_login(analyst)
    response = client.get("/signalen/hartslag/", {"week": WEEK})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stormpiek uit de opslag" in page and "berekend op 26 oktober 2026" in page
    assert DetectionRun.objects.count() == 1


def test_stored_messages_load_with_text_only_where_detection_reads_it() -> None:
    from nabij.actions.analysis import do_analyse_messages
    from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
    from tests.foundation.factories import item
    from tests.support.analysis import KeywordAnalyser

    channel = get_or_create_channel("mastodon")
    old, new = datetime(2026, 9, 1, 12, tzinfo=UTC), datetime(2026, 10, 20, 12, tzinfo=UTC)
    results = do_ingest_messages(
        channel,
        [item("1", text="melding lamp kapot", author_handle="@a@x", sent_at=old),
         item("2", text="klacht over de bus", author_handle="@b@x", sent_at=new)],
        queue_analysis=False,
    )  # fmt: skip
    do_analyse_messages([r.message.pk for r in results], analyser=KeywordAnalyser())
    split = datetime(2026, 10, 1, tzinfo=UTC)
    early, late = sorted(
        signal_messages(datetime(2026, 8, 1, tzinfo=UTC), split + timedelta(days=60),
                        text_from=split), key=lambda m: m.sent_at)  # fmt: skip
    assert (early.sent_at, early.channel, early.text, early.key) == (old, "mastodon", "", "")
    assert (late.sent_at, late.key, late.author_first_seen.tzinfo is not None) == (
        new, "mastodon:2", True)  # fmt: skip
    assert "bus" in late.text and late.topic and late.type


def _messages(count: int) -> list[str]:
    from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
    from tests.foundation.factories import item

    channel = get_or_create_channel("mastodon")
    do_ingest_messages(channel, [item(f"p{i}", author_handle=f"@p{i}@x") for i in range(count)],
                       queue_analysis=False)  # fmt: skip
    return [f"mastodon:p{i}" for i in range(count)]


def _pattern(keys: list[str], title: str) -> dict:
    return {**_item("pattern", title, "2026-10-19T08:00:00+00:00", "2026-10-21T08:00:00+00:00"),
            "messages": keys, "area": "Molenkwartier", "terms": ["lamp"]}  # fmt: skip


def test_stored_patterns_follow_their_members_and_alert_once() -> None:
    from nabij.actions.detection import do_alert_new_signals, do_store_patterns
    from nabij.models import Notification, Pattern

    keys = _messages(8)
    do_create_user("cor", "Sterk-wachtwoord-42", role="coordinator")
    first = {"patterns": [_pattern(keys[:5], "Lampen kapot (5 berichten)")]}
    [stored] = do_store_patterns(first)
    assert sorted(m.external_id for m in stored.members.all()) == [f"p{i}" for i in range(5)]
    assert do_alert_new_signals(first, [stored]) == 1
    # The same first members: the same row, now with other members and a new title.
    grown = {"patterns": [_pattern([*keys[:3], *keys[6:], "mastodon:zz-onbekend"],
                                   "Lampen kapot (6 berichten)")]}  # fmt: skip
    [again] = do_store_patterns(grown)
    assert again.pk == stored.pk and Pattern.objects.count() == 1
    assert sorted(m.external_id for m in again.members.all()) == ["p0", "p1", "p2", "p6", "p7"]
    assert again.title == "Lampen kapot (6 berichten)" and again.explanation["alerted"] is True
    assert do_alert_new_signals(grown, [again]) == 0  # told once, not again for a new title
    assert Notification.objects.filter(text__startswith="Nieuw patroon").count() == 1
    assert AuditEvent.objects.filter(verb="pattern.detected").count() == 1
