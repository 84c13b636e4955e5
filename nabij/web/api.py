"""The REST API at /api/v1/ (Django Ninja): ingest messages, read messages and conversations.

Authentication is a bearer token (`Authorization: Bearer nbj_...`) created by an
admin; only its hash is stored. Scopes: `ingest` (POST) and `read` (GET). The OpenAPI
description is at /api/v1/openapi.json and a readable page at /api/v1/docs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from nabij.actions.apitokens import authenticate_token
from nabij.actions.channels import after_ingest, message_event
from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.models import ApiToken, Channel, Conversation, Message


class BearerToken(HttpBearer):
    """Accepts active tokens; the token row becomes `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        """Look the token up by its hash."""
        return authenticate_token(token)


class ReadableDocs(DocsBase):
    """A server-rendered page of the OpenAPI description: no CDN, no script, accessible."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """List every operation with its parameters, body fields and answers."""
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {"method": method.upper(), "path": path, **op}
            for path, methods in schema.get("paths", {}).items()
            for method, op in methods.items()
        ]
        components = schema.get("components", {}).get("schemas", {})
        return render(
            request,
            "nabij/channels_api_docs.html",
            {"api": schema.get("info", {}), "operations": operations, "components": components},
        )


api = NinjaAPI(
    title="Nabij API",
    version="1",
    description="Messages in, conversations out. Send `Authorization: Bearer <token>`.",
    urls_namespace="nabij-api",
    auth=BearerToken(),
    docs=ReadableDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _require(request: HttpRequest, scope: str) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    if not isinstance(token, ApiToken) or scope not in (token.scopes or []):
        raise HttpError(403, f"this token lacks the '{scope}' scope")
    return token


class Author(Schema):
    handle: str = Field(..., min_length=1, max_length=300, description="e-mail, account or id")
    name: str = Field("", max_length=200)


class MessageIn(Schema):
    external_id: str = Field(..., min_length=1, max_length=300, description="unique per channel")
    author: Author
    text: str = Field(..., min_length=1, max_length=20000)
    sent_at: dt.datetime
    channel: str = Field("api", max_length=60, description="code of an API channel")
    in_reply_to: str | None = Field(None, max_length=300)
    thread_key: str = Field("", max_length=300)
    subject: str = Field("", max_length=300)
    public: bool = False
    url: str = Field("", max_length=1000)


class MessageOut(Schema):
    id: int
    channel: str
    external_id: str | None
    conversation_id: int
    direction: str
    sent_at: dt.datetime
    public: bool
    text: str
    type: str = ""
    urgency: str = ""
    analysed: bool = False
    created: bool = False


class ConversationOut(Schema):
    id: int
    channel: str
    status: str
    subject: str
    preview: str
    type: str
    urgency: str
    message_count: int
    last_message_at: dt.datetime


class Problem(Schema):
    detail: str


def _message_out(message: Message, channel: Channel, created: bool = False) -> dict[str, Any]:
    return {
        **message_event(message, channel),
        "sent_at": message.sent_at,
        "type": message.type,
        "urgency": message.urgency,
        "analysed": message.analysed_at is not None,
        "created": created,
    }


def _api_channel(slug: str) -> Channel:
    if slug == "api":
        return get_or_create_channel("api", name="REST API")
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None or channel.kind != "api":
        raise HttpError(404, f"no API channel {slug!r}")
    return channel


@api.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut, 403: Problem, 404: Problem},
    summary="Ingest a message (idempotent on channel + external_id)",
)
def post_message(request: HttpRequest, payload: MessageIn) -> Status[dict[str, Any]]:
    """Store a message; sending the same external_id again returns the stored one (200)."""
    _require(request, "ingest")
    if payload.sent_at.tzinfo is None:
        raise HttpError(422, "sent_at needs a time zone (e.g. 2026-10-05T09:00:00+02:00)")
    channel = _api_channel(payload.channel)
    item = IngestItem(
        external_id=payload.external_id.replace("\x00", ""),
        author_handle=payload.author.handle.replace("\x00", ""),
        author_name=payload.author.name.replace("\x00", ""),
        text=payload.text.replace("\x00", ""),
        sent_at=payload.sent_at,
        in_reply_to=payload.in_reply_to or None,
        thread_key=payload.thread_key,
        subject=payload.subject,
        public=payload.public,
        url=payload.url if payload.url.startswith(("https://", "http://")) else "",
        raw={"source": "api", "token": request.auth.prefix},  # type: ignore[attr-defined]
    )
    with transaction.atomic():
        result = do_ingest_messages(channel, [item], source="api")[0]
        after_ingest(channel, [result])
    return Status(
        201 if result.created else 200, _message_out(result.message, channel, result.created)
    )


@api.get(
    "/messages/{channel}/{external_id}",
    response={200: MessageOut, 403: Problem, 404: Problem},
    summary="One message by channel code and external id",
)
def get_message(request: HttpRequest, channel: str, external_id: str) -> dict[str, Any]:
    """The stored message with its analysis summary."""
    _require(request, "read")
    message = (
        Message.objects.select_related("channel")
        .filter(channel__slug=channel, external_id=external_id)
        .first()
    )
    if message is None:
        raise HttpError(404, "message not found")
    return _message_out(message, message.channel)


class ConversationFilter(Schema):
    status: Literal["new", "open", "waiting", "closed"] | None = None
    channel: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100000)


@api.get(
    "/conversations",
    response={200: list[ConversationOut], 403: Problem},
    summary="Conversations, newest activity first",
)
def list_conversations(
    request: HttpRequest, filters: Query[ConversationFilter]
) -> list[dict[str, Any]]:
    """A page of conversations, optionally by status and channel code."""
    _require(request, "read")
    qs = Conversation.objects.select_related("channel").order_by("-last_message_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel__slug=filters.channel)
    return [
        {
            "id": c.pk,
            "channel": c.channel.slug,
            "status": c.status,
            "subject": c.subject,
            "preview": c.preview,
            "type": c.type,
            "urgency": c.urgency,
            "message_count": c.message_count,
            "last_message_at": c.last_message_at,
        }
        for c in qs[filters.offset : filters.offset + filters.limit]
    ]
