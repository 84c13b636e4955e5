"""Decisions: the protocol's recommendation, and a person's confirmation or override."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import AuditBuffer
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.protocols import compiled, published_version
from nabij.actions.roles import ROLE_COORDINATOR, has_capability, people_in_roles
from nabij.businesstime import add_business_hours, is_open
from nabij.models import (
    Action,
    Contact,
    Conversation,
    Decision,
    Message,
    MessageAnalysis,
    ModerationStatement,
    Organisation,
)
from nabij.protocol import evaluate, statement_of_reasons

# When the protocol sets no deadline, a person must still account for the message.
DEFAULT_ACCOUNT_HOURS = 40.0
HISTORY_DAYS = 30
MAX_JUSTIFICATION = 2000


def build_context(message: Message, org: Organisation, office: Any) -> dict[str, Any]:
    """The protocol's context facts for one message (docs/interfaces.md)."""
    since = message.sent_at - timedelta(days=HISTORY_DAYS)
    recent = 0
    contact: Contact | None = message.contact
    if contact is not None:
        recent = Message.objects.filter(
            contact=contact, direction="inbound", sent_at__gte=since, sent_at__lte=message.sent_at
        ).count()
    earlier = Message.objects.filter(
        conversation_id=message.conversation_id, sent_at__lt=message.sent_at
    ).aggregate(
        inbound=Count("pk", filter=Q(direction="inbound")),
        outbound=Count("pk", filter=Q(direction="outbound")),
    )
    return {
        "channel": message.channel.kind,
        "public": message.public,
        "first_message": not earlier["inbound"],
        "author_messages_recent": recent,
        "author_recent_days": HISTORY_DAYS,
        "author_hidden_count": contact.hidden_count if contact else 0,
        "author_flagged_abuser": bool(contact and contact.flagged_abuser),
        "conversation_has_reply": bool(earlier["outbound"]),
        "office_hours": is_open(message.sent_at, office),
        "crisis_mode": org.crisis_mode,
    }


def _deadline(start: datetime, hours: float | None, office: Any) -> datetime:
    return add_business_hours(start, DEFAULT_ACCOUNT_HOURS if hours is None else hours, office)


def do_recommend_decisions(messages: Sequence[Message], *, actor: Any = None) -> list[Decision]:
    """Evaluate the published protocol for analysed inbound messages; store the advice."""
    version = published_version()
    protocol = compiled(version)
    org = Organisation.current()
    office = org.office()
    ids = [m.pk for m in messages if m.direction == "inbound"]
    analyses = {
        a.message_id: a.data
        for a in MessageAnalysis.objects.filter(message_id__in=ids, current=True).only(
            "message_id", "data"
        )
    }
    rows = Message.objects.filter(pk__in=ids).select_related("channel", "contact")
    audit = AuditBuffer()
    decisions: list[Decision] = []
    touched: dict[int, tuple[Message, Decision]] = {}
    for message in rows:
        analysis = analyses.get(message.pk)
        if analysis is None:
            continue
        context = build_context(message, org, office)
        ev = evaluate(protocol, analysis, context)
        auto = not ev.requires_confirmation
        decision = Decision(
            message=message,
            conversation_id=message.conversation_id,
            action=ev.action,
            reason_code=ev.reason_code[:60],
            source=Decision.Source.PROTOCOL,
            state=Decision.State.CONFIRMED if auto else Decision.State.RECOMMENDED,
            protocol_version=version,
            rule_id=ev.rule_id[:80],
            rule_title=ev.rule_title[:200],
            trace=list(ev.trace),
            team=(ev.team or "")[:60],
            templates=list(ev.templates),
            requires_confirmation=ev.requires_confirmation,
            deadline_hours=ev.deadline_hours,
            deadline_at=_deadline(message.sent_at, ev.deadline_hours, office),
            justification=ev.note or "",
        )
        decisions.append(decision)
        message.response_due_at = decision.deadline_at
        message.accounted_at = timezone.now() if auto else None
        touched[message.pk] = (message, decision)
    Decision.objects.bulk_create(decisions)
    Message.objects.bulk_update(
        [m for m, _ in touched.values()], ["response_due_at", "accounted_at"]
    )
    for message, decision in touched.values():
        audit.add(
            actor,
            "decision.recommended" if decision.state == "recommended" else "decision.automated",
            decision,
            {
                "message": message.pk,
                "action": decision.action,
                "reason": decision.reason_code,
                "rule": decision.rule_id,
                "protocol_version": version.version,
            },
        )
    audit.flush()
    _refresh_conversations({m.conversation_id for m, _ in touched.values()})
    return decisions


def _refresh_conversations(conversation_ids: set[int]) -> None:
    """Advice, deadline and the unaccounted flag of each conversation, from its messages.

    A fixed number of queries for any number of conversations (this runs after every
    analysed batch): the latest decision and the earliest open deadline come in as
    subqueries, teams in one lookup, and the rows are written with one bulk update.
    """
    if not conversation_ids:
        return
    from nabij.actions.deadlines import RESOLUTION_HOURS
    from nabij.models import Team

    now = timezone.now()
    office = Organisation.current().office()
    latest = Decision.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    open_due = (
        Message.objects.filter(
            conversation=OuterRef("pk"), direction="inbound", accounted_at__isnull=True
        )
        .order_by()
        .values("conversation")
        .annotate(due=Min("response_due_at"))
        .values("due")
    )
    conversations = list(
        Conversation.objects.filter(pk__in=conversation_ids).annotate(
            latest_action=Subquery(latest.values("action")[:1]),
            latest_team=Subquery(latest.values("team")[:1]),
            open_due=Subquery(open_due[:1]),
        )
    )
    wanted = {c.latest_team for c in conversations if c.latest_team and c.team_id is None}
    teams = {t.slug: t for t in Team.objects.filter(slug__in=wanted)} if wanted else {}
    for conv in conversations:
        conv.advised_action = conv.latest_action or ""
        if conv.resolution_due is None:
            start = conv.last_inbound_at or conv.last_message_at
            conv.resolution_due = add_business_hours(start, RESOLUTION_HOURS, office)
        conv.first_response_due = conv.open_due
        conv.has_unaccounted = bool(conv.open_due and conv.open_due < now)
        if conv.team_id is None and conv.latest_team in teams:
            conv.team = teams[conv.latest_team]
    Conversation.objects.bulk_update(
        conversations,
        ["advised_action", "first_response_due", "resolution_due", "has_unaccounted", "team"],
        batch_size=500,
    )


def current_advice(message: Message) -> Decision | None:
    """The latest decision about a message."""
    return message.decisions.order_by("-created_at", "-pk").first()


def check_may_decide(user: Any) -> None:
    """Only people with the decide capability confirm or override."""
    if not has_capability(user, "decide_messages"):
        raise PermissionDenied(_("je mag geen besluiten over berichten nemen"))


def do_confirm_decision(user: Any, message: Message) -> Decision:
    """Confirm the protocol's advice for a message."""
    check_may_decide(user)
    advice = current_advice(message)
    if advice is None:
        raise ActionError(_("er is nog geen advies om te volgen"))
    return _record(
        user,
        message,
        action=advice.action,
        reason_code=advice.reason_code,
        justification=advice.justification,
        state=Decision.State.CONFIRMED,
        advice=advice,
    )


def do_override_decision(
    user: Any, message: Message, *, action: str, reason_code: str, justification: str
) -> Decision:
    """Decide differently from the advice; a justification is mandatory."""
    check_may_decide(user)
    if action not in Action.values:
        raise ActionError(_("onbekende actie %(action)s") % {"action": repr(str(action)[:60])})
    justification = (justification or "").strip()
    if len(justification) < 5:
        raise ActionError(_("zeg waarom je afwijkt van het advies (minstens een paar woorden)"))
    if len(justification) > MAX_JUSTIFICATION:
        raise ActionError(
            _("de toelichting is langer dan %(limit)s tekens") % {"limit": MAX_JUSTIFICATION}
        )
    reason_code = (reason_code or "afwijking").strip()[:60] or "afwijking"
    return _record(
        user,
        message,
        action=action,
        reason_code=reason_code,
        justification=justification,
        state=Decision.State.OVERRIDDEN,
        advice=current_advice(message),
    )


def _record(
    user: Any,
    message: Message,
    *,
    action: str,
    reason_code: str,
    justification: str,
    state: str,
    advice: Decision | None,
) -> Decision:
    now = timezone.now()
    decision = Decision.objects.create(
        message=message,
        conversation_id=message.conversation_id,
        action=action,
        reason_code=reason_code,
        justification=justification,
        source=Decision.Source.PERSON,
        state=state,
        decided_by=user,
        protocol_version=advice.protocol_version if advice else None,
        rule_id=advice.rule_id if advice else "",
        rule_title=advice.rule_title if advice else "",
        trace=advice.trace if advice else [],
        team=advice.team if advice else "",
        templates=advice.templates if advice else [],
        requires_confirmation=False,
        deadline_hours=advice.deadline_hours if advice else None,
        deadline_at=advice.deadline_at if advice else None,
        recommended=advice,
    )
    message.accounted_at = now
    message.save(update_fields=["accounted_at"])
    audit = AuditBuffer()
    audit.add(
        user,
        "decision.confirmed" if state == Decision.State.CONFIRMED else "decision.overridden",
        decision,
        {
            "message": message.pk,
            "action": action,
            "reason": reason_code,
            "advice": advice.action if advice else None,
            "justification": justification[:500],
        },
    )
    if action == Action.VERBERGEN:
        statement = _moderation_statement(decision, message, automated=False)
        audit.add(user, "moderation.statement", statement, {"decision": decision.pk})
        if message.contact_id is not None:
            Contact.objects.filter(pk=message.contact_id).update(hidden_count=F("hidden_count") + 1)
    audit.flush()
    _refresh_conversations({message.conversation_id})
    from nabij.actions.webhooks import notify_decision_recorded

    notify_decision_recorded(decision)
    return decision


def _moderation_statement(
    decision: Decision, message: Message, *, automated: bool
) -> ModerationStatement:
    """Build and store the statement of reasons for hiding a message."""
    version = decision.protocol_version or published_version()
    protocol = compiled(version)
    from nabij.protocol import Evaluation

    evaluation = Evaluation(
        action="verbergen",
        reason_code=decision.reason_code,
        deadline_hours=decision.deadline_hours,
        team=decision.team or None,
        templates=tuple(decision.templates),
        requires_confirmation=not automated,
        rule_id=decision.rule_id,
        rule_title=decision.rule_title,
        protocol_version=version.version,
        trace=tuple(decision.trace),
        house_rule=_house_rule_of(protocol, decision.rule_id),
    )
    analysis = message.analyses.filter(current=True).first()
    org = Organisation.current()
    statement = statement_of_reasons(
        evaluation,
        {
            "channel": message.channel.kind,
            "external_id": message.external_id,
            "url": message.url,
            "sent_at": message.sent_at.isoformat(),
            "text": message.text,
            "redacted_text": (analysis.data.get("redacted_text") if analysis else None)
            or message.text,
        },
        dict(getattr(protocol, "house_rules", {}) or {}),
        automated=automated,
        objection=org.objection_text,
        decided_at=timezone.now().isoformat(),
    )
    data = statement.to_dict()
    return ModerationStatement.objects.create(
        decision=decision,
        house_rule=str(data.get("house_rule", {}).get("id", ""))[:40],
        house_rule_text=str(data.get("house_rule", {}).get("text", "")),
        facts="\n".join(data.get("facts", [])),
        automated=automated,
        redress=str(data.get("objection", "")),
        text=statement.text,
    )


def _house_rule_of(protocol: Any, rule_id: str) -> str | None:
    for rule in protocol.rules:
        if rule.id == rule_id:
            return getattr(rule.outcome, "house_rule", None)
    return None


def unaccounted_silence(now: datetime | None = None) -> Any:
    """Inbound messages past their deadline that no person or rule accounted for."""
    now = now or timezone.now()
    return Message.objects.filter(
        direction="inbound", accounted_at__isnull=True, response_due_at__lt=now
    )


def do_alert_unaccounted_silence(now: datetime | None = None) -> int:
    """Tell coordinators (and the handlers) once when messages fall into unaccounted silence."""

    from nabij.models import Notification

    now = now or timezone.now()
    fresh = list(
        unaccounted_silence(now)
        .filter(silence_alerted_at__isnull=True)
        .select_related("conversation")
        .order_by("response_due_at")[:1000]
    )
    if not fresh:
        return 0
    people = {u.pk: u for u in people_in_roles(ROLE_COORDINATOR)}
    for message in fresh:
        if message.conversation.assignee_id:
            people.setdefault(message.conversation.assignee_id, message.conversation.assignee)
    text = (
        f"{len(fresh)} bericht(en) zonder vastgelegd besluit over de termijn "
        "(onverantwoorde stilte)"
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                kind=Notification.Kind.SILENCE,
                text=text,
                conversation_id=fresh[0].conversation_id,
            )
            for pk in people
        ]
    )
    Message.objects.filter(pk__in=[m.pk for m in fresh]).update(silence_alerted_at=now)
    audit = AuditBuffer()
    audit.add(None, "silence.alerted", ("message", str(fresh[0].pk)), {"count": len(fresh)})
    audit.flush()
    return len(fresh)
