"""RSS/Atom monitoring (local news, forums) with keyword rules.

Items that match a rule become messages without a reply channel: signals ("signaal")
for the policy side. The feed is fetched with a conditional GET (ETag/Last-Modified in
the cursor); there is no item cursor because ingestion is idempotent on the item id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import feedparser

from nabij.connectors.base import (
    JSON,
    ConfigField,
    ConnectorBase,
    InboundMessage,
    ParseResult,
    PollResult,
    RowError,
    Secret,
    str_or,
)
from nabij.connectors.text import html_to_text

MAX_FEED_ITEMS = 500


@dataclass(frozen=True)
class KeywordRule:
    """Matches when any `any` term, every `all` term and no `none` term occurs.

    Terms match whole words, case-insensitively; a trailing `*` matches word starts
    (`afval*` matches "afvalcontainer"), and a term with a space matches the phrase.
    """

    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeywordRule:
        """Build a rule from its saved JSON form."""

        def terms(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            return (
                tuple(str(t).strip() for t in value if str(t).strip())
                if isinstance(value, list)
                else ()
            )

        return cls(str(data.get("name") or "regel"), terms("any"), terms("all"), terms("none"))

    def matches(self, text: str) -> bool:
        """True when `text` satisfies the rule."""
        if not self.any and not self.all:
            return False
        if self.any and not any(_term_in(t, text) for t in self.any):
            return False
        if not all(_term_in(t, text) for t in self.all):
            return False
        return not any(_term_in(t, text) for t in self.none)


def _term_in(term: str, text: str) -> bool:
    prefix = term.endswith("*")
    words = [re.escape(w) for w in term.rstrip("*").split()]
    if not words:
        return False
    pattern = r"\b" + r"\s+".join(words) + (r"" if prefix else r"\b")
    return re.search(pattern, text, re.IGNORECASE) is not None


def validate_rules(rules: Any) -> list[str]:
    """Problems with a saved rule list."""
    if not isinstance(rules, list) or not rules:
        return ["at least one keyword rule is required"]
    errors = []
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            errors.append(f"rule {index + 1} must be an object")
        elif not KeywordRule.from_dict(rule).any and not KeywordRule.from_dict(rule).all:
            errors.append(f"rule {index + 1} needs 'any' or 'all' terms")
    return errors


def _entry_time(entry: Mapping[str, Any], fallback: dt.datetime) -> dt.datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                year, month, day, hour, minute, second = value[:6]
                return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
            except (TypeError, ValueError):
                continue
    return fallback


def _entry_id(entry: Mapping[str, Any]) -> str:
    ident = str_or(entry.get("id")) or str_or(entry.get("link"))
    if ident:
        return ident[:500]
    basis = f"{entry.get('title', '')}|{entry.get('summary', '')}"
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()


def parse_feed(
    content: bytes | str, rules: Sequence[KeywordRule], fetched_at: dt.datetime, source: str = ""
) -> ParseResult:
    """Turn a feed document into messages for the items that match a rule."""
    feed = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    feed_title = str_or(feed.feed.get("title")) if isinstance(feed.feed, dict) else ""
    messages, errors = [], []
    if feed.bozo and not feed.entries:
        return ParseResult(
            errors=(RowError(0, f"unreadable feed ({type(feed.bozo_exception).__name__})"),)
        )
    for index, entry in enumerate(feed.entries[:MAX_FEED_ITEMS]):
        title = html_to_text(str_or(entry.get("title")))
        summary = html_to_text(str_or(entry.get("summary")))
        text = f"{title}\n\n{summary}".strip()
        matched = [r.name for r in rules if r.matches(text)]
        if not matched:
            continue
        try:
            messages.append(
                InboundMessage(
                    channel="rss",
                    external_id=_entry_id(entry),
                    author_handle=source or feed_title,
                    author_name=str_or(entry.get("author")) or feed_title,
                    text=text,
                    sent_at=_entry_time(entry, fetched_at),
                    thread_key=_entry_id(entry),
                    public=True,
                    url=str_or(entry.get("link")),
                    raw={
                        "title": title,
                        "link": str_or(entry.get("link")),
                        "feed": feed_title,
                        "matched_rules": matched,
                    },
                    reply_target={},
                )
            )
        except ValueError as exc:
            errors.append(RowError(index, str(exc)))
    return ParseResult(tuple(messages), tuple(errors))


class RssConnector(ConnectorBase):
    """One RSS or Atom feed, watched with keyword rules."""

    kind = "rss"
    label = "RSS/Atom (signalen)"
    inbound = "pull"
    config_schema = (
        ConfigField("feed_url", "Feed URL", kind="url"),
        ConfigField(
            "rules",
            "Keyword rules",
            kind="list",
            help='[{"name": "afval", "any": ["afval*"], "none": ["quiz"]}]',
        ),
    )

    def extra_config_errors(self, config: Mapping[str, JSON]) -> list[str]:
        """The keyword rules must be usable."""
        errors: list[str] = []
        if isinstance(config.get("rules"), list):
            errors += validate_rules(config["rules"])
        return errors

    def parse(self, payload: JSON) -> ParseResult:
        """Parse {"content": feed text, "rules": [...], "fetched_at": ISO time}."""
        if not isinstance(payload, dict) or not isinstance(payload.get("content"), str | bytes):
            return ParseResult(errors=(RowError(0, "payload needs 'content'"),))
        rules = [
            KeywordRule.from_dict(r) for r in payload.get("rules") or [] if isinstance(r, dict)
        ]
        try:
            fetched = dt.datetime.fromisoformat(str(payload.get("fetched_at")))
        except ValueError:
            return ParseResult(errors=(RowError(0, "payload needs 'fetched_at'"),))
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=dt.UTC)
        return parse_feed(payload["content"], rules, fetched, str_or(payload.get("source")))

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any,
    ) -> PollResult:
        """Fetch the feed (conditionally) and keep the items that match a rule."""
        state = _load_state(cursor)
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        response = http.request("GET", str(config["feed_url"]), headers=headers)
        if response.status == 304:
            return PollResult((), cursor)
        rules = [KeywordRule.from_dict(r) for r in config.get("rules") or [] if isinstance(r, dict)]
        result = parse_feed(response.body, rules, dt.datetime.now(dt.UTC), str(config["feed_url"]))
        new_state = {
            "etag": response.headers.get("etag", ""),
            "modified": response.headers.get("last-modified", ""),
        }
        return PollResult(result.messages, json.dumps(new_state), errors=result.errors)


def _load_state(cursor: str | None) -> dict[str, str]:
    try:
        data = json.loads(cursor or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}
