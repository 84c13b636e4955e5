"""The scheduler (`nabij channels run`) and the IMAP IDLE watcher."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage

import pytest
from connector_testkit import LocalServer
from django.utils import timezone

from nabij.actions.channels import do_configure_channel
from nabij.actions.conversations import do_store_reply
from nabij.actions.users import do_create_user
from nabij.cli import main
from nabij.models import Channel, InboundPayload, Message, Reply
from nabij.tasks.channels import sweep, watch_mailbox
from tests.channels.helpers import MastodonServer, mastodon_channel
from tests.channels.mailserver import PASSWORD, MailServer

pytestmark = pytest.mark.django_db


def test_one_scheduler_round_polls_and_delivers_what_is_due(
    local_server: LocalServer, capsys
) -> None:
    mastodon = MastodonServer(local_server)
    mastodon.add(3)
    channel = mastodon_channel(local_server)
    Channel.objects.create(kind="mastodon", slug="uit", name="Uit", enabled=False)
    # The test settings run tasks inline, so one round does the work itself.
    assert main(["channels", "run", "--once", "--interval", "1"]) == 0
    assert Message.objects.filter(channel=channel).count() == 3

    conv = Message.objects.filter(channel=channel).first().conversation
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reply = do_store_reply(agent, conv, "We gaan ermee aan de slag.")
    Reply.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    report = sweep()
    assert report.replies == 1 and report.polls == 1
    reply.refresh_from_db()
    assert reply.state == "sent" and len(mastodon.posted) == 1
    assert sweep().replies == 0  # nothing due any more


def test_the_scheduler_does_not_pile_up_the_same_job(local_server: LocalServer) -> None:
    channel = mastodon_channel(local_server)
    channel.config = {"base_url": "http://127.0.0.1:9"}  # down: payloads stay pending
    channel.save(update_fields=["config"])
    fb = do_configure_channel(
        None, kind="facebook", slug="fb", name="FB", config={"account_id": "1"},
        secrets={"access_token": "t", "app_secret": "s", "verify_token": "v"},
    )  # fmt: skip
    payload = InboundPayload.objects.create(channel=fb, body=b"{}", headers={})
    InboundPayload.objects.filter(pk=payload.pk).update(
        received_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    recent: dict = {}
    first = sweep(recent, polls=False)
    assert first.payloads == 1
    payload.refresh_from_db()
    assert payload.state == "done"  # the inline task processed it
    assert sweep(recent, polls=False).payloads == 0


@pytest.mark.slow
def test_idle_wakes_up_on_new_mail_and_polls(mail_server: MailServer) -> None:
    channel = do_configure_channel(
        None,
        kind="email",
        slug="mail",
        name="Mail",
        config={
            "address": mail_server.address("webcare"),
            "imap_host": "127.0.0.1",
            "imap_port": str(mail_server.imap_port),
            "imap_tls": "starttls",
            "username": "webcare",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(mail_server.smtp_port),
            "smtp_tls": "starttls",
        },
        secrets={"password": PASSWORD},
    )
    stop = threading.Event()

    def resident_writes_then_stop() -> None:
        time.sleep(1.0)
        msg = EmailMessage()
        msg["From"] = mail_server.address("inwoner")
        msg["To"] = mail_server.address("webcare")
        msg["Subject"] = "Boom omgewaaid"
        msg["Message-ID"] = "<boom-1@inwoners.test>"
        msg.set_content("Er ligt een boom over het fietspad.")
        mail_server.submit(msg)
        mail_server.wait_for("webcare", lambda m: m["Message-ID"] == "<boom-1@inwoners.test>")
        time.sleep(2.0)
        stop.set()

    writer = threading.Thread(target=resident_writes_then_stop)
    started = time.monotonic()
    writer.start()
    watch_mailbox(channel.pk, idle_seconds=3.0, fallback_interval=30.0, stop=stop)
    writer.join()
    assert Message.objects.filter(channel=channel, external_id="boom-1@inwoners.test").exists()
    # Woken by IDLE, not by the 30-second fallback timer.
    assert time.monotonic() - started < 15
