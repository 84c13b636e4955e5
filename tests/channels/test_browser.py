"""The public web form and the channel pages in Chromium, with an axe-core WCAG scan.

Each scenario drives its own Playwright in a separate thread: the desk's browser tests
keep a session-wide Playwright open in the main thread, and a second sync Playwright
cannot start in a thread whose event loop is already taken.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nabij.actions.channels import do_configure_channel
from nabij.actions.users import do_create_user
from nabij.models import Message
from tests.browser.conftest import CHROMIUM, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sterk-wachtwoord-42"


def in_browser(scenario: Callable[[Any], None]) -> None:
    """Run `scenario(page)` in a fresh Chromium on its own thread; re-raise its failure."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    failures: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_context(locale="nl-NL").new_page()
                page.set_default_timeout(15_000)
                try:
                    scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:  # handed to the test thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    if failures:
        raise failures[0]
    assert not thread.is_alive(), "the browser scenario did not finish"


def _accessible(page: Any, what: str) -> None:
    violations = check_accessibility(page, extra_tags=("best-practice",))
    assert violations == [], f"{what} ({page.url}): {violations}"


def test_a_resident_sends_the_web_form_by_keyboard_and_gets_a_reference(live_server: Any) -> None:
    seen: dict[str, str] = {}

    def scenario(page: Any) -> None:
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
        seen["reference"] = page.locator(".nabij-reference").inner_text()
        _accessible(page, "confirmation")

    in_browser(scenario)
    assert re.fullmatch(r"WF-\d{4}-\d{6}", seen["reference"])
    assert Message.objects.get(external_id=seen["reference"]).text.startswith("Het speeltoestel")


def test_the_web_form_in_english_is_accessible(live_server: Any) -> None:
    def scenario(page: Any) -> None:
        page.goto(f"{live_server.url}/formulier/")
        page.get_by_role("button", name="English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
        assert page.get_by_role("heading", name="Send us a message").is_visible()
        _accessible(page, "English web form")

    in_browser(scenario)


def test_channel_pages_are_accessible_and_never_show_secrets(live_server: Any) -> None:
    do_create_user("marloes", PASSWORD, role="admin", first_name="Marloes")
    channel = do_configure_channel(
        None, kind="mastodon", slug="masto", name="Mastodon",
        config={"base_url": "https://social.example"}, secrets={"access_token": "geheim-xyz"},
    )  # fmt: skip
    pages = ("/kanalen/", f"/kanalen/{channel.pk}/", "/kanalen/nieuw/email/", "/api-sleutels/")

    def scenario(page: Any) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Gebruikersnaam").fill("marloes")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        for path in (*pages, "/webhooks/", "/api/v1/docs"):
            page.goto(f"{live_server.url}{path}")
            _accessible(page, path)
            assert "geheim-xyz" not in page.content()

    in_browser(scenario)
