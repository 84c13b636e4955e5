from __future__ import annotations

import datetime as dt

import pytest
from connector_testkit import FakeHttp, fixture_bytes

from nabij.connectors.rss import KeywordRule, RssConnector
from nabij.connectors.rss.connector import parse_feed

FETCHED = dt.datetime(2026, 9, 14, 12, 0, tzinfo=dt.UTC)
AFVAL = {"name": "afval", "any": ["afval*", "container*"], "none": ["quiz"]}
LICHT = {"name": "verlichting", "all": ["straatverlichting", "kapot"]}


def rules(*data: dict) -> list[KeywordRule]:
    return [KeywordRule.from_dict(d) for d in data]


def test_matching_items_become_signals_without_reply_channel() -> None:
    result = parse_feed(fixture_bytes("rss", "lokaal_nieuws.rss"), rules(AFVAL, LICHT), FETCHED)
    afval, licht = result.messages
    assert afval.external_id == "https://nieuws.voorbeeldstad.example/?p=1201"
    assert afval.text.startswith(
        "Bewoners Oostwijk boos over volle afvalcontainers\n\nAl twee weken"
    )
    assert "x()" not in afval.text
    assert afval.sent_at == dt.datetime(2026, 9, 14, 5, 30, tzinfo=dt.UTC)
    assert afval.raw["matched_rules"] == ["afval"]
    assert afval.reply_target == {}
    assert afval.author_name == "Voorbeeldstad Nieuws"
    # No guid: the link is the id; no date: the fetch time is used.
    assert licht.external_id == "https://nieuws.voorbeeldstad.example/2026/09/licht"
    assert licht.sent_at == FETCHED


def test_atom_feed_and_author() -> None:
    rule = rules({"name": "parkeren", "any": ["parkeer*", "auto's op de stoep"]})
    (msg,) = parse_feed(fixture_bytes("rss", "forum.atom"), rule, FETCHED).messages
    assert msg.author_name == "buurman_42"
    assert msg.url == "https://forum.example/t/parkeeroverlast"
    assert msg.text.endswith("Elke avond staan er auto's op de stoep.")


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ({"any": ["afval"]}, "Het afval ligt er nog", True),
        ({"any": ["afval"]}, "De afvalbak is vol", False),
        ({"any": ["afval*"]}, "De afvalbak is vol", True),
        ({"any": ["gat in de weg"]}, "Er zit een GAT  in de weg", True),
        ({"all": ["gat", "weg"]}, "een gat", False),
        ({"any": ["afval"], "none": ["quiz"]}, "afval quiz", False),
        ({"none": ["quiz"]}, "wat dan ook", False),
    ],
)
def test_keyword_rules(rule: dict, text: str, expected: bool) -> None:
    assert KeywordRule.from_dict({"name": "r", **rule}).matches(text) is expected


def test_poll_uses_conditional_get(fake_http: FakeHttp) -> None:
    config = {"feed_url": "https://nieuws.example/feed", "rules": [AFVAL]}
    fake_http.add(200, fixture_bytes("rss", "lokaal_nieuws.rss"), {"etag": '"v1"'})
    first = RssConnector().poll(config, {}, None, fake_http)
    assert len(first.messages) == 1
    fake_http.add(304, b"")
    second = RssConnector().poll(config, {}, first.next_cursor, fake_http)
    assert fake_http.calls[1].headers == {"If-None-Match": '"v1"'}
    assert second.messages == () and second.next_cursor == first.next_cursor


def test_garbage_feed_and_bad_config() -> None:
    result = parse_feed(b"\x00<<not a feed", rules(AFVAL), FETCHED)
    assert result.messages == () and result.errors
    assert RssConnector().parse({"content": "x"}).errors
    errors = RssConnector().validate_config({"feed_url": "ftp://x", "rules": [{"name": "x"}]})
    assert any("http" in e for e in errors) and any("needs 'any' or 'all'" in e for e in errors)
