"""Running signal detection over stored messages, and keeping the patterns it finds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from nabij.actions.audit import AuditBuffer
from nabij.actions.roles import ROLE_ANALYST, ROLE_COORDINATOR, people_in_roles
from nabij.actions.rollups import day_bounds
from nabij.models import Message, MessageAnalysis, Organisation, Pattern
from nabij.signals import SignalMessage, detect

HISTORY = timedelta(weeks=8)  # spikes compare with this much history


def signal_messages(lo: datetime, hi: datetime) -> list[SignalMessage]:
    """Analysed inbound messages in [lo, hi) as redacted records for the statistics."""
    rows = (
        MessageAnalysis.objects.filter(
            current=True,
            message__direction="inbound",
            message__sent_at__gte=lo,
            message__sent_at__lt=hi,
        )
        .values_list(
            "message__channel__slug",
            "message__external_id",
            "message__contact__pseudonym",
            "message__contact__first_seen_at",
            "message__sent_at",
            "data",
            "type",
            "sentiment",
            "emotion",
            "toxicity",
            "topic",
        )
        .order_by("message__sent_at", "message_id")
    )
    out = []
    for (
        channel,
        ext,
        pseudonym,
        first_seen,
        sent_at,
        data,
        kind,
        sent,
        emo,
        tox,
        topic,
    ) in rows.iterator(chunk_size=5000):
        out.append(
            SignalMessage(
                key=f"{channel}:{ext}",
                channel=channel,
                author_key=pseudonym or f"{channel}:{ext}",
                author_first_seen=first_seen,
                sent_at=sent_at,
                text=str((data or {}).get("redacted_text") or ""),
                type=kind or "overig",
                type_scores=(data or {}).get("type_scores"),
                sentiment=float(sent or 0.0),
                emotion=emo or "neutraal",
                toxicity=float(tox or 0.0),
                topic=topic or "overig",
            )
        )
    return out


def _embedder() -> Any:
    from nabij.actions.composer import _default_embed

    return _default_embed


def run_detection(start: date, end: date, *, embedder: Any = "default") -> dict[str, list[dict]]:
    """Spikes, patterns and warnings for the period [start, end] (dates inclusive)."""
    lo, hi = day_bounds(start, end)
    messages = signal_messages(lo - HISTORY, hi)
    org = Organisation.current()
    return detect(
        messages,
        start,
        end,
        embedder=_embedder() if embedder == "default" else embedder,
        gazetteer=org.places or None,
    )


def _pattern_key(item: dict[str, Any]) -> str:
    """A stable key: the same first members and topic give the same pattern row."""
    first = ",".join(sorted(item.get("messages", []))[:3])
    raw = f"{item.get('kind')}|{item.get('topic')}|{item.get('area')}|{first}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def do_store_patterns(result: dict[str, list[dict]]) -> list[Pattern]:
    """Create or update Pattern rows (with members) for detected patterns and bursts."""
    items = list(result.get("patterns", [])) + [
        w for w in result.get("warnings", []) if w.get("kind") == "coordinated"
    ]
    audit = AuditBuffer()
    stored = []
    with transaction.atomic():
        for item in items:
            key = _pattern_key(item)
            pattern = Pattern.objects.filter(key=key).first()
            created = pattern is None
            if pattern is None:
                pattern = Pattern(key=key)
            pattern.kind = str(item.get("kind", "pattern"))[:30]
            pattern.title = str(item.get("title", ""))[:300]
            pattern.topic = str(item.get("topic") or "")[:60]
            pattern.score = float(item.get("score") or 0.0)
            pattern.first_seen = datetime.fromisoformat(item["start"])
            pattern.last_seen = datetime.fromisoformat(item["end"])
            pattern.trend = item.get("trend") or []
            pattern.explanation = {
                k: item.get(k) for k in ("area", "places", "terms", "types", "growth", "examples")
            }
            pattern.save()
            keys = item.get("messages", [])
            ids = _message_ids(keys)
            pattern.members.set(ids)
            if created:
                audit.add(None, "pattern.detected", pattern, {"title": pattern.title[:200]})
            stored.append(pattern)
        audit.flush()
    return stored


def _message_ids(keys: list[str]) -> list[int]:
    by_channel: dict[str, list[str]] = {}
    for key in keys:
        channel, _, ext = key.partition(":")
        by_channel.setdefault(channel, []).append(ext)
    ids: list[int] = []
    for channel, exts in by_channel.items():
        ids += list(
            Message.objects.filter(channel__slug=channel, external_id__in=exts).values_list(
                "pk", flat=True
            )
        )
    return ids


def do_alert_new_signals(result: dict[str, list[dict]], patterns: list[Pattern]) -> int:
    """Notify coordinators and analysts once about new patterns, spikes and warnings."""

    from nabij.models import Notification

    people = people_in_roles(ROLE_COORDINATOR, ROLE_ANALYST)
    fresh = [p for p in patterns if not p.explanation.get("alerted")]
    items = [f"Nieuw patroon: {p.title}" for p in fresh]
    for spike in result.get("spikes", []) + result.get("warnings", []):
        examples = ", ".join(spike.get("messages", [])[:3])
        items.append(f"{spike['title']} (bijv. {examples})")
    known = set(
        Notification.objects.filter(kind=Notification.Kind.SIGNAL).values_list("text", flat=True)
    )
    new = [text[:300] for text in items if text[:300] not in known]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=Notification.Kind.SIGNAL, text=t) for u in people for t in new]
    )
    for p in fresh:
        p.explanation = {**p.explanation, "alerted": True}
        p.save(update_fields=["explanation"])
    return len(new)
