"""Owning a pattern: status, owner team and the 'what we did' note for residents."""

from __future__ import annotations

from typing import Any

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError
from nabij.models import Pattern, Team


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
