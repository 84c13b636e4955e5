"""Facebook page: public comments on the page's posts (feed webhook) and Messenger."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nabij.connectors.base import (
    JSON,
    ConfigField,
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
    message_attachments,
    parse_when,
    target_field,
    utc_from_epoch,
    within_window,
)

MESSENGER_WINDOW_HOURS = 24
HUMAN_AGENT_WINDOW_HOURS = 24 * 7  # the HUMAN_AGENT tag, when Meta approved it for the app
POST_ITEMS = {"comment", "status", "post", "photo", "video"}


def feed_change_to_message(
    value: Mapping[str, Any], page_id: str, entry_time: Any = None
) -> InboundMessage | None:
    """A comment or visitor post from a `feed` change; None for likes, edits and our own."""
    if value.get("verb") != "add" or str_or(value.get("item")) not in POST_ITEMS:
        return None
    sender = obj_at(value, "from")
    sender_id = str(sender.get("id") or value.get("sender_id") or "")
    if not sender_id or sender_id == page_id:
        return None  # the page's own replies come back through the webhook too
    is_comment = value.get("item") == "comment"
    post_id = str(value.get("post_id") or "")
    external_id = str(value.get("comment_id") or "") if is_comment else post_id
    if not external_id or not post_id:
        raise ValueError("feed change without comment_id/post_id")
    parent = str(value.get("parent_id") or "") or post_id
    return InboundMessage(
        channel="facebook",
        external_id=external_id,
        author_handle=sender_id,
        author_name=str_or(sender.get("name")) or str_or(value.get("sender_name")),
        text=str_or(value.get("message")),
        sent_at=utc_from_epoch(value["created_time"]),
        in_reply_to=parent if is_comment else None,
        thread_key=post_id,
        public=True,
        url=f"https://www.facebook.com/{post_id}"
        + (f"?comment_id={external_id.split('_')[-1]}" if is_comment else ""),
        raw=dict(value),
        reply_target={
            "kind": "comment" if is_comment else "post",
            "object_id": external_id,
            # Facebook nests replies only one level deep: answer on the top comment.
            "reply_on": parent if is_comment and parent != post_id else external_id,
        },
    )


def messaging_to_message(event: Mapping[str, Any], channel: str) -> InboundMessage | None:
    """A Messenger / Instagram direct message; None for echoes, reads and deliveries."""
    message = event.get("message")
    if not isinstance(message, dict) or message.get("is_echo") or message.get("is_deleted"):
        return None
    sender = obj_at(event, "sender")
    sender_id, mid = str(sender.get("id") or ""), str_or(message.get("mid"))
    if not sender_id or not mid:
        raise ValueError("message without sender or mid")
    sent_at = utc_from_epoch(event["timestamp"], millis=True)
    reply_to = obj_at(message, "reply_to")
    return InboundMessage(
        channel=channel,
        external_id=mid,
        author_handle=sender_id,
        author_name="",
        text=str_or(message.get("text")),
        sent_at=sent_at,
        in_reply_to=str_or(reply_to.get("mid")) or None,
        thread_key=f"dm:{sender_id}",
        public=False,
        attachments=message_attachments(message),
        raw=dict(event),
        reply_target={"kind": "dm", "recipient_id": sender_id, "sent_at": sent_at.isoformat()},
    )


ChangeParser = Callable[[Mapping[str, Any], str, Any], InboundMessage | None]


def parse_page_payload(
    payload: JSON, obj: str, channel: str, fields: set[str], parse_change: ChangeParser
) -> ParseResult:
    """Walk a page/instagram webhook: `changes` of the given fields and `messaging` events."""
    messages, errors = [], []
    for index, entry in entries(payload, obj):
        account_id = str(entry.get("id") or "")
        for change in dict_items(entry.get("changes")):
            value = change.get("value")
            if str_or(change.get("field")) not in fields or not isinstance(value, dict):
                continue
            try:
                msg = parse_change(value, account_id, entry.get("time"))
            except (KeyError, ValueError, TypeError) as exc:
                errors.append(RowError(index, f"unusable change: {exc}"))
                continue
            if msg:
                messages.append(msg)
        for event in dict_items(entry.get("messaging")):
            try:
                msg = messaging_to_message(event, channel)
            except (KeyError, ValueError, TypeError) as exc:
                errors.append(RowError(index, f"unusable message: {exc}"))
                continue
            if msg:
                messages.append(msg)
    return ParseResult(tuple(messages), tuple(errors))


class FacebookConnector(MetaConnectorBase):
    """A Facebook page: comments (public) and Messenger conversations (private)."""

    kind = "facebook"
    label = "Facebook (pagina en Messenger)"
    can_reply_public = True
    can_reply_private = True
    can_hide = True
    has_threads = True
    config_schema = (
        *graph_fields("Page ID"),
        ConfigField(
            "human_agent_tag",
            "HUMAN_AGENT tag approved",
            kind="bool",
            required=False,
            default=False,
            help="lets Messenger replies go out up to 7 days after the last message",
        ),
    )

    def parse(self, payload: JSON) -> ParseResult:
        """Parse a page webhook payload (feed changes and Messenger events)."""
        return parse_page_payload(payload, "page", "facebook", {"feed"}, feed_change_to_message)

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Comment under the comment, reply privately to it, or answer in Messenger."""
        target = reply.reply_target
        kind = target.get("kind")
        page = target_field(config, "account_id")
        if kind in ("comment", "post") and not reply.private:
            body: dict[str, Any] = {"message": reply.text}
            path = f"{target_field(target, 'reply_on')}/comments"
        elif kind in ("comment", "post"):
            # A "private reply": one Messenger message to the commenter, within 7 days.
            recipient = {"comment_id": target_field(target, "object_id")}
            path, body = (
                f"{page}/messages",
                {"recipient": recipient, "message": {"text": reply.text}},
            )
        elif kind == "dm":
            path, body = (
                f"{page}/messages",
                self._dm_body(reply, config.get("human_agent_tag") is True),
            )
        else:
            raise PermanentError("reply target is not a Facebook comment or conversation")
        data = self.graph_post(config, secrets, http, path, body)
        new_id = str_or(data.get("id")) or str_or(data.get("message_id"))
        if not new_id:
            raise PermanentError("Graph API returned no id for the reply")
        return SendResult(new_id)

    def _dm_body(self, reply: OutboundReply, human_agent_tag: bool) -> dict[str, Any]:
        last = reply.last_inbound_at or parse_when(reply.reply_target.get("sent_at"))
        now = self.clock()
        body: dict[str, Any] = {
            "recipient": {"id": target_field(reply.reply_target, "recipient_id")},
            "message": {"text": reply.text},
            "messaging_type": "RESPONSE",
        }
        if within_window(last, now, MESSENGER_WINDOW_HOURS):
            return body
        if human_agent_tag and within_window(last, now, HUMAN_AGENT_WINDOW_HOURS):
            return {**body, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        raise WindowClosedError(
            "Messenger allows a reply only within 24 hours of the resident's last message "
            "(7 days with the approved HUMAN_AGENT tag); ask the resident to write again "
            "or answer through another channel"
        )

    def hide(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply_target: Mapping[str, JSON],
        http: Any,
    ) -> None:
        """Hide a comment: it stays visible to its author and friends only."""
        if reply_target.get("kind") != "comment":
            raise PermanentError("only comments can be hidden on Facebook")
        data = self.graph_post(
            config, secrets, http, target_field(reply_target, "object_id"), {"is_hidden": True}
        )
        if data.get("success") is not True:
            raise PermanentError("Graph API did not confirm hiding the comment")
