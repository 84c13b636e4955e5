"""The organisation's own posts per channel, for the 'sending out stuff' ratio."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate

from nabij.actions.audit import do_record_audit_event
from nabij.actions.rollups import do_mark_rollups_changed
from nabij.models import Message, OwnPostStat

DATE_COLUMNS = ("date", "datum", "published", "gepubliceerd", "created_time", "post_date")
COUNT_COLUMNS = {
    "reactions": ("reactions", "reacties", "likes", "vind-ik-leuks", "favourites", "engagement"),
    "comments": ("comments", "opmerkingen", "replies", "antwoorden"),
    "shares": ("shares", "gedeeld", "reposts", "boosts", "retweets"),
}


@dataclass
class PostImportReport:
    """Rows read, kept and refused (with row numbers)."""

    rows: int = 0
    kept: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _parse_day(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date()


def do_import_own_posts(stream: IO[bytes], channel: str) -> PostImportReport:
    """Read a platform-insights CSV (one row per post) into daily own-post statistics."""
    report = PostImportReport()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = next(reader, None)
    if not header:
        report.errors.append((1, "the file is empty"))
        return report
    day_col = _find(header, DATE_COLUMNS)
    if day_col is None:
        report.errors.append((1, f"no date column (one of {', '.join(DATE_COLUMNS)})"))
        return report
    cols = {key: _find(header, names) for key, names in COUNT_COLUMNS.items()}
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for number, row in enumerate(reader, start=2):
        report.rows += 1
        try:
            day = _parse_day(row[day_col])
            counts = [
                int(float(row[c])) if c is not None and c < len(row) and row[c].strip() else 0
                for c in (cols["reactions"], cols["comments"], cols["shares"])
            ]
        except (ValueError, IndexError) as exc:
            report.errors.append((number, f"cannot read this row: {str(exc)[:80]}"))
            continue
        if any(c < 0 for c in counts):
            report.errors.append((number, "negative counts"))
            continue
        t = totals[day]
        t[0] += 1
        t[1] += counts[0]
        t[2] += counts[1]
        t[3] += counts[2]
        report.kept += 1
    with transaction.atomic():
        for day, (posts, reactions, comments, shares) in totals.items():
            OwnPostStat.objects.update_or_create(
                day=day,
                channel=channel[:60],
                source="import",
                defaults={
                    "posts": posts,
                    "reactions": reactions,
                    "comments": comments,
                    "shares": shares,
                },
            )
        do_record_audit_event(
            None, "ownposts.imported", ("channel", channel[:60]), {"days": len(totals)}
        )
        do_mark_rollups_changed()  # cached dashboards show the new posts
    return report


def do_count_own_posts_from_messages() -> int:
    """Own posts stored in Nabij (outbound messages that start a thread) per channel and day."""
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = (
        Message.objects.filter(direction="outbound", in_reply_to="")
        .annotate(day=TruncDate("sent_at", tzinfo=tz))
        .values("day", "channel__slug")
        .annotate(n=Count("pk"))
    )
    with transaction.atomic():
        OwnPostStat.objects.filter(source="nabij").delete()
        OwnPostStat.objects.bulk_create(
            [
                OwnPostStat(day=r["day"], channel=r["channel__slug"], posts=r["n"], source="nabij")
                for r in rows
            ]
        )
    return len(rows)
