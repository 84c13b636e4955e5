"""REST API tokens: created by admins, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.roles import has_capability
from nabij.models import ApiToken

SCOPES = ("ingest", "read")
TOKEN_PREFIX = "nbj_"  # noqa: S105 - a marker, not a secret
TOUCH_EVERY = dt.timedelta(minutes=1)  # write last_used_at at most this often


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def check_manage_tokens(user: Any) -> None:
    """Only people who manage users (admins) hand out API access."""
    if not has_capability(user, "manage_users"):
        raise PermissionDenied(_("je mag geen API-sleutels beheren"))


def do_create_api_token(
    actor: Any, name: str, *, user: Any = None, scopes: list[str] | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its one-time plain value."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ActionError(_("een sleutel heeft een naam van 1 tot 120 tekens nodig"))
    chosen = list(scopes) if scopes else list(SCOPES)
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ActionError(
            ngettext("onbekend recht: %(scopes)s", "onbekende rechten: %(scopes)s", len(unknown))
            % {"scopes": ", ".join(repr(s[:40]) for s in unknown[:10])}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            user=user or actor,
            prefix=raw[:12],
            token_hash=hash_token(raw),
            scopes=chosen,
        )
        do_record_audit_event(
            actor, "api_token.created", token, {"name": name, "scopes": chosen, "prefix": raw[:12]}
        )
    return token, raw


def do_revoke_api_token(actor: Any, token_id: int) -> ApiToken:
    """Revoke a token at once; requests with it are refused from now on."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise ActionError(_("sleutel niet gevonden"))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            do_record_audit_event(actor, "api_token.revoked", token, {"prefix": token.prefix})
    return token


def authenticate_token(raw: str | None) -> ApiToken | None:
    """The active token for a presented value, or None (unknown, malformed or revoked)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = hash_token(raw)
    token = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    # The lookup is by hash; the constant-time compare guards against any index quirk.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
