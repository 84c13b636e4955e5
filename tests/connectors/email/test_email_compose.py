from __future__ import annotations

import datetime as dt

import pytest
from connector_testkit import fixture_bytes

from nabij.connectors.base import OutboundReply, PermanentError, Secret
from nabij.connectors.email.client import MailCursor
from nabij.connectors.email.compose import build_reply, references_for, reply_subject
from nabij.connectors.email.connector import EmailConnector, mail_to_message
from nabij.connectors.email.parse import message_ids

NOW = dt.datetime(2026, 9, 14, 10, 0, tzinfo=dt.UTC)


def test_reply_headers_continue_the_thread() -> None:
    target = mail_to_message(fixture_bytes("email", "reply_plain.eml")).reply_target
    msg = build_reply(
        target, "We komen morgen kijken.", "info@gemeente.example", "Gemeente", now=NOW
    )
    assert msg["To"] == "p.jansen@example.nl"
    assert msg["Subject"] == "Re: Uw melding over de speeltuin"
    assert msg["In-Reply-To"] == "<CAF123reply@mail.example.nl>"
    assert message_ids(msg["References"]) == [
        "first-001@mail.example.nl",
        "reply-001@gemeente.example",
        "CAF123reply@mail.example.nl",
    ]
    assert msg["Message-ID"].endswith("@gemeente.example>")
    assert msg["Auto-Submitted"] is None
    assert msg.get_content().strip() == "We komen morgen kijken."


def test_reply_goes_to_reply_to_and_never_to_robots() -> None:
    target = {"message_id": "a@b", "reply_to": "x@y.nl", "subject": "Vraag", "no_reply": ""}
    assert build_reply(target, "Hoi", "info@g.nl")["To"] == "x@y.nl"
    with pytest.raises(PermanentError, match="must not be answered"):
        build_reply({**target, "no_reply": "List-Id"}, "Hoi", "info@g.nl")
    with pytest.raises(PermanentError):
        build_reply({**target, "reply_to": "x@y.nl\r\nBcc: all@y.nl"}, "Hoi", "info@g.nl")


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Vraag", "Re: Vraag"),
        ("RE: Re: Vraag", "Re: Vraag"),
        ("Antw: AW: Vraag", "Re: Vraag"),
        ("", "Re: uw bericht"),
        ("Re[2]: x\r\nBcc: y", "Re: x Bcc: y"),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_references_are_trimmed_but_keep_the_root() -> None:
    refs = references_for("p", [f"r{i}" for i in range(40)])
    assert len(refs) == 20 and refs[0] == "r0" and refs[-1] == "p"


class FakeMailbox:
    def __init__(self, mails: list[tuple[int, bytes]]) -> None:
        self.mails = mails

    def fetch_new(self, cursor: MailCursor, limit: int = 50):
        new = [(u, r) for u, r in self.mails if u > cursor.last_uid][:limit]
        last = max([cursor.last_uid, *(u for u, _ in new)])
        return new, MailCursor(7, last)


class FakeSender:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, msg) -> str:
        self.sent.append(msg)
        return str(msg["Message-ID"])


CONFIG = {"address": "info@gemeente.example", "display_name": "Gemeente Voorbeeld"}


def test_poll_skips_auto_replies_reports_bounces_and_advances() -> None:
    names = [
        "reply_plain.eml",
        "auto_reply.eml",
        "bounce.eml",
        "mailing_list.eml",
        "outlook_html.eml",
    ]
    box = FakeMailbox([(i + 1, fixture_bytes("email", n)) for i, n in enumerate(names)])
    connector = EmailConnector(mailbox=lambda c, s: box)
    result = connector.poll(CONFIG, {"password": Secret("x")}, None)
    assert [m.external_id for m in result.messages] == [
        "CAF123reply@mail.example.nl",
        "nb-2026-09@wijk.example",
        "AM0PR01MB0001@outlook.example",
    ]
    assert result.notices[0]["original_message_id"] == "reply-002@gemeente.example"
    assert "automatic reply" in result.errors[0].error
    assert result.next_cursor == "7:5"
    assert connector.poll(CONFIG, {}, result.next_cursor).messages == ()


def test_send_uses_the_injected_sender() -> None:
    sender = FakeSender()
    connector = EmailConnector(sender=lambda c, s: sender)
    target = mail_to_message(fixture_bytes("email", "reply_plain.eml")).reply_target
    result = connector.send(CONFIG, {}, OutboundReply("Dank u.", target))
    assert sender.sent[0]["From"] == "Gemeente Voorbeeld <info@gemeente.example>"
    assert result.external_id == message_ids(sender.sent[0]["Message-ID"])[0]


def test_cursor_round_trip_and_junk() -> None:
    assert MailCursor.load("12:345") == MailCursor(12, 345)
    assert MailCursor.load("x:1") == MailCursor() == MailCursor.load(None)
    assert MailCursor.load(MailCursor(3, 4).dump()) == MailCursor(3, 4)
