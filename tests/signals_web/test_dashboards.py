"""Roll-ups are incremental and the dashboard reads only them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.conversations import do_store_reply
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.rollups import bucket_of, do_refresh_rollups, histogram_percentile
from nabij.actions.users import do_create_user
from nabij.models import DailyStat, DecisionStat, ResponseStat
from tests.foundation.factories import BASE_TIME, item
from tests.support.analysis import KeywordAnalyser

pytestmark = pytest.mark.django_db


def _load(n: int, offset: int = 0) -> list:
    channel = get_or_create_channel("mastodon")
    kinds = ["melding", "vraag", "aanval", "klacht"]
    results = do_ingest_messages(
        channel,
        [
            item(
                str(offset + i),
                text=f"{kinds[i % 4]} bericht {i}",
                author_handle=f"@p{i % 7}@x",
                sent_at=BASE_TIME + timedelta(hours=5 * i),
            )
            for i in range(n)
        ],
        queue_analysis=False,
    )
    messages = [r.message for r in results]
    do_analyse_messages([m.pk for m in messages], analyser=KeywordAnalyser())
    return messages


def test_rollups_count_every_message_once_and_only_redo_touched_days() -> None:
    _load(20)
    assert do_refresh_rollups()["days"] >= 4
    total = sum(DailyStat.objects.values_list("messages", flat=True))
    assert total == 20
    assert sum(DecisionStat.objects.values_list("count", flat=True)) == 20
    assert do_refresh_rollups()["days"] == 0
    _load(1, offset=100)
    assert do_refresh_rollups()["days"] == 1
    assert sum(DailyStat.objects.values_list("messages", flat=True)) == 21
    full = do_refresh_rollups(full=True)
    assert full["days"] >= 5
    assert sum(DailyStat.objects.values_list("messages", flat=True)) == 21


def test_a_reply_updates_the_response_statistics() -> None:
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    messages = _load(2)
    do_refresh_rollups()
    assert sum(ResponseStat.objects.values_list("replied", flat=True)) == 0
    do_store_reply(agent, messages[0].conversation, "Dank je, we pakken het op.")
    do_refresh_rollups()
    assert sum(ResponseStat.objects.values_list("replied", flat=True)) == 1


def test_histogram_percentiles() -> None:
    assert bucket_of(10) == 0 and bucket_of(15) == 0 and bucket_of(16) == 1
    hist = [0] * 12
    hist[bucket_of(20)] += 5
    hist[bucket_of(300)] += 5
    assert histogram_percentile(hist, 50) == 30
    assert histogram_percentile(hist, 90) == 480
    assert histogram_percentile([0] * 12, 50) is None


def test_dashboard_reads_rollups_with_few_queries(django_assert_max_num_queries) -> None:
    _load(40)
    do_refresh_rollups()
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst")
    client = Client()
    client.login(username="daan", password="Sterk-wachtwoord-42")
    with django_assert_max_num_queries(18):
        response = client.get("/signalen/", {"van": "2026-10-01", "tot": "2026-10-31"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-volume"' in body and "<caption" in body
    assert "melding" in body


def test_agents_do_not_see_dashboards() -> None:
    do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    client = Client()
    client.login(username="sanne", password="Sterk-wachtwoord-42")
    assert client.get("/signalen/").status_code == 403


def test_own_posts_csv_feeds_channel_effectiveness(tmp_path) -> None:
    import io

    from nabij.actions.ownposts import do_import_own_posts
    from nabij.models import OwnPostStat

    csv_text = (
        "Datum,Likes,Comments,Shares\n"
        "2026-10-05,10,2,1\n"
        "05-10-2026,4,0,0\n"
        "gisteren,1,1,1\n"
        "2026-10-06,-3,0,0\n"
    )
    report = do_import_own_posts(io.BytesIO(csv_text.encode()), "facebook")
    assert report.kept == 2 and [n for n, _ in report.errors] == [4, 5]
    stat = OwnPostStat.objects.get(channel="facebook")
    assert (stat.posts, stat.reactions, stat.comments) == (2, 14, 2)
    again = do_import_own_posts(io.BytesIO(csv_text.encode()), "facebook")
    assert again.kept == 2 and OwnPostStat.objects.get(channel="facebook").posts == 2
