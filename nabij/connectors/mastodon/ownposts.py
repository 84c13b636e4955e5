"""The organisation's own Mastodon statuses and their reaction counts, summed per day.

`fetch_own_statuses` reads `/api/v1/accounts/<id>/statuses` from the newest status back
to a start time, over the injected HTTP client. `own_post_totals` (pure) decides which of
those statuses are own posts and sums their counts per local day:

- an **own post** is a public or unlisted status of the account that is not a boost and
  not a reply: the organisation sending something out;
- a reply to one of its own posts (a thread "1/3, 2/3" of the account) **continues** that
  post: its reactions count, but it is not a post of its own;
- a reply to someone else's status, and the account's follow-ups in such a thread, is
  **dialogue**, counted by the responsiveness figures instead;
- followers-only and direct statuses are not public communication; boosts are someone
  else's post. None of these count.

favourites become reactions, replies comments, boosts shares.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from nabij.connectors.base import (
    JSON,
    ConnectorError,
    PermanentError,
    RowError,
    Secret,
    str_or,
)
from nabij.connectors.mastodon.connector import (
    PAGE_SIZE,
    PUBLIC_VISIBILITIES,
    _auth,
    _id_key,
    _parse_time,
)

MAX_PAGES = 100  # 4,000 statuses: a month of an account that also answers a lot
MAX_COUNT = 2**31 - 1  # what the statistics table holds
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # snowflakes, ULIDs (GoToSocial), Akkoma's flake ids

Kind = Literal["post", "continuation", "dialogue", "not_public", "boost"]
KINDS: tuple[Kind, ...] = ("post", "continuation", "dialogue", "not_public", "boost")


@dataclass(frozen=True)
class OwnStatus:
    """The parts of a status that the channel-effectiveness figures need (no content)."""

    id: str
    created_at: dt.datetime
    visibility: str
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    boost: bool = False
    favourites: int = 0
    replies: int = 0
    reblogs: int = 0


@dataclass(frozen=True)
class OwnStatusFetch:
    """What one fetch read; `complete` means every status since the start time was seen."""

    account_id: str
    statuses: tuple[OwnStatus, ...]
    complete: bool
    pages: int
    errors: tuple[RowError, ...] = ()
    stopped_by: ConnectorError | None = None  # the error that ended paging early

    def oldest(self) -> dt.datetime | None:
        """The creation time of the oldest status read, if any."""
        return min((s.created_at for s in self.statuses), default=None)


@dataclass
class DayTotals:
    """Own posts of one day and the reactions, replies and boosts they drew."""

    posts: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0

    def add(self, status: OwnStatus, *, post: bool) -> None:
        """Count a status; a thread continuation adds its counts but is no post."""
        self.posts += post
        self.reactions = min(MAX_COUNT, self.reactions + status.favourites)
        self.comments = min(MAX_COUNT, self.comments + status.replies)
        self.shares = min(MAX_COUNT, self.shares + status.reblogs)


@dataclass
class OwnPostTotals:
    """Totals per local day, and how many statuses of each kind were seen."""

    days: dict[dt.date, DayTotals] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)


def _count(value: JSON) -> int:
    """A count from an untrusted payload: a non-negative integer, else 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, min(value, MAX_COUNT))


def _optional_id(value: JSON) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if ID.match(text) else None


def parse_own_status(item: Mapping[str, Any]) -> OwnStatus:
    """Read one Status entity; raises ValueError when it lacks a usable id or time."""
    status_id = _optional_id(item.get("id"))
    if status_id is None:
        raise ValueError("missing or malformed id")
    return OwnStatus(
        id=status_id,
        created_at=_parse_time(item.get("created_at")),
        visibility=str_or(item.get("visibility"), "public"),
        in_reply_to_id=_optional_id(item.get("in_reply_to_id")),
        in_reply_to_account_id=_optional_id(item.get("in_reply_to_account_id")),
        boost=item.get("reblog") is not None,
        favourites=_count(item.get("favourites_count")),
        replies=_count(item.get("replies_count")),
        reblogs=_count(item.get("reblogs_count")),
    )


def account_id(http: Any, base: str, secrets: Mapping[str, Secret]) -> str:
    """The id of the account the token belongs to (`verify_credentials`)."""
    me = http.request(
        "GET", f"{base}/api/v1/accounts/verify_credentials", headers=_auth(secrets)
    ).json_object()
    own_id = _optional_id(me.get("id"))
    if own_id is None:
        raise PermanentError("verify_credentials returned no usable account id")
    return own_id


def fetch_own_statuses(
    config: Mapping[str, JSON],
    secrets: Mapping[str, Secret],
    http: Any,
    since: dt.datetime,
    *,
    max_pages: int = MAX_PAGES,
) -> OwnStatusFetch:
    """The account's statuses created at or after `since`, newest first, paged with max_id.

    Errors before the first page (bad token, server down) are raised. An error while
    paging ends the fetch: the statuses read so far come back with `stopped_by` set, so
    the caller can keep the days they fully cover. The Link header is not followed (it is
    a URL chosen by the server); Mastodon builds it from the same `max_id`.
    """
    base = str(config["base_url"]).rstrip("/")
    own_id = account_id(http, base, secrets)
    url = f"{base}/api/v1/accounts/{own_id}/statuses"
    seen: dict[str, OwnStatus] = {}
    errors: list[RowError] = []
    max_id: str | None = None
    pages = 0
    complete = False
    stopped_by: ConnectorError | None = None
    while pages < max_pages:
        params: dict[str, Any] = {"limit": PAGE_SIZE, "exclude_reblogs": "true"}
        if max_id is not None:
            params["max_id"] = max_id
        try:
            items = http.request("GET", url, params=params, headers=_auth(secrets)).json_list()
        except ConnectorError as exc:
            stopped_by = exc
            break
        pages += 1
        if not items:
            complete = True  # the start of the account's history
            break
        page_ids, reached_start = _read_page(items, pages, since, seen, errors)
        if reached_start:
            complete = True
            break
        oldest = min(page_ids, key=_id_key) if page_ids else None
        if oldest is None or (max_id is not None and _id_key(oldest) >= _id_key(max_id)):
            break  # the server ignores max_id: stop rather than read the same page again
        max_id = oldest
    statuses = tuple(sorted(seen.values(), key=lambda s: _id_key(s.id)))
    return OwnStatusFetch(own_id, statuses, complete, pages, tuple(errors), stopped_by)


def _read_page(
    items: list[Any],
    page: int,
    since: dt.datetime,
    seen: dict[str, OwnStatus],
    errors: list[RowError],
) -> tuple[list[str], bool]:
    """Keep the page's statuses since `since`; returns the page's ids and whether it
    reached past `since`."""
    ids: list[str] = []
    reached_start = False
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(RowError(f"{page}/{index}", "status is not an object"))
            continue
        try:
            status = parse_own_status(item)
        except (ValueError, TypeError) as exc:
            errors.append(RowError(f"{page}/{index}", f"unusable status: {exc}"))
            continue
        ids.append(status.id)
        if status.created_at < since:
            reached_start = True  # newest first: the rest is older still
            continue
        seen[status.id] = status
    return ids, reached_start


def classify(statuses: Iterable[OwnStatus], own_id: str) -> dict[str, Kind]:
    """What each status is for the effectiveness figures (see the module docstring)."""
    by_id = {s.id: s for s in statuses}
    thread: dict[str, str] = {}  # status id -> "broadcast" | "dialogue" | "unknown"

    def thread_of(status: OwnStatus) -> str:
        path: list[str] = []
        current: OwnStatus | None = status
        found = "unknown"
        while current is not None:
            if current.id in thread:
                found = thread[current.id]
                break
            if current.id in path:
                break  # a reply cycle from a broken server: unknown
            path.append(current.id)
            if current.in_reply_to_id is None:
                found = "broadcast"
                break
            if current.in_reply_to_account_id not in (None, own_id):
                found = "dialogue"
                break
            parent = by_id.get(current.in_reply_to_id)
            if parent is None:
                # Before the window (or another account's status on a server that does
                # not say whose): it cannot be shown to continue a post.
                found = "unknown" if current.in_reply_to_account_id == own_id else "dialogue"
                break
            current = parent
        for status_id in path:
            thread[status_id] = found
        return found

    kinds: dict[str, Kind] = {}
    for status in by_id.values():
        if status.boost:
            kinds[status.id] = "boost"
        elif status.visibility not in PUBLIC_VISIBILITIES:
            kinds[status.id] = "not_public"
        elif status.in_reply_to_id is None:
            kinds[status.id] = "post"
        elif thread_of(status) == "broadcast":
            kinds[status.id] = "continuation"
        else:
            kinds[status.id] = "dialogue"
    return kinds


def own_post_totals(statuses: Iterable[OwnStatus], own_id: str, tz: ZoneInfo) -> OwnPostTotals:
    """Own posts and their counts per local day, with the number of statuses per kind."""
    statuses = list(statuses)
    kinds = classify(statuses, own_id)
    totals = OwnPostTotals(kinds=dict.fromkeys(KINDS, 0))
    for status in statuses:
        kind = kinds[status.id]
        totals.kinds[kind] += 1
        if kind in ("post", "continuation"):
            day = status.created_at.astimezone(tz).date()
            totals.days.setdefault(day, DayTotals()).add(status, post=kind == "post")
    return totals
