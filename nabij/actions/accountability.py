"""How the organisation handled every message in a period: the accountability report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from nabij.models import Decision, Message

FINAL_STATES = (Decision.State.CONFIRMED, Decision.State.OVERRIDDEN)


@dataclass
class AccountabilityReport:
    """Counts per (action, reason code, how decided), plus silence figures."""

    start: datetime
    end: datetime
    messages: int = 0
    rows: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    unaccounted_silence: int = 0
    awaiting_decision: int = 0

    def as_rows(self) -> list[tuple[str, str, str, int]]:
        """(action, reason code, decided how, count), largest first."""
        return [(a, r, how, n) for (a, r, how), n in self.rows.most_common()]


def build_accountability_report(
    start: datetime, end: datetime, now: datetime | None = None
) -> AccountabilityReport:
    """Walk the period's inbound messages and their latest decisions."""
    now = now or timezone.now()
    report = AccountabilityReport(start, end)
    latest: dict[int, Decision] = {}
    final: dict[int, Decision] = {}
    decisions = (
        Decision.objects.filter(
            message__direction="inbound", message__sent_at__gte=start, message__sent_at__lt=end
        )
        .only("message_id", "action", "reason_code", "state", "source", "created_at")
        .order_by("created_at", "pk")
    )
    for decision in decisions.iterator(chunk_size=5000):
        latest[decision.message_id] = decision
        if decision.state in FINAL_STATES:
            final[decision.message_id] = decision
    messages = Message.objects.filter(
        direction="inbound", sent_at__gte=start, sent_at__lt=end
    ).values_list("pk", "accounted_at", "response_due_at")
    for pk, accounted_at, due in messages.iterator(chunk_size=5000):
        report.messages += 1
        final_decision = final.get(pk)
        if final_decision is not None:
            decision = final_decision
            how = (
                "protocol (automatisch)"
                if decision.source == "protocol"
                else (
                    "afgeweken door medewerker"
                    if decision.state == Decision.State.OVERRIDDEN
                    else "bevestigd door medewerker"
                )
            )
            report.rows[(decision.action, decision.reason_code, how)] += 1
            continue
        advice = latest.get(pk)
        silent = accounted_at is None and due is not None and due < now
        if silent:
            report.unaccounted_silence += 1
        else:
            report.awaiting_decision += 1
        how = "ONVERANTWOORDE STILTE" if silent else "wacht op besluit"
        action = advice.action if advice else "-"
        reason = advice.reason_code if advice else "geen advies"
        report.rows[(f"advies: {action}", reason, how)] += 1
    return report
