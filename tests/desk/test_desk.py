"""The desk: inbox filters and search, presence, mentions, tone, follow-ups, deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from nabij.actions.conversations import do_add_note, do_store_reply
from nabij.actions.deadlines import do_check_deadlines
from nabij.actions.desk import do_mark_presence, do_set_status
from nabij.actions.errors import ActionError
from nabij.actions.ingest import do_ingest_message, do_ingest_messages, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.models import Conversation, FollowUp, Notification, Team
from tests.foundation.factories import item

pytestmark = pytest.mark.django_db


def _agent(name: str = "sanne") -> tuple[object, Client]:
    user = do_create_user(name, "Sterk-wachtwoord-42", role="agent", first_name=name.title())
    client = Client()
    client.login(username=name, password="Sterk-wachtwoord-42")
    return user, client


def _conversations(n: int = 3) -> list[Conversation]:
    channel = get_or_create_channel("mastodon")
    texts = [
        "De lantaarnpaal in de Wiekstraat is kapot",
        "Wanneer komt het grofvuil in Beekdal?",
        "Mijn parkeervergunning is nog steeds niet verlengd",
    ]
    results = do_ingest_messages(
        channel,
        [item(str(i), text=texts[i % 3], author_handle=f"@p{i}@x") for i in range(n)],
        queue_analysis=False,
    )
    return [r.message.conversation for r in results]


def test_search_finds_conversations_by_words_and_prefixes() -> None:
    _, client = _agent()
    _conversations()
    body = client.get("/inbox/", {"q": "grofvuil"}).content.decode()
    assert "Beekdal" in body and "Wiekstraat" not in body
    body = client.get("/inbox/", {"q": "lantaarn"}).content.decode()
    assert "Wiekstraat" in body
    hostile = client.get("/inbox/", {"q": '" OR 1=1 -- NEAR( * '})
    assert hostile.status_code == 200


def test_filters_and_saved_views(django_assert_max_num_queries) -> None:
    user, client = _agent()
    convs = _conversations(30)
    team = Team.objects.create(slug="wijkbeheer", name="Wijkbeheer")
    Conversation.objects.filter(pk=convs[0].pk).update(
        assignee=user, type="noodkreet", urgency="acuut", urgency_rank=3, team=team
    )
    Conversation.objects.filter(pk=convs[1].pk).update(
        first_response_due=timezone.now() - timedelta(hours=1)
    )
    with django_assert_max_num_queries(14):
        page = client.get("/inbox/")
    rows = page.content.decode()
    assert rows.index("acuut") < rows.index("Beekdal")  # most urgent first
    mine = client.get("/inbox/", {"view": "mijn-werk"}).content.decode()
    assert mine.count("data-nabij-row") == 1
    assert (
        client.get("/inbox/", {"view": "noodkreten"}).content.decode().count("data-nabij-row") == 1
    )
    late = client.get("/inbox/", {"view": "over-tijd"}).content.decode()
    assert late.count("data-nabij-row") == 1 and "verlopen" in late
    assert (
        client.get("/inbox/", {"team": "wijkbeheer"}).content.decode().count("data-nabij-row") == 1
    )
    assert (
        client.get("/inbox/", {"assignee": "niemand"}).content.decode().count("data-nabij-row")
        == 29
    )


def test_new_messages_banner_counts_arrivals_since_load() -> None:
    _, client = _agent()
    since = (timezone.now() - timedelta(days=3650)).isoformat()
    _conversations(2)
    body = client.get("/inbox/nieuw/", {"since": since}).content.decode()
    assert "2 gesprekken met een nieuw bericht" in body
    assert client.get("/inbox/nieuw/", {"since": "rommel"}).status_code == 200


def test_a_second_agent_sees_the_collision_warning() -> None:
    sanne, _ = _agent("sanne")
    _, client = _agent("youssef")
    conv = _conversations(1)[0]
    do_mark_presence(sanne, conv, typing=True)
    body = client.post(f"/gesprek/{conv.pk}/aanwezig/", {"typing": "0"}).content.decode()
    assert "Sanne heeft dit gesprek ook open en typt" in body
    assert do_mark_presence(sanne, conv, typing=False)[0]["name"] == "Youssef"


def test_mentions_notify_colleagues() -> None:
    sanne, _ = _agent("sanne")
    youssef, client = _agent("youssef")
    conv = _conversations(1)[0]
    do_add_note(sanne, conv, "@youssef kun jij dit overnemen? (@niemand bestaat niet)")
    note = Notification.objects.get(user=youssef)
    assert note.kind == "mention" and note.conversation_id == conv.pk
    assert "1" in client.get("/inbox/").content.decode()
    client.get("/meldingen/")
    assert Notification.objects.get(user=youssef).read_at is not None


def test_tone_mirror_runs_on_a_draft() -> None:
    _, client = _agent()
    conv = _conversations(1)[0]
    body = client.post(
        f"/gesprek/{conv.pk}/toon/", {"text": "Wij hebben dit intern doorgezet conform beleid."}
    ).content.decode()
    assert "Toonspiegel" in body
    applied = client.post(
        f"/gesprek/{conv.pk}/toon/toepassen/", {"text": "Wij sturen dit middels de post."}
    ).content.decode()
    assert "middels" not in applied


def test_reply_is_signed_and_respects_the_channel_limit() -> None:
    sanne, _ = _agent()
    conv = _conversations(1)[0]
    reply = do_store_reply(sanne, conv, "Dank je, we kijken er morgen naar.")
    assert reply.message.text.endswith("Sanne")
    with pytest.raises(ActionError):
        do_store_reply(sanne, conv, "x" * 600)


def test_followups_are_created_completed_and_alerted() -> None:
    sanne, client = _agent()
    conv = _conversations(1)[0]
    client.post(f"/gesprek/{conv.pk}/opvolging/", {"title": "Terugbellen", "due": "2026-01-05"})
    followup = FollowUp.objects.get()
    assert followup.assignee == sanne
    result = do_check_deadlines(timezone.now())
    assert result["overdue_followups"] == 1
    assert do_check_deadlines(timezone.now())["overdue_followups"] == 0  # once
    assert "te laat" in client.get("/opvolgingen/").content.decode()
    client.post(f"/opvolging/{followup.pk}/afronden/")
    followup.refresh_from_db()
    assert followup.status == "done"


def test_breached_deadlines_alert_once_in_app_and_by_mail() -> None:
    sanne, _ = _agent()
    sanne.email = "sanne@example.org"
    sanne.save()
    conv = _conversations(1)[0]
    Conversation.objects.filter(pk=conv.pk).update(
        assignee=sanne, first_response_due=timezone.now() - timedelta(minutes=5)
    )
    assert do_check_deadlines()["breached"] == 1
    assert do_check_deadlines()["breached"] == 0
    assert Notification.objects.filter(user=sanne, kind="breach").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sanne@example.org"]


def test_waiting_for_the_resident_pauses_the_deadline() -> None:
    sanne, _ = _agent()
    conv = _conversations(1)[0]
    due = timezone.now() + timedelta(hours=4)
    Conversation.objects.filter(pk=conv.pk).update(resolution_due=due)
    conv.refresh_from_db()
    do_set_status(sanne, conv, "waiting")
    Conversation.objects.filter(pk=conv.pk).update(
        waiting_since=timezone.now() - timedelta(hours=2)
    )
    conv.refresh_from_db()
    do_set_status(sanne, conv, "open")
    conv.refresh_from_db()
    assert conv.resolution_due - due >= timedelta(hours=2)
    assert conv.paused_seconds >= 7200


def test_automatic_reply_outside_office_hours_is_honest_and_followed_up() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from nabij.actions.autoreply import do_auto_replies
    from nabij.models import Reply

    channel = get_or_create_channel("webform")
    channel.config = {"auto_reply": True}
    channel.save()
    saturday_night = datetime(2026, 11, 21, 22, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    message = do_ingest_message(channel, item("1", sent_at=saturday_night, public=False)).message
    office_time = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    other = do_ingest_message(channel, item("2", sent_at=office_time, author_handle="@b")).message
    assert do_auto_replies([other], now=office_time) == []
    replies = do_auto_replies([message], now=saturday_night + timedelta(minutes=1))
    assert len(replies) == 1
    reply = Reply.objects.get()
    assert reply.automatic and "automatisch bericht" in reply.message.text
    assert "maandag" in reply.message.text and "08:30" in reply.message.text
    followup = FollowUp.objects.get(source="auto_reply")
    assert followup.due_at == datetime(2026, 11, 23, 8, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert do_auto_replies([message], now=saturday_night) == []  # one per conversation
