"""Every page of the desk, in each role and state, passes axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from nabij.actions.conversations import do_add_note, do_store_reply
from nabij.actions.decisions import do_override_decision
from nabij.actions.desk import do_create_followup, do_mark_presence
from tests.browser.conftest import WCAG_TAGS, login, run_axe
from tests.browser.desk_data import PASSWORD, Desk, draft_protocol, seed_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN_ALL_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


STRICT_TAGS = (*WCAG_TAGS, "best-practice")
DESKTOP = {"width": 1280, "height": 720}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: 400 % zoom of a 1280 px window
WIDTH, CLIENT_WIDTH = "document.documentElement.scrollWidth", "document.documentElement.clientWidth"
FITS = f"() => {WIDTH} <= {CLIENT_WIDTH}"


def problems(page: Any) -> list[str]:
    """axe-core's violations, plus text whose contrast axe could not measure."""
    found = run_axe(page, STRICT_TAGS)
    out = [f"{v['id']}: {v['help']} {v['nodes']}" for v in found["violations"]]
    for check in found["incomplete"]:
        if check["id"] != "color-contrast":
            continue
        # Text on an image or gradient cannot be measured, so it must not occur; a
        # decorative symbol (aria-hidden) has no text contrast at all.
        out += [
            f"unmeasurable contrast {node}: {reason}"
            for node, reason in zip(check["nodes"], check["reasons"], strict=True)
            if "non-text characters" not in reason
        ]
    return out


def assert_accessible(page: Any, what: str, *, reflow: bool = True) -> None:
    """Scan the page as shown and with every disclosure open; it must reflow at 320 px."""
    assert problems(page) == [], f"{what} ({page.url})"
    if page.locator("details:not([open])").count():
        page.evaluate(OPEN_ALL_DETAILS)
        assert problems(page) == [], f"{what}, details open ({page.url})"
    if not reflow:
        return
    page.set_viewport_size(NARROW)
    try:  # charts resize a moment after the window does
        page.wait_for_function(FITS, timeout=3_000)
    except PlaywrightTimeoutError:
        widths = page.evaluate(f"[{WIDTH}, {CLIENT_WIDTH}]")
        pytest.fail(f"{what} ({page.url}) scrolls sideways at 320 px: {widths}")
    finally:
        page.set_viewport_size(DESKTOP)


def switch_to_english(page: Any) -> None:
    """Use the language switch in the header, as a person would."""
    page.get_by_role("button", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.get_by_role("button", name="Nederlands").is_visible()


def busy_conversation(desk: Desk) -> int:
    """Give the street-light conversation everything the page can show."""
    sanne, youssef = desk.users["sanne"], desk.users["youssef"]
    conv = desk.conversation("lamp")
    do_override_decision(
        sanne,
        desk.messages["lamp"],
        action="doorzetten",
        reason_code="wijkbeheer",
        justification="Wijkbeheer lost dit zelf op, bewoner krijgt bericht.",
    )
    do_store_reply(sanne, conv, "Hoi Anna, dank je! Wijkbeheer komt morgen om 10 uur kijken.")
    do_add_note(youssef, conv, "@sanne kun je dit morgen nog even nakijken?")
    do_create_followup(
        sanne, conv, title="Nagaan of de lamp brandt", due_at=timezone.now() - timedelta(days=1)
    )
    do_mark_presence(youssef, conv, typing=True)
    return conv.pk


def test_login_page_in_both_languages(live_server, page) -> None:
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page, "login")
    page.get_by_role("button", name="Inloggen").click()  # empty form: the error message
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "login with an error")
    switch_to_english(page)
    assert_accessible(page, "login in English")


def test_every_agent_page_in_every_state(live_server, page) -> None:
    desk = seed_desk()
    conv_id = busy_conversation(desk)
    login(page, live_server.url, "sanne", PASSWORD)
    assert page.get_by_text("noodkreet ik weet het echt niet meer").is_visible()
    assert_accessible(page, "inbox")

    # The "new messages" banner, fetched now instead of after the 15 s poll.
    desk.messages.update(seed_more_messages())
    page.evaluate(
        "url => htmx.ajax('GET', url, '#inbox-new')",
        page.locator("#inbox-new").get_attribute("hx-get"),
    )
    page.get_by_text("gesprek met een nieuw bericht", exact=False).wait_for()
    assert_accessible(page, "inbox with the new-messages banner")

    for query, what in [
        ("view=noodkreten", "saved view"),
        ("q=lantaarnpaal&channel=mastodon&deadline=verlopen", "search and filters"),
        ("q=bestaatniet", "no results"),
    ]:
        page.goto(f"{live_server.url}/inbox/?{query}")
        assert_accessible(page, f"inbox, {what}")

    page.goto(f"{live_server.url}/gesprek/{conv_id}/")
    page.get_by_text("Youssef heeft dit gesprek ook open", exact=False).wait_for()
    border = "el => getComputedStyle(el).borderBottomColor"
    note = page.get_by_label("Notitie (alleen zichtbaar voor collega's)")
    reply = page.get_by_label("Antwoord aan de inwoner")
    assert note.evaluate(border) == reply.evaluate(border), "an untouched field looks invalid"
    page.get_by_label("Antwoord aan de inwoner").fill(
        "Geachte heer, uw melding is middels het systeem in behandeling genomen."
    )
    page.get_by_role("heading", name="Toonspiegel", exact=False).wait_for()
    assert page.get_by_text("Beter: Beter:").count() == 0
    assert page.get_by_text("Beter: Schrijf “met”.").is_visible()
    assert_accessible(page, "conversation with presence warning and tone findings")

    for path, what in [
        (f"/gesprek/{desk.conversation('nood').pk}/", "crisis conversation"),
        ("/opvolgingen/", "follow-ups"),
        ("/opvolgingen/?wie=iedereen", "everyone's follow-ups"),
        ("/onverantwoorde-stilte/", "unaccounted silence"),
        ("/meldingen/", "notifications"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, what)

    switch_to_english(page)
    assert_accessible(page, "notifications in English")
    page.goto(f"{live_server.url}/gesprek/{conv_id}/")
    assert_accessible(page, "conversation in English")


def seed_more_messages() -> dict[str, Any]:
    """One message that arrives while the inbox is open."""
    from tests.browser.desk_data import ingest_analysed

    return ingest_analysed(
        {"nieuw": "vraag is de milieustraat zaterdag open?"}, sent_at=timezone.now(), author="Kees"
    )


def test_every_protocol_page_for_a_coordinator(live_server, page) -> None:
    desk = seed_desk()
    draft = draft_protocol(desk.users["marloes"])
    login(page, live_server.url, "marloes", PASSWORD)
    assert_accessible(page, "inbox for a coordinator")

    page.goto(f"{live_server.url}/protocol/")
    assert page.get_by_role("link", name=draft.version).is_visible()
    assert_accessible(page, "protocol versions")

    page.goto(f"{live_server.url}/protocol/bewerken/")
    assert_accessible(page, "protocol editor")
    editor = page.get_by_label("Protocol (YAML)")
    editor.fill("version: 1\nrules: [")
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "protocol editor with validation problems")

    page.goto(f"{live_server.url}/protocol/{draft.pk}/")
    assert page.get_by_role("heading", name="Verschil met de gepubliceerde versie").is_visible()
    assert_accessible(page, "draft protocol with its differences")
    page.goto(f"{live_server.url}/protocol/{draft.pk}/simulatie/?days=60")
    assert_accessible(page, "simulation")

    switch_to_english(page)
    assert_accessible(page, "simulation in English")
    page.goto(f"{live_server.url}/protocol/bewerken/")
    assert_accessible(page, "protocol editor in English")


def login_any(page: Any, base_url: str, username: str) -> None:
    """Log in through the form, whatever page the role lands on."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def create_admin() -> None:
    """An administrator (all capabilities)."""
    from nabij.actions.users import do_create_user

    do_create_user("admin", PASSWORD, role="admin", first_name="Ada")


@pytest.mark.parametrize("username", ["daan", "priya"])
def test_notifications_for_roles_without_the_inbox(live_server, page, username) -> None:
    seed_desk()
    login_any(page, live_server.url, username)
    page.goto(f"{live_server.url}/meldingen/")
    assert page.get_by_role("heading", name="Meldingen").is_visible()
    assert_accessible(page, f"notifications for {username}")


FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)


def tab_through(page: Any) -> tuple[set[str], list[str]]:
    """Press Tab through the whole page; return what got focus and what showed no focus ring."""
    total = page.evaluate(
        """(sel) => {
          const visible = Array.from(document.querySelectorAll(sel)).filter(el =>
            !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
          visible.forEach((el, i) => el.setAttribute('data-test-focus', String(i)));
          return visible.length;
        }""",
        FOCUSABLE,
    )
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached: set[str] = set()
    no_ring: list[str] = []
    for _ in range(total + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
              const el = document.activeElement;
              // Focus inside a control's own parts (a date field's calendar button): the
              // host does not match :focus and its ring is styled on the part itself.
              if (!el || el === document.body || !el.matches(':focus')) return null;
              const s = getComputedStyle(el);
              const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                || (s.boxShadow && s.boxShadow !== 'none');
              return {idx: el.getAttribute('data-test-focus'), ring,
                      name: el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 40)};
            }"""
        )
        if info is None or info["idx"] is None:
            continue
        reached.add(info["idx"])
        if not info["ring"]:
            no_ring.append(info["name"])
    missing = [
        page.evaluate(
            "i => { const el = document.querySelector(`[data-test-focus='${i}']`);"
            " return el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 40); }",
            str(i),
        )
        for i in range(total)
        if str(i) not in reached
    ]
    return set(missing), no_ring


def test_every_control_is_reachable_by_tab_with_a_visible_focus_ring(live_server, page) -> None:
    desk = seed_desk()
    conv_id = busy_conversation(desk)
    login(page, live_server.url, "sanne", PASSWORD)
    for path in ("/inbox/", f"/gesprek/{conv_id}/", "/opvolgingen/", "/onverantwoorde-stilte/"):
        page.goto(f"{live_server.url}{path}")
        page.evaluate(OPEN_ALL_DETAILS)
        missing, no_ring = tab_through(page)
        assert not missing, f"{path}: not reachable with Tab: {missing}"
        assert not no_ring, f"{path}: focus not visible on {no_ring}"


def test_single_key_shortcuts_can_be_switched_off(live_server, page) -> None:
    desk = seed_desk()
    login(page, live_server.url, "sanne", PASSWORD)
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/gesprek/")
    setting = page.get_by_label("Sneltoetsen met één toets gebruiken", exact=False)
    setting.uncheck()
    page.reload()
    assert not setting.is_checked()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement === document.body")
    page.goto(f"{live_server.url}/gesprek/{desk.conversation('lamp').pk}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement === document.body")
    setting.check()
    page.evaluate("document.activeElement.blur()")  # keys typed in a form field stay there
    page.keyboard.press("r")
    assert page.get_by_label("Antwoord aan de inwoner").evaluate(
        "el => el === document.activeElement"
    )


def test_browsing_templates_with_the_arrow_keys_keeps_the_draft(live_server, page) -> None:
    desk = seed_desk()
    login(page, live_server.url, "sanne", PASSWORD)
    page.goto(f"{live_server.url}/gesprek/{desk.conversation('lamp').pk}/")
    reply = page.get_by_label("Antwoord aan de inwoner")
    reply.fill("Mijn eigen begin")
    picker = page.get_by_label("Alle sjablonen")
    picker.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert picker.evaluate("el => el === document.activeElement")
    assert reply.input_value() == "Mijn eigen begin"
    chosen = picker.input_value()
    assert chosen
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Sjabloon invoegen"
    assert reply.input_value() == chosen
    assert reply.evaluate("el => el === document.activeElement")


OTHER_PAGES = {
    "daan": ["/signalen/", "/signalen/hartslag/", "/signalen/patronen/"],
    "marloes": ["/kanalen/", "/kanalen/nieuw/mastodon/", "/kanalen/{channel}/", "/webhooks/"],
    "admin": ["/api-sleutels/"],
}


@pytest.mark.parametrize("username", sorted(OTHER_PAGES))
def test_signal_and_channel_pages(live_server, page, username) -> None:
    desk = seed_desk()
    create_admin()
    channel = desk.messages["lamp"].channel_id
    login_any(page, live_server.url, username)
    for path in OTHER_PAGES[username]:
        response = page.goto(f"{live_server.url}{path.format(channel=channel)}")
        assert response is not None and response.status == 200, path
        # The heartbeat is an A4 report (also a PDF); its wide tables are not reflowed yet.
        assert_accessible(page, f"{path} for {username}", reflow="hartslag" not in path)


def test_public_web_form(live_server, page) -> None:
    page.goto(f"{live_server.url}/formulier/")
    assert_accessible(page, "public web form")
