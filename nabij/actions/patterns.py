"""Patterns: keeping detected ones, and owning them (status, owner team, 'what we did')."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from nabij.actions.audit import AuditBuffer, do_record_audit_event
from nabij.actions.errors import ActionError
from nabij.models import Channel, Message, Pattern, Team

_FIELDS = ["kind", "title", "topic", "score", "first_seen", "last_seen", "trend", "explanation"]
_BATCH = 500  # rows or values per statement, well inside SQLite's variable limit


def _pattern_key(item: dict[str, Any]) -> str:
    """A stable key: the same first members and topic give the same pattern row."""
    first = ",".join(sorted(item.get("messages", []))[:3])
    raw = f"{item.get('kind')}|{item.get('topic')}|{item.get('area')}|{first}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _fill(pattern: Pattern, item: dict[str, Any]) -> None:
    pattern.kind = str(item.get("kind", "pattern"))[:30]
    pattern.title = str(item.get("title", ""))[:300]
    pattern.topic = str(item.get("topic") or "")[:60]
    pattern.score = float(item.get("score") or 0.0)
    pattern.first_seen = datetime.fromisoformat(item["start"])
    pattern.last_seen = datetime.fromisoformat(item["end"])
    pattern.trend = item.get("trend") or []
    alerted = bool((pattern.explanation or {}).get("alerted"))  # people were told once
    pattern.explanation = {
        k: item.get(k) for k in ("area", "places", "terms", "types", "growth", "examples")
    } | ({"alerted": True} if alerted else {})


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for lo in range(0, len(values), _BATCH):
        yield values[lo : lo + _BATCH]


def _message_ids(keys: Iterable[str]) -> dict[str, list[int]]:
    """Message ids per "channel:external_id" key, in a few queries per channel."""
    by_channel: dict[str, set[str]] = {}
    for key in keys:
        channel, _, ext = key.partition(":")
        by_channel.setdefault(channel, set()).add(ext)
    channel_ids = dict(Channel.objects.filter(slug__in=list(by_channel)).values_list("slug", "pk"))
    ids: dict[str, list[int]] = {}
    for channel, exts in by_channel.items():
        if channel not in channel_ids:
            continue
        for chunk in _chunks(sorted(exts)):
            found = Message.objects.filter(channel_id=channel_ids[channel], external_id__in=chunk)
            for found_ext, pk in found.values_list("external_id", "pk"):
                ids.setdefault(f"{channel}:{found_ext}", []).append(pk)
    return ids


def _set_members(members: dict[int, set[int]]) -> None:
    """Make each pattern's members exactly the given message ids (only the difference is
    written)."""
    through = Pattern.members.through
    have: dict[int, dict[int, int]] = {pk: {} for pk in members}
    for chunk in _chunks(list(members)):
        rows = through.objects.filter(pattern_id__in=chunk)
        for row_id, pattern_id, message_id in rows.values_list("pk", "pattern_id", "message_id"):
            have[pattern_id][message_id] = row_id
    gone = [row for pk, want in members.items() for m, row in have[pk].items() if m not in want]
    for chunk in _chunks(gone):
        through.objects.filter(pk__in=chunk).delete()
    added = [(pk, m) for pk, want in members.items() for m in sorted(want) if m not in have[pk]]
    # Plain inserts: a large burst has thousands of members, too many to build objects for.
    table = connection.ops.quote_name(through._meta.db_table)
    column = {f.name: f.column for f in through._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in ("pattern", "message"))
    with connection.cursor() as cursor:
        for chunk in _chunks(added):
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"  # noqa: S608 - names are ours
            cursor.executemany(sql, chunk)


def do_store_patterns(result: dict[str, list[dict]]) -> list[Pattern]:
    """Create or update Pattern rows (with members) for detected patterns and bursts.

    Returns one row per item, in the order of the result; a new row is audited.
    """
    items = list(result.get("patterns", [])) + [
        w for w in result.get("warnings", []) if w.get("kind") == "coordinated"
    ]
    by_key = {_pattern_key(item): item for item in items}  # the last of a key wins
    audit = AuditBuffer()
    with transaction.atomic():
        rows: dict[str, Pattern] = {}
        for chunk in _chunks(list(by_key)):
            rows.update((p.key, p) for p in Pattern.objects.filter(key__in=chunk))
        new = [Pattern(key=key) for key in by_key if key not in rows]
        for pattern in new:
            _fill(pattern, by_key[pattern.key])
        changed = []
        for pattern in rows.values():
            before = [getattr(pattern, name) for name in _FIELDS]
            _fill(pattern, by_key[pattern.key])
            if [getattr(pattern, name) for name in _FIELDS] != before:
                changed.append(pattern)
        now = timezone.now()
        for pattern in changed:
            pattern.updated_at = now
        Pattern.objects.bulk_update(changed, [*_FIELDS, "updated_at"], batch_size=100)
        Pattern.objects.bulk_create(new, batch_size=_BATCH)
        if any(p.pk is None for p in new):  # a database that returns no ids from bulk inserts
            found = Pattern.objects.filter(key__in=[p.key for p in new])
            pks = dict(found.values_list("key", "pk"))
            for pattern in new:
                pattern.pk = pks[pattern.key]
        rows.update((p.key, p) for p in new)
        ids_of = _message_ids(k for item in by_key.values() for k in item.get("messages", []))
        _set_members({
            rows[key].pk: {pk for k in item.get("messages", []) for pk in ids_of.get(k, [])}
            for key, item in by_key.items()
        })  # fmt: skip
        for pattern in new:
            audit.add(None, "pattern.detected", pattern, {"title": pattern.title[:200]})
        audit.flush()
    return [rows[_pattern_key(item)] for item in items]


def do_update_pattern(
    actor: Any, pattern: Pattern, *, status: str, owner_slug: str, what_we_did: str, share: bool
) -> Pattern:
    """Change a pattern's status, owner and note (audited)."""
    if status not in Pattern.Status.values:
        raise ActionError(f"unknown status {status!r}")
    owner = Team.objects.filter(slug=owner_slug).first() if owner_slug else None
    before = {"status": pattern.status, "owner": pattern.owner_id}
    pattern.status = status
    pattern.owner = owner
    pattern.what_we_did = what_we_did.strip()
    pattern.share_with_residents = share
    pattern.save(update_fields=["status", "owner", "what_we_did", "share_with_residents"])
    do_record_audit_event(
        actor,
        "pattern.updated",
        pattern,
        {"before": before, "status": status, "owner": owner.slug if owner else None},
    )
    return pattern
