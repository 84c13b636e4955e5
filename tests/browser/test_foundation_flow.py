"""A person logs in, sees messages, opens a conversation and adds a note — in Chromium."""

from __future__ import annotations

import pytest

from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.users import do_create_user
from nabij.models import Message
from tests.browser.conftest import check_accessibility, login
from tests.foundation.factories import item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_open_a_conversation_and_add_a_note(live_server, page) -> None:
    do_create_user("sanne", "Sterk-wachtwoord-42", role="agent", first_name="Sanne")
    channel = get_or_create_channel("mastodon")
    do_ingest_messages(
        channel,
        [
            item("1", text="De lantaarnpaal in de Wiekstraat is alweer kapot."),
            item("2", text="<b>Wanneer</b> komt het grofvuil?", author_handle="@piet@x"),
        ],
    )
    login(page, live_server.url, "sanne", "Sterk-wachtwoord-42")
    assert page.get_by_role("heading", name="Inbox").is_visible()
    assert check_accessibility(page) == []
    link = page.get_by_role("link", name="Wiekstraat", exact=False)
    assert link.is_visible()
    assert page.get_by_text("<b>Wanneer</b> komt het grofvuil?", exact=False).is_visible()
    link.click()
    page.wait_for_url("**/gesprek/*/")
    assert page.get_by_text("alweer kapot").is_visible()
    assert check_accessibility(page) == []
    page.get_by_label("Notitie (alleen zichtbaar voor collega's)").fill("Gemeld bij wijkbeheer.")
    page.get_by_role("button", name="Notitie toevoegen").click()
    assert page.get_by_text("Notitie toegevoegd.").is_visible()
    assert page.get_by_text("Gemeld bij wijkbeheer.").is_visible()
    assert Message.objects.filter(direction="note", text="Gemeld bij wijkbeheer.").count() == 1
