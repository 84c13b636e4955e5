"""IMAP (in, with IDLE and a polling fallback) and SMTP (out) on the standard library.

The clients hold no state between calls beyond one connection; the cursor the caller
persists is `<UIDVALIDITY>:<highest UID persisted>`, so a restart resumes exactly and a
mailbox that was rebuilt (new UIDVALIDITY) is read again from the start, which is safe
because ingestion is idempotent on the Message-ID.
"""

from __future__ import annotations

import imaplib
import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from nabij.connectors.base import PermanentError, Secret, TemporaryError

FETCH_BATCH = 50
TIMEOUT = 30.0
_UID = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class MailCursor:
    """Where reading stopped: the mailbox's UIDVALIDITY and the last UID persisted."""

    uidvalidity: int = 0
    last_uid: int = 0

    @classmethod
    def load(cls, text: str | None) -> MailCursor:
        """Read a stored cursor; junk means 'from the start'."""
        left, _, right = (text or "").partition(":")
        return cls(int(left), int(right)) if left.isdigit() and right.isdigit() else cls()

    def dump(self) -> str:
        """Serialise for persisting."""
        return f"{self.uidvalidity}:{self.last_uid}"


@dataclass(frozen=True)
class ImapSettings:
    """Where and how to log in."""

    host: str
    port: int
    username: str
    password: Secret
    mailbox: str = "INBOX"
    tls: str = "ssl"  # "ssl" (993), "starttls" (143) or "none" (tests only)


class ImapMailbox:
    """Reads new mails by UID from one mailbox."""

    def __init__(self, settings: ImapSettings, timeout: float = TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        s = self.settings
        try:
            if s.tls == "ssl":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=ssl.create_default_context(), timeout=self.timeout
                )
            else:
                conn = imaplib.IMAP4(s.host, s.port, timeout=self.timeout)
                if s.tls == "starttls":
                    conn.starttls(ssl.create_default_context())
            conn.login(s.username, s.password.reveal())
        except imaplib.IMAP4.error as exc:
            raise PermanentError(f"IMAP login refused: {exc}") from None
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise TemporaryError(f"IMAP connection failed ({exc.__class__.__name__})") from None
        try:
            yield conn
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise TemporaryError(f"IMAP connection lost ({exc.__class__.__name__})") from None
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

    def fetch_new(
        self, cursor: MailCursor, limit: int = FETCH_BATCH
    ) -> tuple[list[tuple[int, bytes]], MailCursor]:
        """Up to `limit` mails after the cursor, oldest first, and the cursor after them."""
        with self._session() as conn:
            typ, _ = conn.select(self.settings.mailbox, readonly=True)
            if typ != "OK":
                raise PermanentError(f"mailbox {self.settings.mailbox!r} not found")
            validity = _uidvalidity(conn)
            last = cursor.last_uid if validity == cursor.uidvalidity else 0
            typ, data = conn.uid("SEARCH", "UID", f"{last + 1}:*")
            uids = sorted(int(u) for u in (data[0] or b"").split() if u.isdigit() and int(u) > last)
            mails: list[tuple[int, bytes]] = []
            for uid in uids[:limit]:
                typ, parts = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if typ == "OK" and raw is not None:
                    mails.append((uid, raw))
            new_last = max([last, *(u for u, _ in mails)])
            return mails, MailCursor(validity, new_last)

    def wait_for_new(self, seconds: float) -> bool:
        """IDLE until the server reports new mail or `seconds` pass; False without IDLE."""
        with self._session() as conn:
            if "IDLE" not in conn.capabilities:
                return False  # the caller falls back to polling on a timer
            conn.select(self.settings.mailbox, readonly=True)
            tag = conn._new_tag()  # imaplib has no IDLE before Python 3.14
            conn.send(tag + b" IDLE\r\n")
            if not conn.readline().startswith(b"+"):
                return False
            conn.sock.settimeout(seconds)
            try:
                line = conn.readline()
            except TimeoutError:
                # A timed-out socket file cannot be read again; this session ends here.
                conn.shutdown()
                return False
            conn.sock.settimeout(self.timeout)
            news = b"EXISTS" in line or b"RECENT" in line
            conn.send(b"DONE\r\n")
            # Wait for the tagged answer to DONE (bounded: a broken server ends it).
            for _ in range(100):
                if conn.readline().startswith(tag):
                    break
            return news


def _uidvalidity(conn: imaplib.IMAP4) -> int:
    _, data = conn.response("UIDVALIDITY")
    value = data[0] if data and data[0] else b"0"
    return int(value) if value.isdigit() else 0


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    port: int
    username: str
    password: Secret
    tls: str = "starttls"  # "ssl" (465), "starttls" (587) or "none" (tests only)


class SmtpSender:
    """Sends one prepared message per call."""

    def __init__(self, settings: SmtpSettings, timeout: float = TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, msg: EmailMessage) -> str:
        """Send `msg` and return its Message-ID; map failures to typed errors."""
        s = self.settings
        try:
            if s.tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            with smtp:
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password.reveal())
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError:
            raise PermanentError("SMTP login refused") from None
        except smtplib.SMTPRecipientsRefused:
            raise PermanentError("the recipient address was refused") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TemporaryError(f"SMTP temporary failure {exc.smtp_code}") from None
            raise PermanentError(f"SMTP refused the message ({exc.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryError(f"SMTP connection problem ({exc.__class__.__name__})") from None
        return str(msg["Message-ID"])
