"""Coordinators edit, validate, diff, simulate and publish the protocol in the UI."""

from __future__ import annotations

import pytest
from django.test import Client

from nabij.actions.protocols import published_version
from nabij.actions.users import do_create_user
from nabij.models import AuditEvent, ProtocolVersion

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    do_create_user(role, "Sterk-wachtwoord-42", role=role)
    client = Client()
    client.login(username=role, password="Sterk-wachtwoord-42")
    return client


def test_agents_cannot_manage_the_protocol() -> None:
    client = _client("agent")
    assert client.get("/protocol/").status_code == 403
    assert client.post("/protocol/valideren/", {"source": "x"}).status_code == 403


def test_live_validation_reports_line_and_column() -> None:
    client = _client("coordinator")
    broken = client.post("/protocol/valideren/", {"source": "rules:\n  - id: x\n    when: [\n"})
    assert broken.status_code == 200
    assert "regel 3" in broken.content.decode() or "regel 4" in broken.content.decode()
    ok = client.post("/protocol/valideren/", {"source": published_version().source})
    assert "Geldig protocol" in ok.content.decode()


def test_a_draft_is_diffed_simulated_and_published_with_audit() -> None:
    client = _client("coordinator")
    current = published_version()
    source = current.source.replace("deadline_hours: 8", "deadline_hours: 6", 1)
    assert source != current.source
    bad = client.post("/protocol/bewerken/", {"source": "version: 1\nrules: []\n"})
    assert bad.status_code == 400
    response = client.post("/protocol/bewerken/", {"source": source, "notes": "sneller"})
    draft = ProtocolVersion.objects.get(status="draft")
    assert response["Location"] == f"/protocol/{draft.pk}/"
    detail = client.get(f"/protocol/{draft.pk}/").content.decode()
    assert "deadline_hours" in detail
    assert client.get(f"/protocol/{draft.pk}/simulatie/?days=30").status_code == 200
    client.post(f"/protocol/{draft.pk}/publiceren/")
    assert published_version().pk == draft.pk
    assert ProtocolVersion.objects.get(pk=current.pk).status == "retired"
    assert AuditEvent.objects.filter(verb="protocol.published", object_id=str(draft.pk)).exists()
    client.post(f"/protocol/{current.pk}/publiceren/")
    assert published_version().pk == current.pk
    assert AuditEvent.objects.filter(verb="protocol.rolled_back").exists()
