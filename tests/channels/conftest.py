"""Fixtures of the channel tests: the real mail server, local HTTP servers, users."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tests.channels.mailserver import MailServer, MailServerUnavailable, start_mail_server

# The connectors' loopback HTTP server with injectable faults is reused from their tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from connector_testkit import LocalServer

PASSWORD = "Sterk-wachtwoord-42"


@pytest.fixture(scope="session")
def mail_server_session() -> Iterator[MailServer]:
    try:
        server = start_mail_server()
    except MailServerUnavailable as exc:
        pytest.skip(f"no real mail server for the e-mail tests: {exc}")
    yield server
    server.stop()


@pytest.fixture
def mail_server(
    mail_server_session: MailServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MailServer]:
    """The running Postfix + Dovecot, with Python trusting their test certificate."""
    monkeypatch.setenv("SSL_CERT_FILE", str(mail_server_session.ca_file))
    for user in ("webcare", "inwoner"):
        for sub in ("new", "cur"):
            for path in (mail_server_session.maildir(user) / sub).glob("*"):
                path.unlink()
    yield mail_server_session


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    with LocalServer(slow_seconds=1.0) as server:
        yield server


def login(role: str, username: str | None = None) -> Client:
    """A test client logged in as a new user with the role."""
    from nabij.actions.users import do_create_user

    name = username or role
    do_create_user(name, PASSWORD, role=role, first_name=name.title())
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    return client
