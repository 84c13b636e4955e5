"""Inbound webhook endpoints: verify, keep the raw payload, answer at once.

Parsing happens in a task (`process_payload`), so a platform never waits for our
analysis and a parser problem never loses a payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from nabij.actions.channels import channel_secrets, connector_for, do_store_payload
from nabij.connectors.base import Secret
from nabij.models import Channel

META_KINDS = ("facebook", "instagram", "whatsapp")


@runtime_checkable
class SignedPush(Protocol):
    """What a push connector offers beyond the base contract: request verification."""

    def verify_request(
        self, body: bytes, headers: Mapping[str, str], secrets: Mapping[str, Secret]
    ) -> bool:
        """True when the request is signed by the platform."""
        ...


@runtime_checkable
class SubscriptionHandshake(Protocol):
    """Platforms (Meta) that confirm a webhook subscription with a GET challenge."""

    def verify_subscription(
        self, params: Mapping[str, str], secrets: Mapping[str, Secret]
    ) -> str | None:
        """The challenge to echo, or None to refuse."""
        ...


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _receive(request: HttpRequest, channel: Channel | None) -> HttpResponse:
    if channel is None or not channel.enabled:
        return HttpResponseNotFound("unknown channel", content_type="text/plain")
    connector = connector_for(channel)
    if connector is None or connector.inbound != "push":
        return HttpResponseNotFound("this channel does not receive webhooks")
    secrets = channel_secrets(channel)
    if request.method == "GET":
        if not isinstance(connector, SubscriptionHandshake):
            return HttpResponseBadRequest("no handshake for this channel")
        params = {k: str(v) for k, v in request.GET.items()}
        challenge = connector.verify_subscription(params, secrets)
        return _plain(challenge) if challenge is not None else HttpResponseForbidden()
    try:
        body = request.body
    except RequestDataTooBig:
        return _plain("payload too large", 413)
    # A push connector without a way to check signatures gets nothing in: unsigned
    # payloads could be forged by anyone who knows the URL.
    headers: dict[str, Any] = dict(request.headers)
    if not isinstance(connector, SignedPush) or not connector.verify_request(
        body, headers, secrets
    ):
        return HttpResponseForbidden("invalid signature", content_type="text/plain")
    with transaction.atomic():
        do_store_payload(channel, body, headers)
    return _plain("ok")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_hook(request: HttpRequest, slug: str) -> HttpResponse:
    """Meta (Facebook, Instagram, WhatsApp): GET handshake, POST signed events."""
    channel = Channel.objects.filter(slug=slug, kind__in=META_KINDS).first()
    return _receive(request, channel)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def push_hook(request: HttpRequest, slug: str) -> HttpResponse:
    """Any other push connector that can verify its requests."""
    return _receive(request, Channel.objects.filter(slug=slug).first())
