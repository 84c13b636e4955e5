"""Roles and pages: who may see what, and that hostile text is escaped."""

from __future__ import annotations

import pytest
from django.test import Client

from nabij.actions.ingest import do_ingest_message, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.models import AuditEvent, Message, Reply
from tests.foundation.factories import item

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    do_create_user(role, "Sterk-wachtwoord-42", role=role, first_name=role.title())
    client = Client()
    assert client.login(username=role, password="Sterk-wachtwoord-42")
    return client


def test_anonymous_visitors_are_sent_to_login() -> None:
    response = Client().get("/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_agent_cannot_open_admin_pages() -> None:
    client = _client("agent")
    response = client.get("/admin/nabij/channel/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_can_open_admin_pages() -> None:
    assert _client("admin").get("/admin/nabij/channel/").status_code == 200


def test_an_analyst_cannot_work_the_inbox() -> None:
    assert _client("analyst").get("/inbox/").status_code == 403


def test_the_inbox_lists_conversations_with_escaped_text(django_assert_max_num_queries) -> None:
    channel = get_or_create_channel("mastodon")
    for i in range(30):
        do_ingest_message(channel, item(str(i), text=f"<img src=x onerror=alert(1)> bericht {i}"))
    client = _client("agent")
    with django_assert_max_num_queries(12):
        response = client.get("/inbox/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "bericht 29" in body
    assert "<img src=x" not in body and "&lt;img src=x" in body
    assert response["Content-Security-Policy"].startswith("default-src 'self'")


def test_an_agent_adds_a_note_and_stores_a_reply() -> None:
    channel = get_or_create_channel("mastodon")
    conv = do_ingest_message(channel, item("1")).message.conversation
    client = _client("agent")
    page = client.get(f"/gesprek/{conv.pk}/")
    assert page.status_code == 200 and "Wiekstraat" in page.content.decode()
    client.post(f"/gesprek/{conv.pk}/notitie/", {"text": "Doorgezet naar wijkbeheer"})
    client.post(f"/gesprek/{conv.pk}/antwoord/", {"text": "Dank je, we gaan het bekijken."})
    assert Message.objects.filter(direction="note", text="Doorgezet naar wijkbeheer").exists()
    reply = Reply.objects.get()
    assert reply.state == "queued" and reply.in_reply_to.external_id == "1"
    assert set(AuditEvent.objects.values_list("verb", flat=True)) >= {"note.added", "reply.queued"}


def test_an_empty_note_is_refused_with_a_message() -> None:
    channel = get_or_create_channel("mastodon")
    conv = do_ingest_message(channel, item("1")).message.conversation
    client = _client("agent")
    response = client.post(f"/gesprek/{conv.pk}/notitie/", {"text": "   "}, follow=True)
    assert "niet opgeslagen" in response.content.decode()
    assert not Message.objects.filter(direction="note").exists()


def test_an_unknown_conversation_is_404() -> None:
    assert _client("agent").get("/gesprek/999999/").status_code == 404


@pytest.mark.parametrize(
    ("role", "landing"),
    [("agent", "/inbox/"), ("analyst", "/signalen/"), ("auditor", "/signalen/")],
)
def test_each_role_lands_on_a_page_it_may_open(role: str, landing: str) -> None:
    client = _client(role)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200
