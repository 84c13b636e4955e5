"""The stdlib IMAP and SMTP clients against tiny loopback servers speaking the protocols."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
from connector_testkit import fixture_bytes

from nabij.connectors.base import PermanentError, Secret, TemporaryError
from nabij.connectors.email.client import (
    ImapMailbox,
    ImapSettings,
    MailCursor,
    SmtpSender,
    SmtpSettings,
)
from nabij.connectors.email.connector import EmailConnector


class ImapState:
    def __init__(self, mails: list[bytes], uidvalidity: int = 7, idle: bool = True) -> None:
        self.mails = {i + 1: m for i, m in enumerate(mails)}
        self.uidvalidity = uidvalidity
        self.idle = idle
        self.new_mail_during_idle = False
        self.commands: list[str] = []


def imap_handler(state: ImapState) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def say(self, line: str | bytes) -> None:
            self.wfile.write(line.encode() if isinstance(line, str) else line)

        def handle(self) -> None:
            self.say("* OK loopback IMAP ready\r\n")
            while line := self.rfile.readline():
                tag, _, rest = line.decode().strip().partition(" ")
                command, _, args = rest.partition(" ")
                command = command.upper()
                state.commands.append(f"{command} {args}".strip())
                if command == "CAPABILITY":
                    caps = "IMAP4rev1 IDLE" if state.idle else "IMAP4rev1"
                    self.say(f"* CAPABILITY {caps}\r\n{tag} OK done\r\n")
                elif command == "LOGIN":
                    ok = args.replace('"', "").split() == ["gemeente", "geheim"]
                    self.say(
                        f"{tag} OK logged in\r\n"
                        if ok
                        else f"{tag} NO [AUTHENTICATIONFAILED] no\r\n"
                    )
                elif command in ("SELECT", "EXAMINE"):
                    self.say(
                        f"* {len(state.mails)} EXISTS\r\n* OK [UIDVALIDITY {state.uidvalidity}] ok\r\n"
                    )
                    self.say(f"{tag} OK [READ-ONLY] done\r\n")
                elif command == "UID":
                    self.uid(tag, args)
                elif command == "IDLE":
                    self.say("+ idling\r\n")
                    if state.new_mail_during_idle:
                        self.say(f"* {len(state.mails) + 1} EXISTS\r\n")
                    self.rfile.readline()  # DONE
                    self.say(f"{tag} OK IDLE terminated\r\n")
                elif command == "LOGOUT":
                    self.say(f"* BYE\r\n{tag} OK bye\r\n")
                    return
                else:
                    self.say(f"{tag} BAD unknown\r\n")

        def uid(self, tag: str, args: str) -> None:
            sub, _, rest = args.partition(" ")
            if sub.upper() == "SEARCH":
                start = int(re.search(r"(\d+):\*", rest).group(1))  # type: ignore[union-attr]
                uids = [u for u in state.mails if u >= start] or (
                    [max(state.mails)] if state.mails else []
                )
                self.say(f"* SEARCH {' '.join(map(str, uids))}\r\n{tag} OK done\r\n")
            else:
                uid = int(rest.split()[0])
                body = state.mails[uid]
                self.say(
                    f"* {uid} FETCH (UID {uid} BODY[] {{{len(body)}}}\r\n".encode()
                    + body
                    + b")\r\n"
                )
                self.say(f"{tag} OK done\r\n")

    return Handler


class SmtpState:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.temporary_failure = False


def smtp_handler(state: SmtpState) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def say(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.say("220 loopback ESMTP")
            sender, rcpts = "", []
            while line := self.rfile.readline():
                verb = line.decode().strip()
                upper = verb.upper()
                if upper.startswith(("EHLO", "HELO")):
                    self.say("250-loopback\r\n250 8BITMIME")
                elif upper.startswith("MAIL FROM:"):
                    sender = verb[10:].strip()
                    self.say("451 try later" if state.temporary_failure else "250 ok")
                elif upper.startswith("RCPT TO:"):
                    address = verb[8:].strip().strip("<>")
                    refused = address in state.refuse
                    self.say("550 no such user" if refused else "250 ok")
                    if not refused:
                        rcpts.append(address)
                elif upper == "DATA":
                    self.say("354 go ahead")
                    data = b""
                    while (chunk := self.rfile.readline()) != b".\r\n":
                        data += chunk
                    state.messages.append((sender, rcpts, data))
                    self.say("250 queued")
                elif upper == "QUIT":
                    self.say("221 bye")
                    return
                else:
                    self.say("250 ok")

    return Handler


@contextmanager
def serve(handler: type[socketserver.StreamRequestHandler]) -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def mailbox(port: int, password: str = "geheim") -> ImapMailbox:  # noqa: S107
    return ImapMailbox(
        ImapSettings("127.0.0.1", port, "gemeente", Secret(password), tls="none"), timeout=2
    )


def test_imap_reads_new_mails_by_uid_and_resumes() -> None:
    state = ImapState([fixture_bytes("email", n) for n in ("reply_plain.eml", "outlook_html.eml")])
    with serve(imap_handler(state)) as port:
        mails, cursor = mailbox(port).fetch_new(MailCursor())
        assert [uid for uid, _ in mails] == [1, 2] and cursor == MailCursor(7, 2)
        assert mails[0][1] == fixture_bytes("email", "reply_plain.eml")
        assert "UID FETCH 1 (BODY.PEEK[])" in state.commands  # mails stay unread
        again, same = mailbox(port).fetch_new(cursor)
        assert again == [] and same == cursor  # "3:*" answers the last UID: not new
        state.mails[3] = fixture_bytes("email", "no_headers.eml")
        newer, cursor = mailbox(port).fetch_new(cursor)
        assert [uid for uid, _ in newer] == [3] and cursor == MailCursor(7, 3)
        state.uidvalidity = 8  # the mailbox was rebuilt: read everything again
        rebuilt, cursor = mailbox(port).fetch_new(cursor)
        assert len(rebuilt) == 3 and cursor == MailCursor(8, 3)


def test_imap_batches_and_login_errors() -> None:
    state = ImapState([fixture_bytes("email", "reply_plain.eml")] * 5)
    with serve(imap_handler(state)) as port:
        first, cursor = mailbox(port).fetch_new(MailCursor(), limit=2)
        assert [u for u, _ in first] == [1, 2] and cursor.last_uid == 2
        with pytest.raises(PermanentError, match="login refused"):
            mailbox(port, "fout").fetch_new(MailCursor())
        assert "geheim" not in repr(mailbox(port).settings)
    with pytest.raises(TemporaryError):
        mailbox(port).fetch_new(MailCursor())  # the server is gone


def test_imap_idle_and_fallback() -> None:
    state = ImapState([])
    with serve(imap_handler(state)) as port:
        assert mailbox(port).wait_for_new(0.2) is False  # timed out, nothing new
        state.new_mail_during_idle = True
        assert mailbox(port).wait_for_new(2) is True
        state.idle = False
        assert mailbox(port).wait_for_new(2) is False  # no IDLE: the worker polls


def test_connector_poll_over_imap() -> None:
    state = ImapState(
        [fixture_bytes("email", n) for n in ("reply_plain.eml", "auto_reply.eml", "bounce.eml")]
    )
    config = {
        "address": "info@gemeente.example",
        "imap_host": "127.0.0.1",
        "username": "gemeente",
        "imap_tls": "none",
    }
    with serve(imap_handler(state)) as port:
        result = EmailConnector().poll(
            {**config, "imap_port": port}, {"password": Secret("geheim")}, None
        )
    assert [m.external_id for m in result.messages] == ["CAF123reply@mail.example.nl"]
    assert result.notices[0]["recipient"] == "verkeerd@example.nl"
    assert result.next_cursor == "7:3"


def reply() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "info@gemeente.example"
    msg["To"] = "p.jansen@example.nl"
    msg["Subject"] = "Re: Speeltuin"
    msg["Message-ID"] = "<r1@gemeente.example>"
    msg.set_content("We komen kijken.")
    return msg


def sender(port: int) -> SmtpSender:
    return SmtpSender(SmtpSettings("127.0.0.1", port, "", Secret(""), tls="none"), timeout=2)


def test_smtp_sends_and_maps_refusals() -> None:
    state = SmtpState()
    with serve(smtp_handler(state)) as port:
        assert sender(port).send(reply()) == "<r1@gemeente.example>"
        ((_sender, rcpts, data),) = state.messages
        assert rcpts == ["p.jansen@example.nl"] and b"We komen kijken." in data
        state.refuse.add("p.jansen@example.nl")
        with pytest.raises(PermanentError, match="recipient"):
            sender(port).send(reply())
        state.refuse.clear()
        state.temporary_failure = True
        with pytest.raises(TemporaryError, match="451"):
            sender(port).send(reply())
    with pytest.raises(TemporaryError):
        sender(port).send(reply())
