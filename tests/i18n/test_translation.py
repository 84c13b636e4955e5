"""The English translation is complete, compiled, and what English-speaking staff see."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.i18n.pofile import Entry, parse_po, placeholders

LOCALE = Path(__file__).resolve().parents[2] / "nabij" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
SOURCES = Path(__file__).resolve().parents[2] / "nabij"

# Common Dutch interface words that must not be left on an English page.
DUTCH_UI_WORDS = (
    "Inloggen",
    "Gesprekken",
    "Antwoord",
    "Onverantwoorde stilte",
    "Opvolging",
    "Berichten",
    "Uitloggen",
    "Meldingen",
    "Signalen",
    "Opslaan",
    "Naar de inhoud",
)

TEMPLATE_LITERAL = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+[^%]*)?%}""")
PYTHON_LITERAL = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")


def _entries() -> list[Entry]:
    return [e for e in parse_po(PO) if not e.is_header]


# (a) the catalogue


def test_the_catalogue_has_entries_and_a_plural_rule() -> None:
    entries = parse_po(PO)
    header = next(e for e in entries if e.is_header)
    assert "nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "fuzzy" not in header.flags, "a fuzzy header is dropped by msgfmt"
    assert len(_entries()) > 400


def test_every_msgid_has_a_translation_and_none_is_fuzzy() -> None:
    problems = []
    for entry in _entries():
        forms = (0, 1) if entry.msgid_plural else (0,)
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy {entry.msgid!r}")
        if any(not entry.msgstr.get(i, "").strip() for i in forms):
            problems.append(f"line {entry.line}: untranslated {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_every_placeholder() -> None:
    problems = []
    for entry in _entries():
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
        for index, text in entry.msgstr.items():
            if placeholders(text) != expected:
                problems.append(f"line {entry.line} [{index}]: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _entries():
        if entry.msgctxt:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif entry.msgid_plural:
            one = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            many = compiled.ngettext(entry.msgid, entry.msgid_plural, 2)
            if (one, many) != (entry.msgstr[0], entry.msgstr[1]):
                stale.append(entry.msgid)
        elif compiled.gettext(entry.msgid) != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert not stale, "run compilemessages (docs/translation.md); stale: " + repr(stale[:10])


def _literals() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCES.rglob("*.html")):
        for match in TEMPLATE_LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.append((path.name, match.group(2)))
    for path in sorted(SOURCES.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "gettext" not in text:
            continue
        for match in PYTHON_LITERAL.finditer(text):
            found.append((path.name, ast.literal_eval(f'"{match.group(1)}"')))
    return found


def test_every_marked_string_in_the_sources_is_in_the_catalogue() -> None:
    known = {e.msgid for e in _entries()}
    literals = _literals()
    assert len(literals) > 300, "the source scan found too little; is the pattern broken?"
    missing = sorted({f"{name}: {text!r}" for name, text in literals if text not in known})
    assert not missing, "run makemessages and translate (docs/translation.md):\n" + "\n".join(
        missing
    )


# (b) English pages, (c) Dutch by default


@pytest.fixture
def site(db: None) -> dict[str, str]:
    """A coordinator, an analysed conversation, roll-ups and a protocol draft: URLs to visit."""
    from nabij.actions.analysis import do_analyse_messages
    from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
    from nabij.actions.protocols import published_version
    from nabij.actions.rollups import do_refresh_rollups
    from nabij.actions.users import do_create_user
    from tests.foundation.factories import item
    from tests.support.analysis import KeywordAnalyser

    do_create_user("marloes", "Sterk-wachtwoord-42", role="coordinator", first_name="Marloes")
    results = do_ingest_messages(
        get_or_create_channel("mastodon"),
        [
            item("1", text="klacht De lantaarnpaal in de Wiekstraat is al weken kapot"),
            item("2", text="vraag Wanneer wordt het grofvuil opgehaald?"),
            item("3", text="noodkreet Ik weet het niet meer, help"),
        ],
        queue_analysis=False,
    )
    do_analyse_messages([r.message.pk for r in results], analyser=KeywordAnalyser())
    do_refresh_rollups()
    version = published_version()
    return {
        "inbox": "/inbox/",
        "conversation": f"/gesprek/{results[0].message.conversation_id}/",
        "followups": "/opvolgingen/",
        "silence": "/onverantwoorde-stilte/",
        "protocol": "/protocol/",
        "protocol_detail": f"/protocol/{version.pk}/",
        "protocol_edit": "/protocol/bewerken/",
        "protocol_simulate": f"/protocol/{version.pk}/simulatie/?days=30",
        "dashboard": "/signalen/",
        "patterns": "/signalen/patronen/",
        "channels": "/kanalen/",
        "api_docs": "/api/v1/docs",
    }


def _logged_in(accept_language: str = "") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language) if accept_language else Client()
    assert client.login(username="marloes", password="Sterk-wachtwoord-42")
    return client


def _interface_text(html: str) -> str:
    """The page without residents' messages and protocol source, which stay in their language."""
    html = re.sub(r"<(textarea|pre|code|script)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<div class="nabij-text">.*?</div>', " ", html, flags=re.S)
    return html


def _dutch_words(html: str) -> list[str]:
    text = _interface_text(html)
    return [w for w in DUTCH_UI_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


ENGLISH_MARKERS = {
    "inbox": ("Saved views", "Search messages", "Cries for help"),
    "conversation": ("Conversation with", "Why (rules of the protocol)", "Internal note"),
    "followups": ("Show everyone's", "No open follow-ups."),
    "silence": ("Doing nothing is a message too",),
    "protocol": ("Webcare protocol", "Create a new draft from the published version"),
    "protocol_detail": ("Protocol version", "All versions"),
    "protocol_edit": ("Edit protocol", "Save draft"),
    "protocol_simulate": ("Simulation", "Number of decisions per action"),
    "dashboard": ("Messages per day, by type", "Responsiveness", "complaint", "negative (share)"),
    "patterns": ("Separate reports that together form a pattern", "This week's heartbeat"),
    "channels": ("Channels and their health",),
    "api_docs": ("Responses:", "Schemas"),
}


def test_the_login_page_is_english_for_an_english_browser(db: None) -> None:
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()
    assert '<html lang="en"' in body
    assert "Log in" in body and "Username" in body and "Password" in body
    assert _dutch_words(body) == []


@pytest.mark.parametrize("page", sorted(ENGLISH_MARKERS))
def test_staff_pages_are_english_for_an_english_browser(site: dict[str, str], page: str) -> None:
    response = _logged_in("en-GB,en;q=0.9").get(site[page])
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in body
    for marker in ENGLISH_MARKERS[page]:
        assert marker in body, f"{marker!r} missing on {page}"
    assert _dutch_words(body) == [], f"Dutch interface words left on {page}"


def test_english_choice_labels_and_saved_views(site: dict[str, str]) -> None:
    inbox = _logged_in("en").get(site["inbox"]).content.decode()
    assert "complaint" in inbox and "cry for help" in inbox and "acute" in inbox
    assert "Unaccounted silence" in inbox
    conversation = _logged_in("en").get(site["conversation"])
    assert "pass on" in conversation.content.decode()  # the decision's action label
    silence = _logged_in("en").get(site["silence"]).content.decode()
    assert "Follow advice for the selected messages" in silence and "escalate" in silence


def test_the_language_switch_keeps_english_for_the_session(site: dict[str, str]) -> None:
    client = _logged_in()
    response = client.post("/taal/", {"language": "en", "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get("/inbox/").content.decode()
    assert "Saved views" in body and _dutch_words(body) == []
    client.post("/taal/", {"language": "nl", "next": "/inbox/"})
    assert "Opgeslagen weergaven" in client.get("/inbox/").content.decode()


def test_an_english_flash_message_after_a_note(site: dict[str, str]) -> None:
    client = _logged_in("en")
    url = site["conversation"] + "notitie/"
    body = client.post(url, {"text": "Checked with the district team"}, follow=True)
    assert "Note added." in body.content.decode()


def test_dutch_is_the_default(site: dict[str, str]) -> None:
    login = Client().get("/login/").content.decode()
    assert '<html lang="nl"' in login and "Inloggen" in login and "Log in" not in login
    client = _logged_in()
    inbox = client.get(site["inbox"]).content.decode()
    assert "Opgeslagen weergaven" in inbox and "Saved views" not in inbox
    conversation = client.get(site["conversation"]).content.decode()
    assert "Gesprek met" in conversation and "Conversation with" not in conversation
    dashboard = client.get(site["dashboard"]).content.decode()
    assert "Signalen" in dashboard and "Responsiviteit" in dashboard
    assert "Schema's" in client.get(site["api_docs"]).content.decode()


def test_an_unknown_language_falls_back_to_dutch(db: None) -> None:
    body = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8").get("/login/").content.decode()
    assert '<html lang="nl"' in body and "Inloggen" in body
