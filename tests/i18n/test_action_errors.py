"""Errors from actions speak the language of the place where they are raised.

Web views show `str(exc)` of an ActionError in a flash message, the CLI prints it: the
text is a Dutch msgid, rendered when raised in the request's language (web) or in the
installation's default language (CLI and workers, NABIJ_LANGUAGE, default nl).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from nabij.actions.apitokens import do_create_api_token
from nabij.actions.channels import access_channel
from nabij.actions.conversations import check_text
from nabij.actions.desk import check_followup, do_set_status
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.ingest import do_ingest_messages, get_or_create_channel
from nabij.actions.ownposts_mastodon import check_days
from nabij.actions.users import check_new_user, do_create_user
from nabij.actions.webhooks import do_create_webhook_subscription
from nabij.cli import main
from nabij.models import Conversation, Message
from tests.foundation.factories import item

NABIJ = Path(__file__).resolve().parents[2] / "nabij"
ERRORS = {"ActionError", "PermissionDenied"}
# Being reworked by its owner at the time of writing; its one message is still English.
NOT_YET_TRANSLATED = {"patterns.py"}
PASSWORD = "Sterk-wachtwoord-42"
DUE = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def untranslated_errors(source: str) -> list[int]:
    """Lines where an ActionError or PermissionDenied gets a bare string or an f-string."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in ERRORS or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        ):
            lines.append(node.lineno)
    return lines


def test_the_scanner_finds_a_bare_message() -> None:
    assert untranslated_errors('raise ActionError("kapot")') == [1]
    assert untranslated_errors('x = 1\nraise PermissionDenied(f"nee {x}")') == [2]
    assert untranslated_errors('raise ActionError(_("kapot"))') == []
    assert untranslated_errors("raise ActionError(_('x %(a)s') % {'a': 1})") == []


def test_no_action_error_carries_an_untranslated_message() -> None:
    problems = []
    for folder in ("actions", "web", "commands"):
        for path in sorted((NABIJ / folder).glob("*.py")):
            if path.name in NOT_YET_TRANSLATED:
                continue
            for line in untranslated_errors(path.read_text(encoding="utf-8")):
                problems.append(f"{folder}/{path.name}:{line}")
    assert problems == [], "wrap the message in _() with a Dutch msgid (docs/translation.md)"


def _message_of(call: Callable[[], Any]) -> str:
    with pytest.raises(ActionError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize(
    ("call", "dutch", "english"),
    [
        (lambda: check_text("  ", 100, "note"), "de notitie is leeg", "the note is empty"),
        (
            lambda: check_text("x" * 11, 10, "reply"),
            "het antwoord is langer dan 10 tekens",
            "the reply is longer than 10 characters",
        ),
        (lambda: check_followup("", DUE), "zeg wat er moet gebeuren", "say what must be done"),
        (
            lambda: check_followup("Terugbellen", None),
            "een opvolging heeft een datum nodig",
            "a follow-up needs a date",
        ),
        (
            lambda: check_days(0),
            "het aantal dagen moet tussen 1 en",
            "the number of days must be between 1 and",
        ),
    ],
)
def test_messages_are_dutch_by_default_and_english_when_english_is_active(
    call: Callable[[], Any], dutch: str, english: str
) -> None:
    assert dutch in _message_of(call)
    with translation.override("en"):
        assert english in _message_of(call)
    with translation.override("nl"):
        assert dutch in _message_of(call)


def test_the_message_is_rendered_where_it_is_raised() -> None:
    with translation.override("en"):
        with pytest.raises(ActionError) as english:
            check_text("", 10, "reply")
    with pytest.raises(ActionError) as dutch:
        check_text("", 10, "reply")
    with translation.override("en"):
        assert str(dutch.value) == "het antwoord is leeg"  # no late switch of language
    assert str(english.value) == "the reply is empty"


@pytest.mark.django_db
def test_permission_and_validation_messages_in_both_languages() -> None:
    agent = do_create_user("sanne", PASSWORD, role="agent")
    admin = do_create_user("ahmed", PASSWORD, role="admin")
    with pytest.raises(PermissionDenied) as denied:
        access_channel(agent, 1)
    assert str(denied.value) == "je mag geen kanalen beheren"
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as denied:
            access_channel(agent, 1)
        assert str(denied.value) == "you may not manage channels"
        assert _message_of(lambda: check_new_user("sanne", PASSWORD, "agent")) == (
            "user 'sanne' already exists"
        )
        assert _message_of(lambda: do_create_api_token(admin, "x", scopes=["write", "rm"])) == (
            "unknown permissions: 'write', 'rm'"
        )
    assert _message_of(lambda: do_create_api_token(admin, "x", scopes=["write"])) == (
        "onbekend recht: 'write'"
    )
    assert _message_of(lambda: check_new_user("nieuw", PASSWORD, "baas")).startswith(
        "onbekende rol 'baas'; kies uit agent, "
    )
    assert _message_of(lambda: do_create_webhook_subscription(admin, "ftp://x", ["*"])) == (
        "het webhookadres moet een http(s)-adres zijn"
    )


def _conversation() -> Conversation:
    result = do_ingest_messages(
        get_or_create_channel("mastodon"), [item("1")], queue_analysis=False
    )[0]
    return result.message.conversation


@pytest.mark.django_db
def test_a_status_that_does_not_exist_is_named_in_the_active_language() -> None:
    conv = _conversation()
    # Untrusted input is shown quoted and cut short, never as markup or a whole essay.
    hostile = "<b>" + "x" * 200
    message = _message_of(lambda: do_set_status(None, conv, hostile))
    assert message.startswith("onbekende status '<b>xxx") and len(message) < 80
    with translation.override("en"):
        assert _message_of(lambda: do_set_status(None, conv, "weg")) == "unknown status 'weg'"


def _client(accept_language: str = "") -> Client:
    do_create_user("sanne", PASSWORD, role="agent", first_name="Sanne")
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language) if accept_language else Client()
    assert client.login(username="sanne", password=PASSWORD)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected", "not_expected"),
    [
        ("", "onbekende status &#x27;&lt;b&gt;weg&#x27;", "unknown status"),
        ("en-GB,en;q=0.9", "unknown status &#x27;&lt;b&gt;weg&#x27;", "onbekende status"),
    ],
)
def test_the_web_ui_shows_the_error_in_the_request_language(
    accept_language: str, expected: str, not_expected: str
) -> None:
    client = _client(accept_language)
    conv = _conversation()
    page = client.post(f"/gesprek/{conv.pk}/status/", {"status": "<b>weg"}, follow=True)
    body = page.content.decode()
    assert page.status_code == 200
    assert expected in body and not_expected not in body
    assert "<b>weg" not in body  # escaped, not markup


@pytest.mark.django_db
def test_flash_messages_combine_the_view_text_and_the_action_error() -> None:
    conv = _conversation()
    message = Message.objects.get(conversation=conv)
    dutch = _client()
    body = dutch.post(f"/gesprek/{conv.pk}/notitie/", {"text": "   "}, follow=True)
    assert "De notitie is niet opgeslagen: de notitie is leeg" in body.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert english.login(username="sanne", password=PASSWORD)
    body = english.post(
        f"/bericht/{message.pk}/afwijken/",
        {"action": "monitoren", "reason_code": "x", "justification": "nee"},
        follow=True,
    )
    assert "Not recorded: say why you deviate from the advice" in body.content.decode()
    body = english.post(f"/gesprek/{conv.pk}/opvolging/", {"title": "", "due": ""}, follow=True)
    assert "Follow-up not created: say what must be done" in body.content.decode()


@pytest.mark.django_db
def test_the_cli_speaks_the_installation_language(capsys, settings) -> None:
    assert main(["signals", "own-posts", "--from-mastodon", "geen-kanaal"]) == 2
    assert "geen kanaal met code 'geen-kanaal'" in capsys.readouterr().err
    settings.LANGUAGE_CODE = "en"  # NABIJ_LANGUAGE=en
    assert main(["signals", "own-posts", "--from-mastodon", "geen-kanaal"]) == 2
    assert "no channel with code 'geen-kanaal'" in capsys.readouterr().err
