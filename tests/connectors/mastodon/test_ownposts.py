"""Which Mastodon statuses are own posts, their daily sums, and paging back through them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from connector_testkit import FakeHttp, load_fixture

from nabij.connectors.base import PermanentError, Secret, TemporaryError
from nabij.connectors.mastodon.ownposts import (
    OwnStatus,
    classify,
    fetch_own_statuses,
    own_post_totals,
    parse_own_status,
)

CONFIG = {"base_url": "https://social.gemeente.example/"}
SECRETS = {"access_token": Secret("tok-123")}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


def _status(
    status_id: str,
    parent: str | None = None,
    parent_account: str | None = None,
    *,
    at: dt.datetime = T,
    visibility: str = "public",
    boost: bool = False,
    favourites: int = 0,
    replies: int = 0,
    reblogs: int = 0,
) -> OwnStatus:
    return OwnStatus(
        status_id, at, visibility, parent, parent_account, boost, favourites, replies, reblogs
    )


def test_threads_of_the_organisation_continue_a_post_and_dialogue_stays_dialogue() -> None:
    statuses = [
        _status("1"),  # an announcement
        _status("2", "1", "9"),  # 2/3 of it
        _status("3", "2"),  # 3/3, from a server that does not say whose status it answers
        _status("4", "500", "77"),  # an answer to a resident
        _status("5", "4", "9"),  # a follow-up in that conversation
        _status("6", "400", "9"),  # continues an own status from before the window
        _status("7", "8", "9"),  # a reply cycle sent by a broken server
        _status("8", "7", "9"),
        _status("10", visibility="private"),
        _status("11", visibility="direct"),
        _status("12", boost=True),
        _status("13", visibility="unlisted"),
    ]
    assert classify(statuses, "9") == {
        "1": "post",
        "2": "continuation",
        "3": "continuation",
        "4": "dialogue",
        "5": "dialogue",
        "6": "dialogue",
        "7": "dialogue",
        "8": "dialogue",
        "10": "not_public",
        "11": "not_public",
        "12": "boost",
        "13": "post",
    }


def test_totals_are_summed_per_local_day() -> None:
    summer_night = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 in Amsterdam
    winter_night = dt.datetime(2026, 1, 5, 22, 30, tzinfo=dt.UTC)  # 23:30 in Amsterdam
    totals = own_post_totals(
        [
            _status("1", at=summer_night, favourites=3, replies=1, reblogs=2),
            _status("2", "1", "9", at=summer_night, favourites=1),
            _status("3", at=winter_night, favourites=5),
            _status("4", "77", "77", at=winter_night, favourites=100),
        ],
        "9",
        AMSTERDAM,
    )
    assert {d: (t.posts, t.reactions, t.comments, t.shares) for d, t in totals.days.items()} == {
        dt.date(2026, 7, 2): (1, 4, 1, 2),
        dt.date(2026, 1, 5): (1, 5, 0, 0),
    }
    assert totals.kinds == {
        "post": 2,
        "continuation": 1,
        "dialogue": 1,
        "not_public": 0,
        "boost": 0,
    }


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"id": "../admin", "created_at": "2026-10-05T09:00:00Z"}, "id"),
        ({"id": True, "created_at": "2026-10-05T09:00:00Z"}, "id"),
        ({"id": "5"}, "created_at"),
        ({"id": "5", "created_at": "gisteren"}, "gisteren"),
    ],
)
def test_unusable_statuses_are_refused(item: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_own_status(item)


def test_counts_from_an_untrusted_server_are_whole_and_not_negative() -> None:
    status = parse_own_status(
        {
            "id": 113,
            "created_at": "2026-10-05T09:00:00.000Z",
            "favourites_count": True,
            "replies_count": -4,
            "reblogs_count": 10**12,
            "in_reply_to_id": "x/../y",
            "reblog": None,
        }
    )
    assert (status.id, status.favourites, status.replies, status.reblogs) == (
        "113",
        0,
        0,
        2**31 - 1,
    )
    assert status.in_reply_to_id is None and not status.boost


def test_fetch_pages_back_with_max_id_until_before_the_start(fake_http: FakeHttp) -> None:
    items = load_fixture("mastodon", "own_statuses_window.json")
    fake_http.add(200, load_fixture("mastodon", "verify_credentials.json"))
    fake_http.add(200, items[:7])
    fake_http.add(200, items[7:])
    since = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    result = fetch_own_statuses(CONFIG, SECRETS, fake_http, since)
    assert result.complete and result.pages == 2 and result.account_id == "1"
    # 9001 (20 September) is before the start; the rest is kept, oldest first.
    assert [s.id for s in result.statuses] == [str(n) for n in range(9002, 9012)]
    assert [e.position for e in result.errors] == ["1/0", "1/6"]
    first, second = fake_http.calls[1], fake_http.calls[2]
    assert first.url == "https://social.gemeente.example/api/v1/accounts/1/statuses"
    assert first.params == {"limit": 40, "exclude_reblogs": "true"}
    assert second.params == {"limit": 40, "exclude_reblogs": "true", "max_id": "9007"}


def test_an_error_while_paging_keeps_what_was_read(fake_http: FakeHttp) -> None:
    items = load_fixture("mastodon", "own_statuses_window.json")
    fake_http.add(200, {"id": "1"})
    fake_http.add(200, items[:4])
    fake_http.add(429, {"error": "Too many requests"}, {"retry-after": "30"})
    since = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    result = fetch_own_statuses(CONFIG, SECRETS, fake_http, since)
    assert not result.complete and result.pages == 1
    assert isinstance(result.stopped_by, TemporaryError) and result.stopped_by.retry_after == 30
    assert [s.id for s in result.statuses] == ["9009", "9010", "9011"]
    assert result.oldest() == dt.datetime(2026, 10, 7, 11, 0, tzinfo=dt.UTC)


def test_an_account_id_that_would_change_the_path_is_refused(fake_http: FakeHttp) -> None:
    fake_http.add(200, {"id": "1/../../admin"})
    with pytest.raises(PermanentError, match="account id"):
        fetch_own_statuses(CONFIG, SECRETS, fake_http, T)
    assert len(fake_http.calls) == 1


def test_the_page_limit_bounds_a_fetch(fake_http: FakeHttp) -> None:
    items = load_fixture("mastodon", "own_statuses_window.json")
    fake_http.add(200, {"id": "1"})
    fake_http.add(200, items[:4])
    fake_http.add(200, items[4:8])
    since = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    result = fetch_own_statuses(CONFIG, SECRETS, fake_http, since, max_pages=2)
    assert result.pages == 2 and not result.complete and result.stopped_by is None
    assert len(fake_http.calls) == 3
