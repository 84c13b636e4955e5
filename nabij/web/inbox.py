"""The inbox query: filters, saved views, search and the default urgency/deadline order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nabij.dbfeatures.search import conversation_match_sql
from nabij.models import Conversation
from nabij.models.conversations import INBOX_ORDER

FILTER_KEYS = (
    "channel",
    "status",
    "type",
    "topic",
    "urgency",
    "assignee",
    "team",
    "deadline",
    "q",
    "view",
)
SAVED_VIEWS = {
    "mijn-werk": _("Mijn werk"),
    "noodkreten": _("Noodkreten"),
    "over-tijd": _("Over tijd"),
    "onverantwoorde-stilte": _("Onverantwoorde stilte"),
}
SOON = timedelta(hours=2)


@dataclass
class InboxQuery:
    """Parsed inbox parameters (all untrusted input, trimmed and bounded)."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_request(cls, params: Any) -> InboxQuery:
        """Read the filters from GET parameters."""
        values = {}
        for key in FILTER_KEYS:
            value = str(params.get(key, "")).strip()[: 200 if key == "q" else 60]
            if value:
                values[key] = value
        return cls(values)

    def querystring(self, **changes: str) -> str:
        """The query string for links (pagination, saved views)."""
        from urllib.parse import urlencode

        merged = {**self.values, **changes}
        return urlencode({k: v for k, v in merged.items() if v})


def inbox_queryset(query: InboxQuery, user: Any) -> QuerySet[Conversation]:
    """Conversations for the inbox, filtered and sorted by urgency, then deadline."""
    v = query.values
    now = timezone.now()
    qs = Conversation.objects.select_related("channel", "contact", "assignee", "team")
    view = v.get("view")
    if view == "mijn-werk":
        qs = qs.filter(assignee=user)
    elif view == "noodkreten":
        qs = qs.filter(type="noodkreet")
    elif view == "over-tijd":
        qs = qs.filter(first_response_due__lt=now, first_response_at__isnull=True)
    elif view == "onverantwoorde-stilte":
        qs = qs.filter(has_unaccounted=True)
    if "status" in v:
        qs = qs.filter(status=v["status"])
    elif view != "onverantwoorde-stilte":
        qs = qs.exclude(status=Conversation.Status.CLOSED)
    for key in ("type", "topic", "urgency"):
        if key in v:
            qs = qs.filter(**{key: v[key]})
    if "channel" in v:
        qs = qs.filter(channel__slug=v["channel"])
    if "team" in v:
        qs = qs.filter(team__slug=v["team"])
    if v.get("assignee") == "ik":
        qs = qs.filter(assignee=user)
    elif v.get("assignee") == "niemand":
        qs = qs.filter(assignee__isnull=True)
    elif v.get("assignee", "").isdigit():
        qs = qs.filter(assignee_id=int(v["assignee"]))
    deadline = v.get("deadline")
    if deadline == "verlopen":
        qs = qs.filter(first_response_due__lt=now, first_response_at__isnull=True)
    elif deadline == "binnenkort":
        qs = qs.filter(
            first_response_due__gte=now, first_response_due__lt=now + SOON, first_response_at=None
        )
    elif deadline == "geen":
        qs = qs.filter(first_response_due__isnull=True)
    if "q" in v:
        found = conversation_match_sql(v["q"], '"nabij_conversation"')
        if found is None:
            return qs.none()
        sql, params = found
        # The SQL comes from dbfeatures.search; the user's words are parameters.
        qs = qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    # The same order as the partial indexes of open conversations (models/conversations.py).
    return qs.order_by(*INBOX_ORDER)


def deadline_state(conv: Conversation, now: Any) -> str:
    """'verlopen', 'binnenkort', 'ok' or '' for the badge next to a conversation."""
    due = conv.first_response_due
    if due is None or conv.first_response_at is not None:
        return ""
    if due < now:
        return "verlopen"
    if due < now + SOON:
        return "binnenkort"
    return "ok"
