"""Instagram professional account: comments on its media and direct messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nabij.connectors.base import (
    JSON,
    InboundMessage,
    OutboundReply,
    ParseResult,
    PermanentError,
    Secret,
    SendResult,
    obj_at,
    str_or,
)
from nabij.connectors.meta.common import (
    MetaConnectorBase,
    WindowClosedError,
    graph_fields,
    parse_when,
    target_field,
    utc_from_epoch,
    within_window,
)
from nabij.connectors.meta.facebook import parse_page_payload

DM_WINDOW_HOURS = 24
COMMENT_FIELDS = {"comments", "live_comments"}


def comment_change_to_message(
    value: Mapping[str, Any], account_id: str, entry_time: Any
) -> InboundMessage | None:
    """A comment from a `comments` change; None for the account's own comments."""
    sender = obj_at(value, "from")
    sender_id, comment_id = str(sender.get("id") or ""), str(value.get("id") or "")
    if not sender_id or not comment_id:
        raise ValueError("comment without id or from.id")
    if sender_id == account_id or sender.get("self_ig_scoped_id") == account_id:
        return None
    media = obj_at(value, "media")
    media_id = str(media.get("id") or "")
    parent = str(value.get("parent_id") or "")
    username = str_or(sender.get("username"))
    return InboundMessage(
        channel="instagram",
        external_id=comment_id,
        author_handle=f"@{username}" if username else sender_id,
        author_name=username,
        text=str_or(value.get("text")),
        # The comments payload carries no creation time; the entry's send time is close.
        sent_at=utc_from_epoch(entry_time, millis=float(entry_time) > 1e11),
        in_reply_to=parent or media_id or None,
        thread_key=f"media:{media_id}" if media_id else f"comment:{comment_id}",
        public=True,
        raw=dict(value),
        reply_target={"kind": "comment", "object_id": comment_id, "reply_on": parent or comment_id},
    )


class InstagramConnector(MetaConnectorBase):
    """Instagram comments (public) and direct messages (private)."""

    kind = "instagram"
    label = "Instagram"
    can_reply_public = True
    can_reply_private = True
    can_hide = True
    has_threads = True
    config_schema = graph_fields("Instagram account ID")

    def parse(self, payload: JSON) -> ParseResult:
        """Parse an `instagram` webhook payload (comments and messaging events)."""
        return parse_page_payload(
            payload, "instagram", "instagram", COMMENT_FIELDS, comment_change_to_message
        )

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Reply under the comment, privately to the commenter, or in the DM thread."""
        target = reply.reply_target
        account = target_field(config, "account_id")
        if target.get("kind") == "comment" and not reply.private:
            body: dict[str, Any] = {"message": reply.text}
            path = f"{target_field(target, 'reply_on')}/replies"
        elif target.get("kind") == "comment":
            path = f"{account}/messages"
            body = {
                "recipient": {"comment_id": target_field(target, "object_id")},
                "message": {"text": reply.text},
            }
        elif target.get("kind") == "dm":
            last = reply.last_inbound_at or parse_when(target.get("sent_at"))
            if not within_window(last, self.clock(), DM_WINDOW_HOURS):
                raise WindowClosedError(
                    "Instagram allows a direct reply only within 24 hours of the resident's "
                    "last message; ask the resident to write again or use another channel"
                )
            path = f"{account}/messages"
            body = {
                "recipient": {"id": target_field(target, "recipient_id")},
                "message": {"text": reply.text},
            }
        else:
            raise PermanentError("reply target is not an Instagram comment or conversation")
        data = self.graph_post(config, secrets, http, path, body)
        new_id = str_or(data.get("id")) or str_or(data.get("message_id"))
        if not new_id:
            raise PermanentError("Graph API returned no id for the reply")
        return SendResult(new_id)

    def hide(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply_target: Mapping[str, JSON],
        http: Any,
    ) -> None:
        """Hide a comment on the account's media."""
        if reply_target.get("kind") != "comment":
            raise PermanentError("only comments can be hidden on Instagram")
        path = target_field(reply_target, "object_id")
        data = self.graph_post(config, secrets, http, path, {"hide": True})
        if data.get("success") is not True:
            raise PermanentError("Graph API did not confirm hiding the comment")
