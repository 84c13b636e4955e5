"""Dashboard blocks and cache: totals from blocks equal the day roll-ups; caches go stale never."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.conversations import do_store_reply
from nabij.actions.dashboards import Filters, build_dashboard, cache_key, cached_dashboard
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.ownposts import do_import_own_posts
from nabij.actions.rollups import (
    RESPONSE_HISTOGRAM,
    block_start,
    cover,
    do_refresh_rollups,
    histogram_percentile,
    rollup_version,
)
from nabij.actions.users import do_create_user
from nabij.models import (
    BLOCK_GRAINS,
    Conversation,
    DailyStat,
    DecisionBlockStat,
    DecisionStat,
    Message,
    ResponseBlockStat,
    ResponseStat,
    TopicBlockStat,
    TypeDayStat,
)
from tests.foundation.factories import BASE_TIME, item
from tests.support.analysis import FakeResult, keyword_analysis

KINDS = ["melding", "vraag", "klacht", "aanval", "compliment"]
TOPICS = ["afval", "verlichting", "parkeren", ""]
CHANNELS = ["mastodon", "x", "email"]
FIRST_DAY = BASE_TIME.date()  # Monday 5 October 2026
N = 120  # one every 12 hours: 60 days


class TopicAnalyser:
    """The keyword analyser, with the topic taken from the second word ("-": none)."""

    def analyse_batch(self, texts: list[str]) -> list[FakeResult]:
        """Analyse each text: type from the first word, topic from the second."""
        results = []
        for text in texts:
            data = keyword_analysis(text)
            word = text.split()[1]
            data["topics"] = [] if word == "-" else [{"id": word, "score": 0.8}]
            if "blij" in text:
                data.update(sentiment=0.6, sentiment_label="positief", emotion="blij")
            results.append(FakeResult(data))
        return results


def _load(n: int, *, offset: int = 0, start: Any = BASE_TIME, hours: int = 12) -> list[Message]:
    """n inbound messages, one every `hours` hours, over channels, types and topics."""
    stored = []
    for c, slug in enumerate(CHANNELS):
        items = [
            item(
                f"{offset + i}",
                text=f"{KINDS[i % 5]} {TOPICS[i % 4] or '-'} bericht {i} {'blij' * (i % 3 == 0)}",
                author_handle=f"@p{i % 11}@{slug}",
                sent_at=start + timedelta(hours=hours * i),
            )
            for i in range(n)
            if i % len(CHANNELS) == c
        ]
        channel = get_or_create_channel(slug)
        stored += [r.message for r in do_ingest_messages(channel, items, queue_analysis=False)]
    do_analyse_messages([m.pk for m in stored], analyser=TopicAnalyser())
    return stored


@pytest.fixture
def data(db: Any) -> list[Message]:
    """Nine weeks of messages (crossing 7- and 28-day block edges), some answered."""
    cache.clear()
    messages = _load(N)
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    for i, message in enumerate(messages[::3]):
        do_store_reply(agent, message.conversation, "Dank je, we pakken het op.")
        # Replies written now would all be weeks late: spread them from minutes to days.
        Conversation.objects.filter(pk=message.conversation_id).update(
            first_response_at=message.sent_at + timedelta(minutes=7 + 97 * i)
        )
    do_refresh_rollups()
    return messages


# --- blocks -------------------------------------------------------------------------


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=0, max_value=800),
)
def test_cover_is_exactly_the_period_in_aligned_blocks(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    days: list[date] = []
    blocks = 0
    for grain, start, end in cover(first, last):
        assert grain in BLOCK_GRAINS and start <= end
        block = start
        while block <= end:
            assert block_start(block, grain) == block  # aligned
            days += [block + timedelta(days=d) for d in range(grain)]
            blocks += 1
            block += timedelta(days=grain)
    assert sorted(days) == [first + timedelta(days=d) for d in range(length + 1)]
    assert len(set(days)) == len(days)  # no day counted twice
    # At most 3 weeks and 6 days at each edge: a year is about 30 blocks, not 365 days.
    assert blocks <= 18 + (length + 1) // 28 + 1


def test_blocks_of_every_length_add_up_to_the_day_rollups(data: list[Message]) -> None:
    _assert_blocks_match_days()
    assert TopicBlockStat.objects.filter(grain=28).exists()
    assert ResponseBlockStat.objects.filter(grain=7).exists()


def test_a_late_message_updates_its_day_and_the_blocks_that_hold_it(data: list[Message]) -> None:
    week = Filters(FIRST_DAY + timedelta(days=7), FIRST_DAY + timedelta(days=13))
    month = Filters(FIRST_DAY, FIRST_DAY + timedelta(days=55))
    before_week, before_month = build_dashboard(week), build_dashboard(month)
    _load(3, offset=9000, start=BASE_TIME + timedelta(days=9), hours=1)  # late, for day 9
    assert do_refresh_rollups()["days"] == 1
    _assert_blocks_match_days()
    after_week, after_month = build_dashboard(week), build_dashboard(month)
    assert sum(after_week.totals.values()) == sum(before_week.totals.values()) + 3
    assert sum(after_month.totals.values()) == sum(before_month.totals.values()) + 3
    assert sum(n for _, n in after_month.channels) == sum(after_month.totals.values())


def _assert_blocks_match_days() -> None:
    """Every stored block equals the sum of the day roll-ups of its days."""
    for grain in BLOCK_GRAINS:
        for start in TopicBlockStat.objects.filter(grain=grain).values_list("start", flat=True):
            end = start + timedelta(days=grain - 1)
            days = DailyStat.objects.filter(day__gte=start, day__lte=end)
            expect: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
            for r in days.values("channel", "topic", "messages", "negative"):
                expect[(r["channel"], r["topic"])][0] += r["messages"]
                expect[(r["channel"], r["topic"])][1] += r["negative"]
            got = {
                (r["channel"], r["topic"]): [r["messages"], r["negative"]]
                for r in TopicBlockStat.objects.filter(grain=grain, start=start).values()
            }
            assert got == dict(expect), (grain, start)
    for grain in BLOCK_GRAINS:
        for start in set(DecisionBlockStat.objects.values_list("start", flat=True)):
            if block_start(start, grain) != start:
                continue
            end = start + timedelta(days=grain - 1)
            decided: dict[tuple[str, str, str], int] = defaultdict(int)
            for r in DecisionStat.objects.filter(day__gte=start, day__lte=end).values():
                decided[(r["channel"], r["action"], r["reason_code"])] += r["count"]
            blocks = DecisionBlockStat.objects.filter(grain=grain, start=start)
            assert {(r.channel, r.action, r.reason_code): r.count for r in blocks} == dict(decided)


# --- the dashboard --------------------------------------------------------------------


def _reference(filters: Filters) -> dict[str, Any]:
    """The dashboard's totals summed straight from the day roll-ups (the slow way)."""
    days = DailyStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    responses = ResponseStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    decisions = DecisionStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        days = days.filter(channel=filters.channel)
        responses = responses.filter(channel=filters.channel)
        decisions = decisions.filter(channel=filters.channel)
    if filters.topic:
        days = days.filter(topic=filters.topic)
    volume: dict[str, int] = defaultdict(int)
    topics: dict[str, int] = defaultdict(int)
    channels: dict[str, int] = defaultdict(int)
    for r in days:
        volume[r.type] += r.messages
        topics[r.topic or "—"] += r.messages
        channels[r.channel] += r.messages
    decided: dict[tuple[str, str], int] = defaultdict(int)
    for d in decisions:
        decided[(d.action, d.reason_code)] += d.count
    replies: dict[tuple[str, str], list[Any]] = {}
    for s in responses:
        group = replies.setdefault((s.channel, s.type), [0, 0, [0] * len(RESPONSE_HISTOGRAM)])
        group[0] += s.conversations
        group[1] += s.replied
        group[2] = [a + b for a, b in zip(group[2], s.histogram, strict=True)]
    return {
        "volume": {k: v for k, v in volume.items() if v},
        "topics": dict(topics),
        "channels": dict(channels),
        "decisions": dict(decided),
        "responses": {
            key: (c, r, histogram_percentile(h, 50), histogram_percentile(h, 90))
            for key, (c, r, h) in replies.items()
        },
    }


PERIODS = [(0, 0), (0, 6), (3, 11), (0, 27), (5, 40), (0, 62), (-300, 64), (20, 20)]
CHOICES = [("", ""), ("x", ""), ("", "afval"), ("x", "afval"), ("", "-")]


def test_dashboard_totals_equal_the_day_rollups(data: list[Message]) -> None:
    for first, last in PERIODS:
        for channel, topic in CHOICES:
            filters = Filters(
                FIRST_DAY + timedelta(days=first),
                FIRST_DAY + timedelta(days=last),
                channel,
                topic,
            )
            _assert_like_reference(filters)


def _assert_like_reference(filters: Filters) -> None:
    board, expect = build_dashboard(filters), _reference(filters)
    assert board.totals == expect["volume"]
    assert dict((t, n) for t, n, _ in board.topics) == expect["topics"]
    assert dict(board.channels) == expect["channels"]
    assert {(a, r): n for a, r, n in board.decisions} == expect["decisions"]
    got = {
        (r["channel"], r["type"]): (
            r["conversations"],
            round(r["reply_rate"] * r["conversations"]),
            r["median_minutes"],
            r["p90_minutes"],
        )
        for r in board.responsiveness
    }
    assert got == expect["responses"]
    assert [len(series) for series in board.volume.values()] == [len(filters.days)] * len(
        board.volume
    )


def test_a_period_that_ends_before_it_starts_is_empty(data: list[Message]) -> None:
    board = build_dashboard(Filters(FIRST_DAY + timedelta(days=9), FIRST_DAY))
    assert (board.totals, board.topics, board.channels) == ({}, [], [])
    assert (board.decisions, board.responsiveness) == ([], [])


def test_some_periods_hold_data_of_every_kind(data: list[Message]) -> None:
    """The equality tests above compare real numbers, not empty tables."""
    board = build_dashboard(Filters(FIRST_DAY, FIRST_DAY + timedelta(days=62)))
    assert sum(board.totals.values()) == N
    assert {t for t, _, _ in board.topics} == {"afval", "verlichting", "parkeren", "—"}
    assert {c for c, _ in board.channels} == set(CHANNELS)
    assert any(r["reply_rate"] > 0 and r["median_minutes"] for r in board.responsiveness)
    assert len({r["p90_minutes"] for r in board.responsiveness}) > 2
    assert 0 < board.tone["negative"][0] < 1
    assert TypeDayStat.objects.filter(day=FIRST_DAY).count() >= 2


# --- the cache ------------------------------------------------------------------------


def _without_tokens(page: bytes) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", page.decode())


def _rollup_queries(captured: CaptureQueriesContext) -> list[str]:
    names = ("topicblockstat", "responseblockstat", "decisionblockstat", "typedaystat",
             "dailystat", "ownpoststat")  # fmt: skip
    return [
        q["sql"]
        for q in captured.captured_queries
        if any(f'"nabij_{n}"' in q["sql"] for n in names) and "ORDER BY" not in q["sql"]
    ]


def test_a_repeat_view_reads_no_rollups_and_few_queries(data: list[Message]) -> None:
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.login(username="daan", password="Sterk-wachtwoord-42")
    params = {"van": "2026-10-01", "tot": "2026-12-31"}
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/signalen/", params)
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/signalen/", params)
    assert first.status_code == again.status_code == 200
    assert _without_tokens(first.content) == _without_tokens(again.content)
    assert len(_rollup_queries(cold)) == 5  # series, topics, decisions, responses, own posts
    assert _rollup_queries(warm) == []
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 5
    assert len(cold.captured_queries) <= 15  # session, user, permissions, menus, filters


def test_the_cache_follows_new_messages_after_a_refresh(data: list[Message]) -> None:
    filters = Filters(FIRST_DAY, FIRST_DAY + timedelta(days=62))
    version = rollup_version()
    before = cached_dashboard(filters)
    assert sum(before.totals.values()) == N
    _load(5, offset=5000, start=BASE_TIME + timedelta(days=30))
    # Until the roll-ups are refreshed the dashboard shows them as they are.
    assert cached_dashboard(filters).totals == before.totals
    assert rollup_version() == version
    do_refresh_rollups()
    assert rollup_version() != version
    after = cached_dashboard(filters)
    assert sum(after.totals.values()) == N + 5
    assert after.totals == build_dashboard(filters).totals


def test_a_refresh_without_news_keeps_the_cache(data: list[Message]) -> None:
    filters = Filters(FIRST_DAY, FIRST_DAY + timedelta(days=62))
    version = rollup_version()
    cached_dashboard(filters)
    assert do_refresh_rollups()["days"] == 0
    assert rollup_version() == version
    assert cache.get(cache_key(filters, version)) is not None


def test_imported_own_posts_show_without_waiting_for_a_refresh(data: list[Message]) -> None:
    filters = Filters(FIRST_DAY, FIRST_DAY + timedelta(days=62))
    posts = {r["channel"]: r["posts"] for r in cached_dashboard(filters).effectiveness}
    assert posts["x"] == 0
    do_import_own_posts(io.BytesIO(b"Datum,Likes\n2026-10-06,5\n2026-10-07,1\n"), "x")
    after = {r["channel"]: r for r in cached_dashboard(filters).effectiveness}
    assert after["x"]["posts"] == 2 and after["x"]["reactions"] == 6


def test_filters_are_part_of_the_key_and_hostile_values_are_hashed(data: list[Message]) -> None:
    period = (FIRST_DAY, FIRST_DAY + timedelta(days=62))
    everything = cached_dashboard(Filters(*period))
    only_x = cached_dashboard(Filters(*period, channel="x"))
    assert dict(only_x.channels) == {"x": dict(everything.channels)["x"]}
    hostile = Filters(*period, channel="x\n ' OR 1=1 --" + "é" * 40, topic="<script>")
    key = cache_key(hostile, rollup_version())
    assert key.isascii() and len(key) < 100 and " " not in key
    assert cached_dashboard(hostile).totals == {}


def test_the_page_takes_any_query_string(data: list[Message]) -> None:
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.login(username="daan", password="Sterk-wachtwoord-42")
    for params in (
        {"kanaal": "x\x00", "onderwerp": "\x00afval\n"},
        {"kanaal": "'; DROP TABLE nabij_dailystat; --" * 5, "van": "gisteren", "tot": "2026-13-45"},
        {"van": "2026-10-20", "tot": "2026-10-05", "onderwerp": "<script>alert(1)</script>"},
    ):
        response = client.get("/signalen/", params)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
    page = client.get("/signalen/", {"kanaal": "x\x00", "van": "2026-10-05", "tot": "2026-12-01"})
    board = build_dashboard(Filters(FIRST_DAY, date(2026, 12, 1), channel="x"))
    html = page.content.decode()
    assert sum(board.totals.values()) > 0
    assert '<td class="utrecht-table__cell">x</td>' in html  # the filter was read as "x"
    assert '<td class="utrecht-table__cell">mastodon</td>' not in html


# --- what the pages show ----------------------------------------------------------------


def test_day_tables_show_numbers_in_the_reader_s_language(data: list[Message]) -> None:
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.login(username="daan", password="Sterk-wachtwoord-42")
    params = {"van": "2026-10-05", "tot": "2026-10-05"}
    board = build_dashboard(Filters(FIRST_DAY, FIRST_DAY))
    share = board.tone["negative"][0]
    assert 0 < share < 1 and board.tone["negative"][0] != round(share)
    cell = '<td class="utrecht-table__cell">{}</td>'
    dutch = client.get("/signalen/", params, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert cell.format(str(share).replace(".", ",")) in dutch
    client.post("/taal/", {"language": "en", "next": "/signalen/"})
    english = client.get("/signalen/", params).content.decode()
    assert cell.format(str(share)) in english
    counts = [series[0] for series in board.volume.values()]
    row = "".join(cell.format(n) for n in counts)
    assert f'scope="row">2026-10-05</th>{row}</tr>' in english


def test_day_rows_escape_what_they_are_given() -> None:
    from nabij.web.dashboards import day_rows

    html = day_rows([("<b>", ["1", "a&b"])])
    assert "<b>" not in html and "&lt;b&gt;" in html and "a&amp;b" in html
    assert html.count("<td") == 2 and html.startswith('<tr class="utrecht-table__row">')


def test_patterns_list_shows_status_owner_and_links(db: Any) -> None:
    from nabij.models import Pattern, Team

    team = Team.objects.create(slug="wijkbeheer", name="Wijkbeheer")
    when = BASE_TIME
    for i, (status, owner) in enumerate([("erkend", team), ("nieuw", None)]):
        Pattern.objects.create(
            key=f"p{i}",
            title=f"Patroon <{i}>",
            status=status,
            owner=owner,
            first_seen=when,
            last_seen=when + timedelta(days=i),
            trend=[{"date": "2026-10-05", "count": 3}],
        )
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.login(username="daan", password="Sterk-wachtwoord-42")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/signalen/patronen/").content.decode()
    newest, older = Pattern.objects.get(key="p1"), Pattern.objects.get(key="p0")
    assert page.index("Patroon &lt;1&gt;") < page.index("Patroon &lt;0&gt;")
    assert f'href="/signalen/patronen/{older.pk}/"' in page and f"/{newest.pk}/" in page
    assert '>erkend</td><td class="utrecht-table__cell">Wijkbeheer</td>' in page
    assert '>nieuw</td><td class="utrecht-table__cell">—</td>' in page
    assert "5 Okt – 6 Okt" in page and "5 Okt – 5 Okt" in page
    assert len(captured.captured_queries) <= 10
