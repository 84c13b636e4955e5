"""Own posts of a Mastodon channel, read through its API into the own-post statistics.

A run reads the account's statuses of the last N days (`fetch_own_statuses`) and then,
in one transaction, replaces the channel's `OwnPostStat` rows with source "mastodon" for
every day it read completely by the sums over those statuses. Running it again therefore
updates the counts and never doubles a post. The channel's cursor remembers the last
complete run under `own_posts`, so a later run reaches back far enough to close any gap.
Errors go where the channel's poll errors go: one message on the channel (and a wait for
429/Retry-After, which Mastodon counts per account), the days already read are kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.channels import (
    channel_secrets,
    configuration_problems,
    connector_for,
    do_record_channel_error,
    poll_not_before,
)
from nabij.actions.errors import ActionError
from nabij.actions.rollups import do_mark_rollups_changed
from nabij.connectors.base import ConnectorError, PermanentError, TemporaryError
from nabij.connectors.mastodon import MastodonConnector
from nabij.connectors.mastodon.ownposts import (
    OwnStatusFetch,
    fetch_own_statuses,
    own_post_totals,
)
from nabij.models import Channel, OwnPostStat

logger = logging.getLogger(__name__)

SOURCE = "mastodon"
CURSOR_KEY = "own_posts"
DEFAULT_DAYS = 30  # the first run
REFRESH_DAYS = 14  # later runs: reactions keep coming in for about two weeks
MAX_DAYS = 366
RUN_EVERY = dt.timedelta(hours=23)  # the periodic job: once a day per channel
RETRY_EVERY = dt.timedelta(hours=1)  # after a run that ended with an error


@dataclass(frozen=True)
class MastodonPostsReport:
    """One run: the window, what was stored and what was not counted."""

    channel: str
    days: int = 0
    covered_from: dt.date | None = None  # the first day whose figures were replaced
    stored_days: int = 0  # days from covered_from on with own posts (the others: none)
    posts: int = 0  # own posts read
    continuations: int = 0  # replies to own posts: their counts added, no post of their own
    not_counted: int = 0  # replies to others, followers-only and direct statuses, boosts
    unreadable: int = 0
    pages: int = 0
    complete: bool = False
    error: str = ""
    retry_after: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON-able form (task results, audit data)."""
        data = asdict(self)
        data["covered_from"] = self.covered_from.isoformat() if self.covered_from else None
        return data


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def own_posts_state(channel: Channel) -> dict[str, Any]:
    """What the channel's cursor remembers of earlier runs."""
    cursor = channel.cursor if isinstance(channel.cursor, dict) else {}
    state = cursor.get(CURSOR_KEY)
    return dict(state) if isinstance(state, dict) else {}


def _when(state: dict[str, Any], key: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(state[key]))
    except (KeyError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def own_posts_window(channel: Channel, today: dt.date) -> int:
    """Days to read when none are asked: enough to reach the last complete run."""
    last = _when(own_posts_state(channel), "complete_at")
    if last is None:
        return DEFAULT_DAYS
    gap = (today - last.astimezone(_tz()).date()).days + 1
    return max(1, min(MAX_DAYS, max(REFRESH_DAYS, gap)))


def check_mastodon_channel(slug: str) -> Channel:
    """The Mastodon channel with this code, else ActionError."""
    channel = Channel.objects.filter(slug=str(slug)[:60]).first()
    if channel is None:
        raise ActionError(_("geen kanaal met code %(code)s") % {"code": repr(str(slug)[:60])})
    if not isinstance(connector_for(channel), MastodonConnector):
        raise ActionError(_("kanaal %(code)s is geen Mastodon-kanaal") % {"code": channel.slug})
    return channel


def check_days(days: int | None) -> int | None:
    """A requested window in days (1 to MAX_DAYS), or None for the remembered one."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ActionError(_("het aantal dagen moet tussen 1 en %(max)s liggen") % {"max": MAX_DAYS})
    return days


def do_import_mastodon_own_posts(
    channel_id: int,
    *,
    days: int | None = None,
    http: Any = None,
    now: dt.datetime | None = None,
    actor: Any = None,
) -> MastodonPostsReport:
    """Read the channel's own posts of the last `days` days and store them per day."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return MastodonPostsReport("?", error="channel not found")
    connector = connector_for(channel)
    if not isinstance(connector, MastodonConnector):
        return MastodonPostsReport(channel.slug, error="not a Mastodon channel")
    now = now or timezone.now()
    not_before = poll_not_before(channel)
    if not_before is not None and not_before > now:
        wait = f"the server asked to wait until {not_before.isoformat(timespec='seconds')}"
        return MastodonPostsReport(channel.slug, error=wait)
    secrets = channel_secrets(channel)
    problems = configuration_problems(connector, channel.config, secrets)
    if problems:
        return MastodonPostsReport(
            channel.slug, error="the channel is not configured: " + "; ".join(problems)
        )
    days = check_days(days) or own_posts_window(channel, now.astimezone(_tz()).date())
    first_day = now.astimezone(_tz()).date() - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first_day, dt.time.min, tzinfo=_tz())
    own_http = http is None
    if own_http:
        from nabij.connectors.http import HttpxClient

        http = HttpxClient()
    try:
        fetched = fetch_own_statuses(channel.config, secrets, http, since)
    except ConnectorError as exc:
        fetched = OwnStatusFetch("", (), False, 0, stopped_by=exc)
    except Exception as exc:  # a bug on junk input must not stop the periodic job
        logger.exception("own posts of channel %s failed unexpectedly", channel.slug)
        fetched = OwnStatusFetch(
            "", (), False, 0, stopped_by=ConnectorError(exc.__class__.__name__)
        )
    finally:
        if own_http:
            http.close()
    return _store(channel.pk, days, first_day, fetched, now, actor)


def _covered_from(fetched: OwnStatusFetch, first_day: dt.date, today: dt.date) -> dt.date | None:
    """The first day all of whose statuses were read (every later day was read too)."""
    if fetched.complete:
        return first_day
    oldest = fetched.oldest()
    if oldest is None:
        return None
    # Paging stopped somewhere inside the oldest day read: only the days after it are whole.
    day = oldest.astimezone(_tz()).date() + dt.timedelta(days=1)
    return day if day <= today else None


def _error_text(exc: ConnectorError | None) -> tuple[str, float | None]:
    if exc is None:
        return "", None
    if isinstance(exc, TemporaryError):
        return f"own posts: temporary: {exc}", exc.retry_after
    if isinstance(exc, PermanentError):
        return f"own posts: {exc.reason}", None
    return f"own posts: unexpected error ({exc})", None


def _store(
    channel_id: int,
    days: int,
    first_day: dt.date,
    fetched: OwnStatusFetch,
    now: dt.datetime,
    actor: Any,
) -> MastodonPostsReport:
    """Replace the fully read days, remember the run, audit it; one transaction."""
    today = now.astimezone(_tz()).date()
    covered = _covered_from(fetched, first_day, today)
    totals = own_post_totals(fetched.statuses, fetched.account_id, _tz())
    error, retry_after = _error_text(fetched.stopped_by)
    kept = {day: t for day, t in totals.days.items() if covered is not None and day >= covered}
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        if covered is not None:
            OwnPostStat.objects.filter(
                channel=channel.slug, source=SOURCE, day__gte=covered
            ).delete()
            OwnPostStat.objects.bulk_create(
                OwnPostStat(day=day, channel=channel.slug, source=SOURCE, **asdict(t))
                for day, t in sorted(kept.items())
            )
        state = own_posts_state(channel)
        state["last_run_at"] = now.isoformat()
        if fetched.account_id:
            state["account_id"] = fetched.account_id
        if not error:
            state["ok_at"] = now.isoformat()  # done for today, even if the page limit hit
            if fetched.complete:
                state["complete_at"] = now.isoformat()
                state["complete_from"] = first_day.isoformat()
        cursor = dict(channel.cursor) if isinstance(channel.cursor, dict) else {}
        cursor[CURSOR_KEY] = state
        channel.cursor = cursor
        channel.save(update_fields=["cursor"])
        report = MastodonPostsReport(
            channel=channel.slug,
            days=days,
            covered_from=covered,
            stored_days=len(kept),
            posts=totals.kinds["post"],
            continuations=totals.kinds["continuation"],
            not_counted=sum(totals.kinds[k] for k in ("dialogue", "not_public", "boost")),
            unreadable=len(fetched.errors),
            pages=fetched.pages,
            complete=fetched.complete and not error,
            error=error,
            retry_after=retry_after,
        )
        do_record_audit_event(actor, "ownposts.mastodon_imported", channel, report.as_dict())
        if covered is not None:
            do_mark_rollups_changed()  # cached dashboards show the new figures
        if error:
            do_record_channel_error(channel.pk, error, retry_after)
    return report


def mastodon_channels_due(now: dt.datetime | None = None) -> list[int]:
    """Enabled Mastodon channels with `own_posts` on whose daily run is due."""
    now = now or timezone.now()
    due = []
    for channel in Channel.objects.filter(enabled=True).order_by("pk"):
        config = channel.config if isinstance(channel.config, dict) else {}
        if config.get("own_posts") is not True:
            continue
        if not isinstance(connector_for(channel), MastodonConnector):
            continue
        not_before = poll_not_before(channel)
        if not_before is not None and not_before > now:
            continue
        state = own_posts_state(channel)
        done, attempt = _when(state, "ok_at"), _when(state, "last_run_at")
        if done is not None and now - done < RUN_EVERY:
            continue
        if attempt is not None and now - attempt < RETRY_EVERY:
            continue
        due.append(channel.pk)
    return due
