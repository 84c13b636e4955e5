"""E-mail end to end against a real Postfix + Dovecot on 127.0.0.1.

A resident mails the organisation, a poll turns it into a conversation, an agent's reply
is delivered over SMTP and arrives in the resident's mailbox threaded under the
original; the resident's answer to that reply joins the same conversation.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from nabij.actions.channels import cursor_position, do_configure_channel, do_poll_channel
from nabij.actions.conversations import do_store_reply
from nabij.actions.delivery import do_deliver_reply
from nabij.actions.users import do_create_user
from nabij.models import AuditEvent, Channel, Conversation, Message, Reply
from tests.channels.mailserver import PASSWORD, MailServer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _email_channel(server: MailServer) -> Channel:
    return do_configure_channel(
        None,
        kind="email",
        slug="gemeente-mail",
        name="Gemeente e-mail",
        config={
            "address": server.address("webcare"),
            "display_name": "Webcare Gemeente",
            "imap_host": "127.0.0.1",
            "imap_port": str(server.imap_port),
            "imap_tls": "starttls",
            "username": "webcare",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(server.smtp_port),
            "smtp_tls": "starttls",
        },
        secrets={"password": PASSWORD},
    )


def _resident_mail(server: MailServer, message_id: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Anna Jansen <{server.address('inwoner')}>"
    msg["To"] = server.address("webcare")
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{message_id}>"
    msg["Date"] = "Mon, 05 Oct 2026 09:00:00 +0200"
    msg.set_content(body)
    return msg


def test_a_residents_mail_becomes_a_conversation_and_the_reply_arrives_threaded(
    mail_server: MailServer,
) -> None:
    channel = _email_channel(mail_server)
    mail_server.submit(
        _resident_mail(
            mail_server,
            "lamp-1@inwoners.test",
            "Lantaarnpaal kapot",
            "De lantaarnpaal voor Wiekstraat 12 brandt al een week niet.",
        )
    )
    mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<lamp-1@inwoners.test>")

    outcome = do_poll_channel(channel.pk)
    assert outcome.error == "" and outcome.created == 1
    message = Message.objects.get(channel=channel, external_id="lamp-1@inwoners.test")
    conv = message.conversation
    assert "brandt al een week niet" in message.text
    assert conv.subject == "Lantaarnpaal kapot"
    assert message.contact is not None and message.contact.display_name == "Anna Jansen"
    channel.refresh_from_db()
    assert cursor_position(channel) is not None and channel.last_success_at is not None
    assert do_poll_channel(channel.pk).created == 0  # the cursor moved past the mail

    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent", first_name="Sanne")
    reply = do_store_reply(
        agent, Conversation.objects.get(pk=conv.pk), "Dank u, we gaan ernaar kijken."
    )
    assert do_deliver_reply(reply.pk) == Reply.State.SENT

    delivered = mail_server.wait_for("inwoner", lambda m: "Lantaarnpaal kapot" in str(m["Subject"]))
    assert delivered["Subject"] == "Re: Lantaarnpaal kapot"
    assert delivered["In-Reply-To"] == "<lamp-1@inwoners.test>"
    assert "<lamp-1@inwoners.test>" in delivered["References"]
    assert mail_server.address("webcare") in delivered["From"]
    assert "Dank u, we gaan ernaar kijken." in delivered.get_content()
    reply.refresh_from_db()
    assert reply.state == Reply.State.SENT and reply.sent_at is not None
    assert f"<{reply.message.external_id}>" == delivered["Message-ID"]
    assert AuditEvent.objects.filter(verb="reply.sent").exists()

    # The resident answers our reply: it joins the same conversation.
    answer = _resident_mail(mail_server, "lamp-2@inwoners.test", "Re: Lantaarnpaal kapot", "Dank!")
    answer["In-Reply-To"] = delivered["Message-ID"]
    answer["References"] = f"<lamp-1@inwoners.test> {delivered['Message-ID']}"
    mail_server.submit(answer)
    mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<lamp-2@inwoners.test>")
    assert do_poll_channel(channel.pk).created == 1
    second = Message.objects.get(channel=channel, external_id="lamp-2@inwoners.test")
    assert second.conversation_id == conv.pk


def test_a_wrong_password_is_shown_as_the_channel_error(mail_server: MailServer) -> None:
    channel = _email_channel(mail_server)
    channel.secrets.filter(name="password").update(value="wrong")
    outcome = do_poll_channel(channel.pk)
    channel.refresh_from_db()
    assert "login refused" in outcome.error.lower()
    assert "login refused" in channel.last_error.lower() and channel.last_error_at is not None
    assert "wrong" not in channel.last_error  # the secret itself never appears


def test_smtp_refusing_the_login_marks_the_reply_failed_with_a_reason(
    mail_server: MailServer,
) -> None:
    channel = _email_channel(mail_server)
    mail_server.submit(_resident_mail(mail_server, "x-1@inwoners.test", "Vraag", "Wanneer?"))
    mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<x-1@inwoners.test>")
    do_poll_channel(channel.pk)
    conv = Message.objects.get(external_id="x-1@inwoners.test").conversation
    channel.secrets.filter(name="password").update(value="wrong")
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reply = do_store_reply(agent, conv, "Morgen.")
    assert do_deliver_reply(reply.pk) == Reply.State.FAILED
    reply.refresh_from_db()
    assert reply.last_error == "SMTP login refused" and reply.attempts == 1


def test_a_web_form_message_is_answered_by_email(mail_server: MailServer) -> None:
    from nabij.actions.webform import WebformSubmission, do_submit_webform

    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reference = do_submit_webform(
        WebformSubmission(
            text="Wanneer wordt het gras gemaaid?", email=mail_server.address("inwoner")
        )
    )
    conv = Message.objects.get(external_id=reference).conversation
    reply = do_store_reply(agent, conv, "Volgende week dinsdag.")
    assert do_deliver_reply(reply.pk) == Reply.State.FAILED  # no e-mail channel yet
    reply.refresh_from_db()
    assert "no e-mail channel" in reply.last_error

    _email_channel(mail_server)
    Reply.objects.filter(pk=reply.pk).update(state="queued", next_attempt_at=None)
    assert do_deliver_reply(reply.pk) == Reply.State.SENT
    delivered = mail_server.wait_for("inwoner", lambda m: reference in str(m["Subject"]))
    assert delivered["Subject"] == f"Re: {reference}"
    assert "Volgende week dinsdag." in delivered.get_content()


class WorkerKilled(BaseException):
    """Stands in for SIGKILL inside the poll's transaction."""


def test_a_worker_killed_while_storing_mail_loses_and_doubles_nothing(
    mail_server: MailServer,
) -> None:
    from django.db import connection

    channel = _email_channel(mail_server)
    for n in range(3):
        mail_server.submit(
            _resident_mail(mail_server, f"k-{n}@inwoners.test", f"Melding {n}", "Tekst")
        )
    mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<k-2@inwoners.test>")
    mail_server.wait_for("webcare", lambda m: len(mail_server.mails("webcare")) == 3)

    inserted = []

    def kill_at_cursor(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith("INSERT") and "nabij_message" in sql:
            inserted.append(sql)
        if sql.startswith("UPDATE") and "nabij_channel" in sql:
            raise WorkerKilled
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kill_at_cursor), pytest.raises(WorkerKilled):
        do_poll_channel(channel.pk)
    assert inserted  # the mails had been written when the worker died
    assert not Message.objects.filter(channel=channel).exists()
    assert do_poll_channel(channel.pk).created == 3
    assert do_poll_channel(channel.pk).created == 0
    ids = list(Message.objects.filter(channel=channel).values_list("external_id", flat=True))
    assert sorted(ids) == ["k-0@inwoners.test", "k-1@inwoners.test", "k-2@inwoners.test"]


def test_a_reply_to_an_unknown_address_fails_with_the_servers_refusal(
    mail_server: MailServer,
) -> None:
    channel = _email_channel(mail_server)
    msg = _resident_mail(mail_server, "ghost-1@inwoners.test", "Vraag", "Bestaat dit adres?")
    msg.replace_header("From", "Niemand <niemand@inwoners.test>")
    mail_server.submit(msg)
    mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<ghost-1@inwoners.test>")
    do_poll_channel(channel.pk)
    conv = Message.objects.get(external_id="ghost-1@inwoners.test").conversation
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reply = do_store_reply(agent, conv, "Ja hoor.")
    assert do_deliver_reply(reply.pk) == Reply.State.FAILED
    reply.refresh_from_db()
    assert reply.last_error == "the recipient address was refused"
