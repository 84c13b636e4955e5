from __future__ import annotations

import datetime as dt

import pytest
from connector_testkit import fixture_bytes

from nabij.connectors.email.connector import EmailConnector, mail_to_message
from nabij.connectors.email.parse import (
    attachments,
    auto_reply_reason,
    parse_bounce,
    read_message,
    strip_quoted,
)


def mail(name: str) -> bytes:
    return fixture_bytes("email", name)


def test_reply_is_threaded_and_quotes_removed() -> None:
    msg = mail_to_message(mail("reply_plain.eml"))
    assert msg.external_id == "CAF123reply@mail.example.nl"
    assert msg.in_reply_to == "reply-001@gemeente.example"
    assert msg.thread_key == "first-001@mail.example.nl"
    assert msg.author_handle == "p.jansen@example.nl"
    assert msg.author_name == "Piet Jansen"
    assert msg.public is False
    assert msg.sent_at == dt.datetime(2026, 9, 14, 7, 15, tzinfo=dt.UTC)
    assert "kunt u iemand sturen?" in msg.text
    assert "We hebben uw melding doorgegeven" not in msg.text
    assert "schreef" not in msg.text
    assert msg.text.startswith("Re: Uw melding over de speeltuin\n\nDank voor uw snelle antwoord.")
    assert msg.reply_target["references"] == [
        "first-001@mail.example.nl",
        "reply-001@gemeente.example",
    ]
    assert msg.reply_target["no_reply"] == ""


def test_outlook_html_is_text_without_history_scripts_or_styles() -> None:
    msg = mail_to_message(mail("outlook_html.eml"))
    assert "Mijn parkeervergunning verloopt morgen en ik kan niet inloggen." in msg.text
    assert msg.text.startswith("Vraag over de parkeervergunning – spoed")
    for gone in ("Oude tekst", "alert(1)", "color: red", "Verzonden"):
        assert gone not in msg.text
    assert msg.thread_key == msg.external_id == "AM0PR01MB0001@outlook.example"


def test_attachments_have_safe_names_and_a_size_limit() -> None:
    found = attachments(read_message(mail("outlook_html.eml")))
    (pdf, pdf_data), (png, _) = found
    assert pdf.filename == "vergunning.pdf" and pdf.content_type == "application/pdf"
    assert pdf_data is not None and pdf_data.startswith(b"%PDF")
    assert "/" not in png.filename
    limited = attachments(read_message(mail("outlook_html.eml")), limit=60)
    assert limited[0][1] is not None  # 54 bytes: kept
    assert limited[1][1] is None and limited[1][0].stored is False  # 70 bytes: over
    assert limited[1][0].size == 70 and "larger than 60 bytes" in limited[1][0].reason


def test_auto_replies_lists_and_bulk_are_never_answered() -> None:
    assert auto_reply_reason(read_message(mail("auto_reply.eml"))) == "Auto-Submitted: auto-replied"
    assert auto_reply_reason(read_message(mail("mailing_list.eml"))) == "Precedence: bulk"
    assert auto_reply_reason(read_message(mail("reply_plain.eml"))) is None
    listed = mail_to_message(mail("mailing_list.eml"))
    assert listed.reply_target["no_reply"] == "Precedence: bulk"


def test_bounce_names_the_failed_reply_and_recipient() -> None:
    bounce = parse_bounce(read_message(mail("bounce.eml")))
    assert bounce is not None
    assert bounce.original_message_id == "reply-002@gemeente.example"
    assert bounce.recipient == "verkeerd@example.nl"
    assert (bounce.status, bounce.action) == ("5.1.1", "failed")
    assert parse_bounce(read_message(mail("reply_plain.eml"))) is None


def test_mail_without_message_id_gets_a_stable_hash_and_decoded_text() -> None:
    fetched = dt.datetime(2026, 9, 14, 12, 0, tzinfo=dt.UTC)
    first = mail_to_message(mail("no_headers.eml"), received_at=fetched)
    again = mail_to_message(mail("no_headers.eml"), received_at=fetched)
    assert first.sent_at == fetched
    with pytest.raises(ValueError, match="without a date"):
        mail_to_message(mail("no_headers.eml"))
    received = b"Received: from mx by mx.gemeente.example; Mon, 14 Sep 2026 10:00:00 +0200\n"
    assert mail_to_message(received + mail("no_headers.eml")).sent_at == dt.datetime(
        2026, 9, 14, 8, 0, tzinfo=dt.UTC
    )
    assert first.external_id == again.external_id
    assert first.external_id.startswith("sha256:")
    assert (
        first.text
        == "Klacht over geluidsoverlast café\n\nHet café op de hoek draait elke nacht muziek tot 3 uur."
    )
    assert first.thread_key == first.external_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja graag.\n\nOn Mon, 14 Sep 2026 Anna <a@b.nl> wrote:\n> vraag", "Ja graag."),
        ("Prima\n-----Oorspronkelijk bericht-----\nVan: x", "Prima"),
        ("Akkoord\n\nVan: Gemeente\nVerzonden: maandag\nAan: mij", "Akkoord"),
        ("Van: mij persoonlijk een bedankje.", "Van: mij persoonlijk een bedankje."),
        ("Hoi\n> oud\nnieuw", "Hoi\nnieuw"),
    ],
)
def test_strip_quoted(text: str, expected: str) -> None:
    assert strip_quoted(text) == expected


def test_junk_never_crashes() -> None:
    result = EmailConnector().parse([b"", b"\x00\xff garbage", 5, "From: \nSubject: x\n\nbody"])
    assert result.messages == ()
    assert len(result.errors) == 4
