"""Channel pages for coordinators: health, configuration, poll now, file upload, API tokens."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nabij.actions.apitokens import check_manage_tokens, do_create_api_token, do_revoke_api_token
from nabij.actions.audit import do_record_audit_event
from nabij.actions.channel_health import channel_health
from nabij.actions.channels import (
    access_channel,
    connector_for,
    do_configure_channel,
)
from nabij.actions.delivery import do_retry_reply
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.fileimports import do_import_file
from nabij.actions.roles import has_capability
from nabij.actions.webhooks import (
    EVENTS,
    do_create_webhook_subscription,
    do_deactivate_webhook_subscription,
)
from nabij.connectors.base import ConfigField, Connector
from nabij.connectors.registry import UnknownConnector, all_connectors, get_connector
from nabij.models import ApiToken, Channel, Reply, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_FORMATS = (".csv", ".json", ".jsonl", ".ndjson", ".xlsx")


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise DjangoPermissionDenied


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    """Every channel with its health, and the kinds that can be added."""
    _require(request, "manage_channels")
    channels = list(Channel.objects.order_by("name"))
    return render(
        request,
        "nabij/channels_list.html",
        {"health": channel_health(channels), "connectors": all_connectors()},
    )


def _field_rows(
    connector: Connector, values: dict[str, Any], stored_secrets: set[str]
) -> list[dict[str, Any]]:
    """What the form shows per setting; secret values are never put into the page."""
    rows = []
    for f in connector.config_schema:
        value = values.get(f.name, f.default)
        if f.kind in ("list", "object") and not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False, indent=2) if value is not None else ""
        rows.append(
            {
                "field": f,
                "input": _input_type(f),
                "value": "" if f.secret else ("" if value is None else value),
                "stored": f.secret and f.name in stored_secrets,
            }
        )
    return rows


def _input_type(f: ConfigField) -> str:
    if f.secret:
        return "password"
    return {"int": "number", "bool": "checkbox", "url": "url", "list": "textarea",
            "object": "textarea"}.get(f.kind, "text")  # fmt: skip


def _configure(request: HttpRequest, connector: Connector, channel: Channel | None) -> HttpResponse:
    stored = set(channel.secrets.values_list("name", flat=True)) if channel else set()
    values: dict[str, Any] = dict(channel.config) if channel else {}
    slug, name = (channel.slug, channel.name) if channel else ("", "")
    enabled = channel.enabled if channel else True
    status = 200
    if request.method == "POST":
        schema = connector.config_schema
        values = {f.name: request.POST.get(f.name, "") for f in schema if not f.secret}
        for f in schema:
            if f.kind == "bool":
                values[f.name] = "on" if request.POST.get(f.name) else "off"
        secrets = {f.name: request.POST.get(f.name, "") for f in schema if f.secret}
        slug, name = request.POST.get("slug", ""), request.POST.get("name", "")
        enabled = bool(request.POST.get("enabled"))
        try:
            with transaction.atomic():
                saved = do_configure_channel(
                    request.user, kind=connector.kind, slug=slug, name=name, config=values,
                    secrets=secrets, enabled=enabled, channel=channel,
                )  # fmt: skip
        except ActionError as exc:
            flash.error(request, _("Niet opgeslagen: %(reason)s") % {"reason": exc})
            status = 400
        else:
            flash.success(request, _("Kanaal %(name)s opgeslagen.") % {"name": saved.name})
            return redirect("channel_list")
    context = {
        "connector": connector,
        "channel": channel,
        "slug": slug,
        "name": name,
        "enabled": enabled,
        "rows": _field_rows(connector, values, stored),
    }
    return render(request, "nabij/channels_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def channel_new(request: HttpRequest, kind: str) -> HttpResponse:
    """Add a channel of a registered kind."""
    _require(request, "manage_channels")
    try:
        connector = get_connector(kind)
    except UnknownConnector:
        raise Http404 from None
    return _configure(request, connector, None)


def _channel(request: HttpRequest, channel_id: int) -> Channel:
    try:
        return access_channel(request.user, channel_id)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ActionError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Change a channel's settings; empty secret fields keep the stored secret."""
    channel = _channel(request, channel_id)
    connector = connector_for(channel)
    if connector is None:
        flash.error(request, _("Dit kanaal heeft geen instellingen."))
        return redirect("channel_list")
    return _configure(request, connector, channel)


@login_required
@require_POST
def channel_poll(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Queue a poll of the channel now (the worker does the fetching)."""
    from nabij.tasks.channels import poll_channel

    channel = _channel(request, channel_id)
    connector = connector_for(channel)
    if connector is None or connector.inbound != "pull":
        flash.error(request, _("Dit kanaal wordt niet opgehaald."))
        return redirect("channel_list")
    do_record_audit_event(request.user, "channel.poll_requested", channel, {"slug": channel.slug})
    try:
        poll_channel.enqueue(channel.pk)
    except Exception:
        logger.exception("could not queue a poll of %s", channel.slug)
        flash.error(request, _("Ophalen kon niet worden ingepland."))
    else:
        flash.success(request, _("Ophalen van %(name)s is ingepland.") % {"name": channel.name})
    return redirect("channel_list")


def _save_upload(upload: Any) -> Path:
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in UPLOAD_FORMATS:
        raise ActionError(_("kies een CSV-, JSON-, JSONL- of XLSX-bestand"))
    if upload.size > MAX_UPLOAD:
        raise ActionError(_("het bestand is groter dan 20 MB; gebruik 'nabij import-file'"))
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return Path(out.name)


@login_required
@require_http_methods(["GET", "POST"])
def channel_import(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Upload an export and import it with the channel's saved column mapping."""
    channel = _channel(request, channel_id)
    if channel.kind != "import":
        raise Http404
    report, status = None, 200
    if request.method == "POST":
        path = None
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise ActionError(_("kies een bestand"))
            path = _save_upload(upload)
            report = do_import_file(request.user, channel, path)
        except ActionError as exc:
            flash.error(request, _("Niet geïmporteerd: %(reason)s") % {"reason": exc})
            status = 400
        finally:
            if path is not None:
                path.unlink(missing_ok=True)
    return render(
        request, "nabij/channels_import.html", {"channel": channel, "report": report}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List API tokens and create one; a new token is shown once, never again."""
    try:
        check_manage_tokens(request.user)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    new_token, status = "", 200
    if request.method == "POST":
        scopes = [s for s in ("ingest", "read") if request.POST.get(f"scope_{s}")]
        try:
            with transaction.atomic():
                _, new_token = do_create_api_token(
                    request.user, request.POST.get("name", ""), scopes=scopes or None
                )
        except ActionError as exc:
            flash.error(request, _("Niet aangemaakt: %(reason)s") % {"reason": exc})
            status = 400
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")
    response = render(
        request,
        "nabij/channels_tokens.html",
        {"tokens": tokens, "new_token": new_token},
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the one-time token must not sit in a cache
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke a token."""
    try:
        check_manage_tokens(request.user)
        with transaction.atomic():
            token = do_revoke_api_token(request.user, token_id)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ActionError:
        raise Http404 from None
    flash.success(request, _("Sleutel %(name)s ingetrokken.") % {"name": token.name})
    return redirect("api_tokens")


@login_required
@require_POST
def reply_retry(request: HttpRequest, reply_id: int) -> HttpResponse:
    """Put a failed reply back in the queue (the agent's 'try again')."""
    _require(request, "send_replies")
    reply = Reply.objects.select_related("message").filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    with transaction.atomic():
        reply = do_retry_reply(request.user, reply)
    if reply.state == Reply.State.FAILED:
        flash.error(request, _("Dit antwoord kon niet opnieuw worden ingepland."))
    else:
        flash.success(request, _("Het antwoord wordt opnieuw verstuurd."))
    return redirect("conversation", conversation_id=reply.message.conversation_id)


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    """Outgoing webhooks: subscribe a URL to events; its signing secret is shown once."""
    _require(request, "manage_channels")
    new_secret, status = "", 200
    if request.method == "POST":
        events = [e for e in EVENTS if request.POST.get(f"event_{e}")]
        try:
            with transaction.atomic():
                sub = do_create_webhook_subscription(
                    request.user, request.POST.get("url", "").strip(), events
                )
            new_secret = sub.secret
        except ActionError as exc:
            flash.error(request, _("Niet aangemaakt: %(reason)s") % {"reason": exc})
            status = 400
    subs = list(WebhookSubscription.objects.order_by("-created_at"))
    counts: dict[tuple[int, str], int] = {}
    for row in WebhookDelivery.objects.values("subscription_id", "state").annotate(n=Count("pk")):
        counts[(row["subscription_id"], row["state"])] = row["n"]
    rows = [
        {
            "sub": s,
            "delivered": counts.get((s.pk, "delivered"), 0),
            "waiting": counts.get((s.pk, "queued"), 0) + counts.get((s.pk, "sending"), 0),
            "failed": counts.get((s.pk, "failed"), 0),
        }
        for s in subs
    ]
    response = render(
        request,
        "nabij/channels_webhooks.html",
        {"rows": rows, "events": EVENTS, "new_secret": new_secret},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def webhook_deactivate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Switch a webhook off."""
    _require(request, "manage_channels")
    try:
        with transaction.atomic():
            do_deactivate_webhook_subscription(request.user, subscription_id)
    except ActionError:
        raise Http404 from None
    flash.success(request, _("Webhook uitgezet."))
    return redirect("webhooks")
