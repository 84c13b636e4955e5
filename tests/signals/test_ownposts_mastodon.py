"""Own posts of a Mastodon channel through its API, against a local Mastodon-like server."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.utils import timezone

from nabij.actions.channels import do_configure_channel
from nabij.actions.dashboards import Filters, effectiveness
from nabij.actions.ownposts import do_import_own_posts
from nabij.actions.ownposts_mastodon import (
    do_import_mastodon_own_posts,
    mastodon_channels_due,
    own_posts_state,
)
from nabij.actions.rollups import rollup_version
from nabij.cli import main
from nabij.models import AuditEvent, Channel, OwnPostStat
from nabij.tasks.periodic import import_own_posts
from tests.signals.mastodon_statuses import (
    LocalServer,
    MastodonStatuses,
    Reply,
    statuses_requests,
)

pytestmark = pytest.mark.django_db

# 12:00 in Amsterdam; the fixture's newest status is from this morning.
NOW = dt.datetime(2026, 10, 8, 10, 0, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


def _channel(server: LocalServer, slug: str = "mastodon", own_posts: bool = True) -> Channel:
    return do_configure_channel(
        None,
        kind="mastodon",
        slug=slug,
        name="Mastodon gemeente",
        config={"base_url": server.url, "own_posts": own_posts},
        secrets={"access_token": "tok-eigen"},
    )


def _stats(slug: str = "mastodon") -> dict[D, tuple[int, int, int, int]]:
    rows = OwnPostStat.objects.filter(channel=slug, source="mastodon").order_by("day")
    return {r.day: (r.posts, r.reactions, r.comments, r.shares) for r in rows}


EXPECTED = {
    # 9001: an original post
    D(2026, 9, 20): (1, 4, 1, 0),
    # 9002 (10 favourites, 4 replies, 2 boosts) and its continuation 9003 (2, 0, 1);
    # the direct message 9004 does not count.
    D(2026, 10, 5): (1, 12, 4, 3),
    # 9007 (unlisted, 00:30 Amsterdam time) and 9009 (HTML-hostile content); 9005 and 9006
    # are dialogue with a resident, 9008 is followers-only.
    D(2026, 10, 7): (2, 8, 3, 0),
    # 9011 with junk counts (favourites "veel", replies -5, 2 boosts); 9010 is a boost.
    D(2026, 10, 8): (1, 0, 0, 2),
}


def test_own_posts_are_read_page_by_page_and_stored_per_day(server: LocalServer) -> None:
    statuses = MastodonStatuses(server)
    channel = _channel(server)
    version = rollup_version()

    report = do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)

    assert report.error == "" and report.complete
    assert _stats() == EXPECTED
    assert (report.posts, report.continuations, report.not_counted) == (5, 1, 5)
    assert report.unreadable == 2  # the status without a time and the non-object
    assert report.covered_from == D(2026, 9, 9) and report.stored_days == 4
    # 13 items in pages of 4, then an empty page: the start of the account's history.
    requests = statuses_requests(server)
    assert [(r.query.get("max_id") or [None])[0] for r in requests] == [
        None,
        "9009",
        "9006",
        "9002",
        "9001",
    ]
    assert all(r.query["exclude_reblogs"] == ["true"] for r in requests)
    assert all(r.headers["authorization"] == "Bearer tok-eigen" for r in requests)
    assert statuses.pages_served == 5
    # The dashboards' channel effectiveness includes them, and cached dashboards are renewed.
    assert rollup_version() != version
    row = effectiveness(Filters(D(2026, 10, 1), D(2026, 10, 8)), [("mastodon", 9)], {})[0]
    assert (row["posts"], row["reactions"], row["dialogue_ratio"]) == (4, 20, 2.25)


def test_hostile_content_never_reaches_the_database(server: LocalServer) -> None:
    MastodonStatuses(server)
    channel = _channel(server)
    do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)
    event = AuditEvent.objects.filter(verb="ownposts.mastodon_imported").get()
    assert event.data["posts"] == 5 and event.data["covered_from"] == "2026-09-09"
    stored = str(event.data) + str(Channel.objects.get(pk=channel.pk).cursor)
    assert "script" not in stored and "Dorpsstraat" not in stored and "tok-eigen" not in stored


def test_running_again_updates_counts_without_duplicates(server: LocalServer) -> None:
    statuses = MastodonStatuses(server)
    channel = _channel(server)
    other = _channel(server, slug="mastodon-jeugd")
    do_import_own_posts(io.BytesIO(b"Datum,Likes\n2026-10-05,3\n"), "mastodon")
    OwnPostStat.objects.create(day=D(2026, 10, 5), channel="mastodon-jeugd", source="mastodon")
    do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)

    statuses.status("9002")["favourites_count"] = 50
    statuses.status("9003")["replies_count"] = 6
    statuses.remove("9011")  # deleted on the platform
    later = NOW + dt.timedelta(hours=5)
    report = do_import_mastodon_own_posts(channel.pk, days=30, now=later)

    assert report.complete and report.posts == 4
    assert _stats() == {**{d: v for d, v in EXPECTED.items() if d != D(2026, 10, 8)},
                        D(2026, 10, 5): (1, 52, 10, 3)}  # fmt: skip
    assert OwnPostStat.objects.filter(channel="mastodon", source="mastodon").count() == 3
    # The CSV import of the same channel and another channel's rows are left alone.
    assert OwnPostStat.objects.get(channel="mastodon", source="import").reactions == 3
    assert _stats("mastodon-jeugd") == {D(2026, 10, 5): (0, 0, 0, 0)}
    assert Channel.objects.get(pk=other.pk).cursor == {}
    assert AuditEvent.objects.filter(verb="ownposts.mastodon_imported").count() == 2


def test_a_429_keeps_what_was_read_and_waits_as_asked(server: LocalServer) -> None:
    statuses = MastodonStatuses(server)
    channel = _channel(server)
    do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)
    first = own_posts_state(Channel.objects.get(pk=channel.pk))

    statuses.status("9011")["reblogs_count"] = 9
    statuses.status("9002")["favourites_count"] = 99
    statuses.pages_served = 0
    statuses.fail_pages[2] = Reply(429, {"error": "Too many requests"}, {"Retry-After": "120"})
    report = do_import_mastodon_own_posts(channel.pk, days=30, now=NOW + dt.timedelta(hours=1))

    assert report.error == "own posts: temporary: server answered 429"
    assert report.retry_after == 120.0 and not report.complete
    # Page 1 reached back into 7 October, so only 8 October was read completely.
    assert report.covered_from == D(2026, 10, 8)
    assert _stats() == {**EXPECTED, D(2026, 10, 8): (1, 0, 0, 9)}
    stored = Channel.objects.get(pk=channel.pk)
    assert stored.last_error == report.error
    assert dt.datetime.fromisoformat(stored.cursor["not_before"]) > timezone.now()
    state = own_posts_state(stored)
    assert state["complete_at"] == first["complete_at"]  # the gap is closed next time
    assert state["last_run_at"] != first["last_run_at"]
    event = AuditEvent.objects.filter(verb="ownposts.mastodon_imported").order_by("-seq")[0]
    assert event.data["error"] == report.error

    # While the server asks to wait, a run does not call it.
    served = statuses.pages_served
    waiting = do_import_mastodon_own_posts(channel.pk, days=30)
    assert "asked to wait" in waiting.error and statuses.pages_served == served


def test_bad_credentials_change_nothing(server: LocalServer) -> None:
    MastodonStatuses(server)
    channel = _channel(server)
    do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)
    server.route(
        "GET",
        "/api/v1/accounts/verify_credentials",
        lambda req: Reply(401, {"error": "The access token is invalid"}),
    )
    report = do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)
    assert report.error == "own posts: server answered 401: The access token is invalid"
    assert report.covered_from is None and _stats() == EXPECTED
    assert Channel.objects.get(pk=channel.pk).last_error == report.error


def test_later_runs_reach_back_to_the_last_complete_run(server: LocalServer) -> None:
    statuses = MastodonStatuses(server)
    channel = _channel(server)
    assert do_import_mastodon_own_posts(channel.pk, now=NOW).days == 30  # first run
    statuses.status("9001")["favourites_count"] = 40
    # The next day two weeks are refreshed: 20 September is not read again.
    report = do_import_mastodon_own_posts(channel.pk, now=NOW + dt.timedelta(days=1))
    assert report.days == 14 and report.covered_from == D(2026, 9, 26)
    assert _stats()[D(2026, 9, 20)] == (1, 4, 1, 0)
    # After three weeks without a run the window reaches back to the last complete one.
    gap = do_import_mastodon_own_posts(channel.pk, now=NOW + dt.timedelta(days=22))
    assert gap.days == 22 and gap.covered_from == D(2026, 10, 9)


def test_a_server_that_ignores_max_id_is_not_read_forever(server: LocalServer) -> None:
    statuses = MastodonStatuses(server)
    server.route("GET", "/api/v1/accounts/1/statuses", lambda req: Reply(200, statuses.items[:4]))
    channel = _channel(server)
    report = do_import_mastodon_own_posts(channel.pk, days=30, now=NOW)
    assert report.pages == 2 and not report.complete and report.error == ""
    assert report.covered_from == D(2026, 10, 8)
    assert _stats() == {D(2026, 10, 8): (1, 0, 0, 2)}
    assert "complete_at" not in own_posts_state(Channel.objects.get(pk=channel.pk))


def test_only_configured_mastodon_channels_are_imported(server: LocalServer) -> None:
    rss = Channel.objects.create(kind="rss", slug="nieuws", name="Nieuws")
    bare = Channel.objects.create(kind="mastodon", slug="kaal", name="Kaal")
    assert do_import_mastodon_own_posts(rss.pk).error == "not a Mastodon channel"
    assert do_import_mastodon_own_posts(bare.pk).error.startswith("the channel is not configured")
    assert AuditEvent.objects.filter(verb="ownposts.mastodon_imported").count() == 0


def test_the_daily_job_runs_for_channels_where_it_is_on(server: LocalServer) -> None:
    statuses = MastodonStatuses(server, shift_days=_days_since_fixture())
    on = _channel(server)
    _channel(server, slug="zonder", own_posts=False)
    Channel.objects.filter(slug="zonder").update(config={"base_url": server.url})
    assert mastodon_channels_due() == [on.pk]
    assert import_own_posts() == 1  # the test settings run the task inline
    assert sum(p for p, *_ in _stats().values()) == 5
    assert _stats("zonder") == {}
    assert mastodon_channels_due() == []  # done for today
    tomorrow = timezone.now() + dt.timedelta(hours=24)
    assert mastodon_channels_due(tomorrow) == [on.pk]
    Channel.objects.filter(pk=on.pk).update(enabled=False)
    assert mastodon_channels_due(tomorrow) == []
    assert statuses.pages_served == 5


def test_a_failed_daily_run_is_tried_again_an_hour_later(server: LocalServer) -> None:
    statuses = MastodonStatuses(server, shift_days=_days_since_fixture())
    channel = _channel(server)
    statuses.fail_pages[1] = Reply(500, {"error": "boom"})
    assert import_own_posts() == 1
    assert Channel.objects.get(pk=channel.pk).last_error == (
        "own posts: temporary: server answered 500"
    )
    assert _stats() == {}
    now = timezone.now()
    assert mastodon_channels_due(now + dt.timedelta(minutes=50)) == []
    assert mastodon_channels_due(now + dt.timedelta(minutes=61)) == [channel.pk]


def _days_since_fixture() -> int:
    return (timezone.localdate() - D(2026, 10, 8)).days


def test_command_reads_a_mastodon_channel_and_keeps_the_csv_form(
    server: LocalServer, tmp_path, capsys
) -> None:
    MastodonStatuses(server, shift_days=_days_since_fixture())
    _channel(server)
    assert main(["signals", "own-posts", "--from-mastodon", "mastodon", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "mastodon: 5 own posts and 1 thread continuations read over 30 days" in out
    assert sum(p for p, *_ in _stats().values()) == 5

    csv = tmp_path / "posts.csv"
    csv.write_text("Datum,Likes\n2026-10-05,3\n", encoding="utf-8")
    assert main(["signals", "own-posts", str(csv), "--channel", "facebook"]) == 0
    assert OwnPostStat.objects.get(channel="facebook", source="import").reactions == 3

    Channel.objects.create(kind="rss", slug="nieuws", name="Nieuws")
    for argv in (
        ["--from-mastodon", "nieuws"],
        ["--from-mastodon", "onbekend"],
        ["--from-mastodon", "mastodon", "--days", "0"],
        ["--from-mastodon", "mastodon", "--channel", "x"],
        [str(csv)],
        [str(csv), "--channel", "facebook", "--days", "3"],
    ):
        assert main(["signals", "own-posts", *argv]) == 2, argv
