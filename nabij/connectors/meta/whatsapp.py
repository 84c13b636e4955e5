"""WhatsApp Cloud API: incoming messages by webhook, replies within the 24-hour window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nabij.connectors.base import (
    JSON,
    Attachment,
    InboundMessage,
    OutboundReply,
    ParseResult,
    PermanentError,
    RowError,
    Secret,
    SendResult,
    obj_at,
    str_or,
)
from nabij.connectors.meta.common import (
    MetaConnectorBase,
    WindowClosedError,
    dict_items,
    entries,
    graph_fields,
    parse_when,
    target_field,
    utc_from_epoch,
    within_window,
)

WINDOW_HOURS = 24
MEDIA_TYPES = {"image", "video", "audio", "document", "sticker"}
SKIPPED_TYPES = {"reaction", "system", "unsupported", "ephemeral"}
WINDOW_CLOSED = (
    "WhatsApp allows a free-form reply only within 24 hours of the resident's last "
    "message. Outside that window only an approved template message may be sent "
    "(send_template); the resident's next message opens a new window."
)


def _text_of(message: Mapping[str, Any]) -> tuple[str, tuple[Attachment, ...]]:
    kind = str_or(message.get("type"))
    part = obj_at(message, kind)
    if kind == "text":
        return str_or(part.get("body")), ()
    if kind in MEDIA_TYPES:
        name = str_or(part.get("filename")) or f"{kind}-{part.get('id', '')}"
        media = Attachment(
            name,
            str_or(part.get("mime_type"), kind),
            0,
            f"whatsapp-media:{part.get('id', '')}",
            False,
        )
        return str_or(part.get("caption")), (media,)
    if kind == "location":
        label = " ".join(str_or(part.get(k)) for k in ("name", "address")).strip()
        return f"[locatie] {label} ({part.get('latitude')}, {part.get('longitude')})".strip(), ()
    if kind == "button":
        return str_or(part.get("text")), ()
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str_or(reply.get("title")) if isinstance(reply, dict) else "", ()
    return "", ()


def wa_message_to_message(
    message: Mapping[str, Any], names: Mapping[str, str], phone_number_id: str
) -> InboundMessage | None:
    """Normalise one entry of `value.messages`; None for reactions and system notices."""
    kind = str_or(message.get("type"))
    if kind in SKIPPED_TYPES:
        return None
    sender, wamid = str_or(message.get("from")), str_or(message.get("id"))
    if not sender or not wamid:
        raise ValueError("message without from or id")
    text, attachments = _text_of(message)
    sent_at = utc_from_epoch(message["timestamp"])
    context = obj_at(message, "context")
    return InboundMessage(
        channel="whatsapp",
        external_id=wamid,
        author_handle=f"+{sender.lstrip('+')}",
        author_name=names.get(sender, ""),
        text=text,
        sent_at=sent_at,
        in_reply_to=str_or(context.get("id")) or None,
        thread_key=f"wa:{sender}",
        public=False,
        attachments=attachments,
        raw=dict(message),
        reply_target={
            "to": sender,
            "message_id": wamid,
            "phone_number_id": phone_number_id,
            "sent_at": sent_at.isoformat(),
        },
    )


class WhatsAppConnector(MetaConnectorBase):
    """WhatsApp Business (Cloud API): private conversations only."""

    kind = "whatsapp"
    label = "WhatsApp"
    can_reply_private = True
    has_threads = True
    config_schema = graph_fields("Phone number ID")

    def parse(self, payload: JSON) -> ParseResult:
        """Parse a `whatsapp_business_account` webhook; delivery statuses are skipped."""
        messages, errors = [], []
        for index, entry in entries(payload, "whatsapp_business_account"):
            for change in dict_items(entry.get("changes")):
                value = change.get("value")
                if change.get("field") != "messages" or not isinstance(value, dict):
                    continue
                meta = obj_at(value, "metadata")
                names = {
                    str_or(c.get("wa_id")): str_or((c.get("profile") or {}).get("name"))
                    for c in dict_items(value.get("contacts"))
                    if isinstance(c.get("profile") or {}, dict)
                }
                for message in dict_items(value.get("messages")):
                    try:
                        msg = wa_message_to_message(
                            message, names, str_or(meta.get("phone_number_id"))
                        )
                    except (KeyError, ValueError, TypeError) as exc:
                        errors.append(RowError(index, f"unusable message: {exc}"))
                        continue
                    if msg:
                        messages.append(msg)
        return ParseResult(tuple(messages), tuple(errors))

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Send a text reply quoting the message; refused outside the 24-hour window."""
        target = reply.reply_target
        last = reply.last_inbound_at or parse_when(target.get("sent_at"))
        if not within_window(last, self.clock(), WINDOW_HOURS):
            raise WindowClosedError(WINDOW_CLOSED)
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": target_field(target, "to"),
            "type": "text",
            "text": {"body": reply.text, "preview_url": False},
            "context": {"message_id": target_field(target, "message_id")},
        }
        return self._post_message(config, secrets, http, body)

    def send_template(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        to: str,
        template: str,
        language: str,
        parameters: Sequence[str],
        http: Any,
    ) -> SendResult:
        """Send an approved template message, the only kind allowed outside the window."""
        values = [{"type": "text", "text": p} for p in parameters]
        components = [{"type": "body", "parameters": values}]
        body = {
            "messaging_product": "whatsapp",
            "to": to,
            "type": "template",
            "template": {
                "name": template,
                "language": {"code": language},
                "components": components if parameters else [],
            },
        }
        return self._post_message(config, secrets, http, body)

    def _post_message(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        http: Any,
        body: dict[str, Any],
    ) -> SendResult:
        path = f"{target_field(config, 'account_id')}/messages"
        data = self.graph_post(config, secrets, http, path, body)
        sent = dict_items(data.get("messages"))
        if not sent or not str_or(sent[0].get("id")):
            raise PermanentError("Cloud API returned no message id")
        return SendResult(str_or(sent[0].get("id")))
