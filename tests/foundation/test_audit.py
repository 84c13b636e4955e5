"""The audit log is append-only and `audit verify` finds tampering."""

from __future__ import annotations

import pytest
from django.db import connection

from nabij.actions.audit import do_record_audit_event, verify_audit_chain
from nabij.cli import main
from nabij.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _five_events() -> None:
    for i in range(5):
        do_record_audit_event(None, "test.event", ("thing", str(i)), {"n": i, "tekst": "één"})


def test_an_intact_chain_verifies(capsys) -> None:
    _five_events()
    assert verify_audit_chain().ok
    assert main(["audit", "verify"]) == 0
    assert "5 events verified" in capsys.readouterr().out


def test_an_edited_row_is_reported(capsys) -> None:
    _five_events()
    AuditEvent.objects.filter(seq=3).update(data={"n": 99})
    result = verify_audit_chain()
    assert not result.ok and result.problem_seq == 3
    assert "altered" in result.problem
    assert main(["audit", "verify"]) == 1
    assert "#3" in capsys.readouterr().err


def test_a_deleted_row_is_reported() -> None:
    _five_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM nabij_auditevent WHERE seq = 2")
    result = verify_audit_chain()
    assert not result.ok and result.problem_seq == 2
    assert "missing" in result.problem


def test_a_deleted_tail_is_reported() -> None:
    _five_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM nabij_auditevent WHERE seq = 5")
    result = verify_audit_chain()
    assert not result.ok and result.problem_seq == 5


def test_a_rehashed_edit_breaks_the_link_to_the_next_event() -> None:
    _five_events()
    AuditEvent.objects.filter(seq=2).update(hash="f" * 64)
    result = verify_audit_chain()
    assert not result.ok and result.problem_seq in (2, 3)


def test_events_cannot_be_changed_or_deleted_through_the_model() -> None:
    _five_events()
    event = AuditEvent.objects.get(seq=1)
    event.verb = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
