"""The public web form and the channel pages in Chromium, with an axe-core WCAG scan."""

from __future__ import annotations

import re
from typing import Any

import pytest

from nabij.actions.channels import do_configure_channel
from nabij.actions.users import do_create_user
from nabij.models import Message
from tests.browser.conftest import browser, check_accessibility, login, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sterk-wachtwoord-42"


def _accessible(page: Any, what: str) -> None:  # noqa: F811
    violations = check_accessibility(page, extra_tags=("best-practice",))
    assert violations == [], f"{what} ({page.url}): {violations}"


def test_a_resident_sends_the_web_form_by_keyboard_and_gets_a_reference(
    live_server: Any,
    page: Any,  # noqa: F811
) -> None:
    page.goto(f"{live_server.url}/formulier/")
    _accessible(page, "empty web form")
    page.get_by_role("button", name="Bericht versturen").click()  # nothing filled in
    alert = page.get_by_role("alert")
    assert "Vul uw bericht in." in alert.inner_text()
    _accessible(page, "web form with errors")
    alert.get_by_role("link", name="Vul uw bericht in.").click()
    message_box = page.get_by_label("Uw bericht (verplicht)")
    assert message_box.evaluate("el => el === document.activeElement")
    message_box.fill("Het speeltoestel in het park is kapot.")
    page.get_by_label("E-mailadres").fill("anna@example.nl")
    # The test settings run tasks inline, so this request also analyses the message.
    page.set_default_timeout(90_000)
    page.get_by_role("button", name="Bericht versturen").click()
    page.wait_for_url(re.compile(r".*/formulier/ontvangen/.*"))
    reference = page.locator(".nabij-reference").inner_text()
    assert re.fullmatch(r"WF-\d{4}-\d{6}", reference)
    _accessible(page, "confirmation")
    assert Message.objects.get(external_id=reference).text.startswith("Het speeltoestel")


def test_the_web_form_in_english_is_accessible(live_server: Any, page: Any) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/formulier/")
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_role("heading", name="Send us a message").is_visible()
    _accessible(page, "English web form")


def test_channel_pages_are_accessible(live_server: Any, page: Any) -> None:  # noqa: F811
    do_create_user("marloes", PASSWORD, role="admin", first_name="Marloes")
    channel = do_configure_channel(
        None, kind="mastodon", slug="masto", name="Mastodon",
        config={"base_url": "https://social.example"}, secrets={"access_token": "geheim-xyz"},
    )  # fmt: skip
    login(page, live_server.url, "marloes", PASSWORD)
    pages = ("/kanalen/", f"/kanalen/{channel.pk}/", "/kanalen/nieuw/email/", "/api-sleutels/")
    for path in (*pages, "/webhooks/"):
        page.goto(f"{live_server.url}{path}")
        _accessible(page, path)
        assert "geheim-xyz" not in page.content()
    page.goto(f"{live_server.url}/api/v1/docs")
    _accessible(page, "API docs")
