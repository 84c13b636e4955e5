"""The desk as agents use it, in Chromium: triage, tone mirror, follow-ups, collisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nabij.models import AuditEvent, Decision, FollowUp, Message, Reply
from tests.browser.conftest import login
from tests.browser.desk_data import (
    PASSWORD,
    create_people,
    ingest_analysed,
    publish_confirm_everything,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIVE = {
    "lamp": "melding de lantaarnpaal in de Wiekstraat is alweer kapot",
    "grofvuil": "vraag wanneer komt het grofvuil in Lindewaard?",
    "stoep": "klacht de stoep ligt al maanden open, niemand doet iets",
    "markt": "compliment wat een mooie markt was het zaterdag",
    "parkeren": "ervaring parkeren bij het station kostte me een uur",
}
JUSTIFICATION = "We antwoorden zelf in de draad; de wethouder beloofde deze week uitleg."


def focused_href(page: Any) -> str | None:
    """The link the keyboard focus is on."""
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")


def open_next_untriaged(page: Any, done: set[str]) -> str:
    """In the inbox, press j until a conversation not handled yet has focus; Enter opens it."""
    for _ in range(len(FIVE) + 1):
        page.keyboard.press("j")
        href = focused_href(page)
        if href and href not in done:
            page.keyboard.press("Enter")
            page.wait_for_url(f"**{href}")
            return href
    raise AssertionError(f"no untriaged conversation left in the inbox (done: {sorted(done)})")


def override_by_keyboard(page: Any) -> None:
    """'e' opens "Anders besluiten"; the form is filled and submitted with the keyboard."""
    page.keyboard.press("e")
    action = page.get_by_label("Actie")
    assert action.evaluate("el => el === document.activeElement")
    action.select_option("beantwoorden")
    page.keyboard.press("Tab")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("zelf_beantwoorden")
    page.keyboard.press("Tab")
    page.keyboard.type(JUSTIFICATION)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Besluit vastleggen"
    page.keyboard.press("Enter")


def test_an_agent_triages_five_messages_with_one_override(live_server, page) -> None:
    people = create_people("sanne")
    publish_confirm_everything()
    # Twenty days old: every message is past its deadline until someone decides.
    messages = ingest_analysed(FIVE, sent_at=timezone.now() - timedelta(days=20))
    assert Decision.objects.filter(state="recommended").count() == 5
    klacht = messages["stoep"]
    login(page, live_server.url, "sanne", PASSWORD)
    assert page.get_by_text("5 berichten zonder verantwoording", exact=False).is_visible()

    done: set[str] = set()
    for _ in FIVE:
        href = open_next_untriaged(page, done)
        done.add(href)
        if page.get_by_text(klacht.text).count():
            override_by_keyboard(page)
            page.get_by_text("Afwijkend besluit vastgelegd: beantwoorden.").wait_for()
            assert page.get_by_text(JUSTIFICATION).is_visible()
        else:
            page.keyboard.press("a")  # the shortcut puts focus on "Advies volgen"
            page.keyboard.press("Enter")
            page.get_by_text("Advies bevestigd:", exact=False).wait_for()
        assert page.get_by_role("button", name="Advies volgen").count() == 0
        page.get_by_role("link", name="Terug naar de inbox").click()
        page.wait_for_url("**/inbox/")

    assert len(done) == 5
    assert page.get_by_text("zonder verantwoording", exact=False).count() == 0
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Onverantwoorde stilte"
    ).click()
    assert page.get_by_text("0 berichten zijn over hun termijn", exact=False).is_visible()

    decided = Decision.objects.exclude(state="recommended")
    assert decided.filter(state="confirmed", decided_by=people["sanne"]).count() == 4
    override = decided.get(state="overridden")
    assert override.message_id == klacht.pk
    assert (override.action, override.reason_code) == ("beantwoorden", "zelf_beantwoorden")
    assert override.justification == JUSTIFICATION
    assert override.recommended is not None and override.recommended.action == "doorzetten"
    assert not Message.objects.filter(direction="inbound", accounted_at__isnull=True).exists()
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs.count("decision.confirmed") == 4
    assert verbs.count("decision.overridden") == 1


DRAFT = (
    "Hoi Anna, wat vervelend dat de lamp nog steeds kapot is. Ik heb het middels een melding "
    "reeds doorgegeven aan de monteur, hij komt morgen om 10 uur langs."
)
FIXED = DRAFT.replace("middels", "met").replace("reeds", "al")


def test_an_agent_fixes_the_tone_findings_and_sends(live_server, page) -> None:
    create_people("sanne")
    message = ingest_analysed({"lamp": FIVE["lamp"]})["lamp"]
    login(page, live_server.url, "sanne", PASSWORD)
    page.get_by_role("link", name="lantaarnpaal", exact=False).click()
    page.wait_for_url(f"**/gesprek/{message.conversation_id}/")

    page.keyboard.press("r")  # the shortcut to the reply box
    reply_box = page.get_by_label("Antwoord aan de inwoner")
    assert reply_box.evaluate("el => el === document.activeElement")
    page.keyboard.type(DRAFT)
    mirror = page.get_by_role("region", name="Toonspiegel")
    mirror.get_by_role("heading", name="Toonspiegel: 2 punten").wait_for()
    assert mirror.get_by_text("„middels”").is_visible()
    assert mirror.get_by_text("„reeds”").is_visible()

    page.get_by_role("button", name="Suggesties toepassen").click()
    page.get_by_text("De toonspiegel vindt niets", exact=False).wait_for()
    assert reply_box.input_value() == FIXED
    assert reply_box.evaluate("el => el === document.activeElement")
    assert page.get_by_label("Antwoord aan de inwoner").count() == 1
    page.keyboard.press("Tab")  # from the reply box to "Antwoord versturen"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Antwoord versturen"
    page.keyboard.press("Enter")
    page.get_by_text("Antwoord opgeslagen en klaargezet voor verzending.").wait_for()
    outbound = page.locator(".nabij-outbound")
    assert outbound.get_by_text("hij komt morgen om 10 uur").is_visible()
    assert outbound.get_by_text("Sanne").first.is_visible()

    reply = Reply.objects.select_related("message").get()
    assert reply.message.text == f"{FIXED}\nSanne"
    assert reply.message.conversation_id == message.conversation_id
    assert reply.in_reply_to_id == message.pk
    assert reply.created_by is not None and reply.created_by.username == "sanne"
    # Stored as queued (audited); the test task backend delivers at once, and this channel
    # has no credentials, so the delivery fails visibly instead of silently.
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="reply.").values_list("verb", flat=True)
    )
    assert verbs == ["reply.queued", "reply.failed"]
    assert reply.state == "failed" and "not configured" in reply.last_error
    assert outbound.get_by_text("verzending: mislukt", exact=False).is_visible()
    assert not AuditEvent.objects.filter(verb="reply.sent").exists()


def test_an_agent_creates_and_completes_a_follow_up(live_server, page) -> None:
    create_people("sanne")
    message = ingest_analysed({"lamp": FIVE["lamp"]})["lamp"]
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    login(page, live_server.url, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/gesprek/{message.conversation_id}/")

    page.get_by_label("Wat moet er gebeuren?").fill("Nagaan of de lamp weer brandt")
    page.get_by_label("Uiterlijk op").fill(due)
    page.get_by_label("Uiterlijk op").press("Enter")  # submits the form, as in any form
    page.get_by_text("Opvolging aangemaakt.").wait_for()
    assert page.get_by_text("Nagaan of de lamp weer brandt", exact=False).is_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Opvolging").click()
    row = page.get_by_role("row").filter(has_text="Nagaan of de lamp weer brandt")
    assert row.get_by_role("link", name="lantaarnpaal", exact=False).is_visible()
    row.get_by_role("button", name="Afronden").click()
    page.get_by_text("Opvolging afgerond.").wait_for()
    assert page.get_by_text("Geen open opvolgingen.").is_visible()

    followup = FollowUp.objects.get()
    assert followup.status == "done" and followup.completed_at is not None
    assert followup.conversation_id == message.conversation_id
    assert timezone.localtime(followup.due_at).date().isoformat() == due
    assert followup.assignee is not None and followup.assignee.username == "sanne"
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"followup.created", "followup.completed"} <= verbs


def test_a_second_agent_sees_the_collision_warning(live_server, browser) -> None:
    create_people("sanne", "youssef")
    message = ingest_analysed({"lamp": FIVE["lamp"]})["lamp"]
    url = f"{live_server.url}/gesprek/{message.conversation_id}/"
    contexts = [browser.new_context(locale="nl-NL") for _ in range(2)]
    try:
        sanne, youssef = (c.new_page() for c in contexts)
        for page, name in ((sanne, "sanne"), (youssef, "youssef")):
            page.set_default_timeout(15_000)
            login(page, live_server.url, name, PASSWORD)
        sanne.goto(url)
        sanne.get_by_label("Antwoord aan de inwoner").wait_for()
        assert sanne.locator("#presence").inner_text().strip() == ""

        youssef.goto(url)
        warning = youssef.locator("#presence").get_by_role("status")
        warning.get_by_text("Sanne heeft dit gesprek ook open.").wait_for()
        sanne.get_by_label("Antwoord aan de inwoner").press_sequentially("Hoi Anna, dank je")
        # Youssef's next poll (every 10 s) says that Sanne is typing a reply.
        warning.get_by_text("Sanne heeft dit gesprek ook open en typt een antwoord.").wait_for(
            timeout=12_000
        )
        sanne.locator("#presence").get_by_text("Youssef heeft dit gesprek ook open.").wait_for(
            timeout=12_000
        )
    finally:
        for context in contexts:
            context.close()
