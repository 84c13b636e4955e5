"""End to end: ingest → recommended decision → override with reason → audit → report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nabij.actions.accountability import build_accountability_report
from nabij.actions.analysis import do_analyse_messages
from nabij.actions.decisions import (
    do_confirm_decision,
    do_override_decision,
    unaccounted_silence,
)
from nabij.actions.errors import ActionError
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.cli import main
from nabij.models import AuditEvent, Decision, Message, ModerationStatement
from tests.foundation.factories import item
from tests.support.analysis import TYPES, KeywordAnalyser

pytestmark = pytest.mark.django_db


def _ingest(texts: list[str]) -> list[Message]:
    channel = get_or_create_channel("mastodon")
    results = do_ingest_messages(
        channel,
        [item(str(i), text=t, author_handle=f"@p{i}@x") for i, t in enumerate(texts, start=1)],
        queue_analysis=False,
    )
    messages = [r.message for r in results]
    do_analyse_messages([m.pk for m in messages], analyser=KeywordAnalyser())
    return messages


def test_every_analysed_message_gets_advice_with_a_readable_trace() -> None:
    messages = _ingest(["noodkreet ik kan niet meer", "vraag wanneer komt het grofvuil?"])
    crisis = Decision.objects.get(message=messages[0])
    assert crisis.action == "escaleren"
    assert crisis.protocol_version is not None and crisis.rule_id
    assert any("matched" in line for line in crisis.trace)
    question = Decision.objects.get(message=messages[1])
    assert question.action == "beantwoorden"
    assert question.deadline_at is not None


def test_override_needs_a_reason_and_is_audited_and_reported(capsys) -> None:
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    messages = _ingest(["vraag hoe laat is het stadhuis open?", "aanval jullie zijn allemaal tuig"])
    with pytest.raises(ActionError):
        do_override_decision(
            agent, messages[0], action="monitoren", reason_code="x", justification=""
        )
    do_override_decision(
        agent,
        messages[0],
        action="bewust_niet_reageren",
        reason_code="al_beantwoord",
        justification="Collega antwoordde al in de draad eronder.",
    )
    do_override_decision(
        agent,
        messages[1],
        action="verbergen",
        reason_code="belediging",
        justification="Herhaalde belediging, huisregel H1.",
    )
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"decision.overridden", "moderation.statement"} <= verbs
    assert verbs & {"decision.recommended", "decision.automated"}
    statement = ModerationStatement.objects.get()
    assert "bezwaar" in statement.text.lower() or statement.redress
    history = list(Decision.objects.filter(message=messages[0]).order_by("pk"))
    assert [d.state for d in history][-1] == "overridden"
    assert history[-1].recommended == history[0]
    start = messages[0].sent_at - timedelta(days=1)
    report = build_accountability_report(start, start + timedelta(days=3))
    rows = {(a, r): n for a, r, _, n in report.as_rows()}
    assert rows[("bewust_niet_reageren", "al_beantwoord")] == 1
    assert rows[("verbergen", "belediging")] == 1
    day = messages[0].sent_at.date().isoformat()
    assert main(["accountability", "report", "--from", day, "--to", day]) == 0
    assert "al_beantwoord" in capsys.readouterr().out


def test_confirming_all_advice_brings_unaccounted_silence_to_zero() -> None:
    agent = do_create_user("youssef", "Sterk-wachtwoord-42", role="agent")
    texts = [f"{t} bericht {i}" for i, t in enumerate(TYPES)]
    messages = _ingest(texts)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert unaccounted_silence(later).count() > 0
    for message in messages:
        if (
            message.decisions.filter(state="recommended").exists()
            and not Message.objects.get(pk=message.pk).accounted_at
        ):
            do_confirm_decision(agent, message)
    assert unaccounted_silence(later).count() == 0


def test_unaccounted_silence_raises_one_alert() -> None:
    from nabij.actions.decisions import do_alert_unaccounted_silence
    from nabij.models import Notification

    coordinator = do_create_user("marloes", "Sterk-wachtwoord-42", role="coordinator")
    _ingest(["noodkreet help", "vraag waar is het stadhuis?"])
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert do_alert_unaccounted_silence(later) >= 1
    assert do_alert_unaccounted_silence(later) == 0
    note = Notification.objects.get(user=coordinator)
    assert note.kind == "silence" and "onverantwoorde stilte" in note.text
