"""Protocol versions: drafts, publishing, roll-back — every step audited."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.roles import has_capability
from nabij.models import ProtocolVersion
from nabij.protocol import Protocol, ProtocolInvalid, default_protocol_text, load_protocol

_compiled: dict[str, Protocol] = {}


def compiled(version: ProtocolVersion) -> Protocol:
    """The parsed protocol of a stored version (cached by checksum)."""
    protocol = _compiled.get(version.checksum)
    if protocol is None:
        protocol = load_protocol(version.source, f"protocol {version.version}")
        _compiled[version.checksum] = protocol
    return protocol


def published_version() -> ProtocolVersion:
    """The published protocol version; the shipped default is published on first use."""
    version = ProtocolVersion.objects.filter(status=ProtocolVersion.Status.PUBLISHED).first()
    if version is None:
        with transaction.atomic():
            version = do_save_draft(None, default_protocol_text(), notes="standaardprotocol")
            do_publish(None, version)
    return version


def check_protocol_source(source: str) -> Protocol:
    """Validate YAML text; ActionError lists every problem with line and column."""
    if len(source) > 500_000:
        raise ActionError(_("Het protocol is groter dan 500 kB."))
    try:
        return load_protocol(source, "protocol")
    except ProtocolInvalid as exc:
        raise ActionError("\n".join(str(issue) for issue in exc.issues)) from None


def do_save_draft(user: Any, source: str, *, notes: str = "") -> ProtocolVersion:
    """Store a validated protocol text as a draft version."""
    if user is not None and not has_capability(user, "manage_protocol"):
        raise PermissionDenied(_("je mag het protocol niet bewerken"))
    protocol = check_protocol_source(source)
    checksum = hashlib.sha256(source.encode("utf-8")).hexdigest()
    label = protocol.version or "1"
    version_label = label
    n = 1
    while ProtocolVersion.objects.filter(version=version_label).exists():
        n += 1
        version_label = f"{label}-{n}"
    version = ProtocolVersion.objects.create(
        version=version_label,
        name=protocol.name[:200],
        source=source,
        checksum=checksum,
        notes=notes,
        created_by=user,
    )
    do_record_audit_event(
        user, "protocol.draft_saved", version, {"version": version_label, "checksum": checksum}
    )
    return version


def do_publish(user: Any, version: ProtocolVersion) -> ProtocolVersion:
    """Publish a version (a draft, or an older one: that is a roll-back)."""
    if user is not None and not has_capability(user, "publish_protocol"):
        raise PermissionDenied(_("je mag het protocol niet publiceren"))
    check_protocol_source(version.source)
    previous = list(
        ProtocolVersion.objects.select_for_update().filter(status=ProtocolVersion.Status.PUBLISHED)
    )
    for old in previous:
        old.status = ProtocolVersion.Status.RETIRED
        old.save(update_fields=["status"])
    rollback = version.status == ProtocolVersion.Status.RETIRED
    version.status = ProtocolVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user
    version.save(update_fields=["status", "published_at", "published_by"])
    do_record_audit_event(
        user,
        "protocol.rolled_back" if rollback else "protocol.published",
        version,
        {
            "version": version.version,
            "checksum": version.checksum,
            "replaces": [v.version for v in previous],
        },
    )
    return version
