"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from nabij.dbfeatures.bulk import insert_rows
from nabij.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(
    prev_hash: str,
    seq: int,
    created_at: datetime,
    actor_label: str,
    verb: str,
    object_type: str,
    object_id: str,
    data: Any,
) -> str:
    """The SHA-256 over an event's fields and its predecessor's hash."""
    body = _canonical(
        [prev_hash, seq, created_at.isoformat(), actor_label, verb, object_type, object_id, data]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "systeem"
    return f"user:{actor.pk}:{actor.get_username()}"


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


class AuditBuffer:
    """Collects events inside one transaction and appends them to the chain at once."""

    def __init__(self) -> None:
        self.pending: list[tuple[Any, str, str, str, dict[str, Any], datetime]] = []

    def add(
        self, actor: Any, verb: str, obj: Model | tuple[str, str], data: dict[str, Any]
    ) -> None:
        """Queue one event; written by `flush`."""
        if isinstance(obj, tuple):
            object_type, object_id = obj
        else:
            object_type, object_id = obj._meta.model_name or "object", str(obj.pk)
        self.pending.append((actor, verb, object_type, object_id, data, timezone.now()))

    def flush(self) -> None:
        """Append the queued events to the chain, atomically with the chain's head."""
        if not self.pending:
            return
        # Joins the caller's transaction when there is one (a savepoint), so an action
        # called outside a transaction still locks and moves the head in one step.
        with transaction.atomic():
            self._append()

    def _append(self) -> None:
        head = _lock_head()
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for actor, verb, object_type, object_id, data, created_at in self.pending:
            seq += 1
            label = _actor_label(actor)
            digest = compute_hash(prev, seq, created_at, label, verb, object_type, object_id, data)
            rows.append(
                AuditEvent(
                    seq=seq,
                    created_at=created_at,
                    actor=actor if actor is not None and actor.pk else None,
                    actor_label=label,
                    verb=verb,
                    object_type=object_type,
                    object_id=object_id,
                    data=json.loads(_canonical(data)),
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        insert_rows(AuditEvent, rows)
        AuditHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev)
        self.pending.clear()


def do_record_audit_event(
    actor: Any, verb: str, obj: Model | tuple[str, str], data: dict[str, Any] | None = None
) -> None:
    """Append one event to the audit chain, in the caller's transaction."""
    buffer = AuditBuffer()
    buffer.add(actor, verb, obj, data or {})
    buffer.flush()


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify_audit_chain`."""

    ok: bool
    checked: int
    problem_seq: int | None = None
    problem: str = ""


def verify_audit_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain and report the first edited, inserted or missing event."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seen = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seen).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(
                    False, checked, expected_seq, f"event #{expected_seq} is missing (deleted)"
                )
            if event.prev_hash != prev_hash:
                return VerifyResult(
                    False,
                    checked,
                    event.seq,
                    f"event #{event.seq} does not link to its predecessor",
                )
            digest = compute_hash(
                event.prev_hash,
                event.seq,
                event.created_at,
                event.actor_label,
                event.verb,
                event.object_type,
                event.object_id,
                event.data,
            )
            if digest != event.hash:
                return VerifyResult(
                    False, checked, event.seq, f"event #{event.seq} was altered (hash mismatch)"
                )
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
            last_seen = event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        missing = checked + 1
        return VerifyResult(
            False, checked, missing, f"event #{missing} is missing (the chain ends early)"
        )
    return VerifyResult(True, checked)
