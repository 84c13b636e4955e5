"""A real Postfix (SMTP) and Dovecot (IMAP) on 127.0.0.1 with a throwaway configuration.

Both run from a temporary directory: Postfix with its own config, queue and log, on a
free loopback port, delivering into Maildirs (`virtual` transport); Dovecot serving
those Maildirs over IMAP with STARTTLS. TLS uses a fresh self-signed certificate for
127.0.0.1; tests make Python trust it by pointing `SSL_CERT_FILE` at it, so the
connector's normal certificate checks stay on. Authentication (IMAP login and SMTP
AUTH for the organisation's mailbox) goes through Dovecot, as on a real mail host.

Starting needs root (Postfix's master and Dovecot switch users) and the Debian packages
`postfix` and `dovecot-imapd`; without them `start_mail_server` raises `MailServerUnavailable`
with a message that says what is missing, and the fixture skips.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

ORG_DOMAIN = "gemeente.test"
RESIDENT_DOMAIN = "inwoners.test"
USERS = {"webcare": ORG_DOMAIN, "inwoner": RESIDENT_DOMAIN}
PASSWORD = "mail-test-wachtwoord"
MAIL_UID = 8  # Debian's `mail` user owns the Maildirs
MASTER_SERVICES = """\
{listen} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""


class MailServerUnavailable(RuntimeError):
    """Postfix or Dovecot cannot be started here; the message says why."""


@dataclass
class MailServer:
    """Where the running servers listen and how to read the Maildirs."""

    root: Path
    smtp_port: int
    imap_port: int
    ca_file: Path
    stop_commands: list[list[str]] = field(default_factory=list)

    def address(self, user: str) -> str:
        """The e-mail address of a local test user."""
        return f"{user}@{USERS[user]}"

    def maildir(self, user: str) -> Path:
        """The Maildir of a local test user."""
        return self.root / "mail" / user / "Maildir"

    def submit(self, msg: EmailMessage) -> None:
        """Hand a mail to Postfix as a resident's mail program would (no login, loopback)."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as smtp:
            smtp.send_message(msg)

    def mails(self, user: str) -> list[EmailMessage]:
        """Every mail delivered to the user's Maildir (new and seen), oldest first."""
        files = [p for sub in ("new", "cur") for p in (self.maildir(user) / sub).glob("*")]
        files.sort(key=lambda p: p.stat().st_mtime)
        out = []
        for path in files:
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            out.append(parsed)
        return out

    def wait_for(
        self, user: str, match: Callable[[EmailMessage], bool], timeout: float = 20.0
    ) -> EmailMessage:
        """Wait until a delivered mail matches; raise with the Postfix log when none does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self.mails(user):
                if match(msg):
                    return msg
            time.sleep(0.1)
        log = (self.root / "postfix.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"no matching mail for {user} within {timeout}s; Postfix log:\n{log}")

    def stop(self) -> None:
        """Stop both servers and remove the temporary directory."""
        for command in self.stop_commands:
            subprocess.run(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, what: str, log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise MailServerUnavailable(f"{what} did not start listening on {port}:\n{tail}")


def _check_prerequisites() -> None:
    missing = [b for b in ("postfix", "dovecot", "openssl") if shutil.which(b) is None]
    if missing:
        raise MailServerUnavailable(
            f"missing {', '.join(missing)}: apt-get install postfix dovecot-imapd openssl"
        )
    if os.geteuid() != 0:
        raise MailServerUnavailable("Postfix and Dovecot need root to start (switching users)")


def _run(command: list[str], what: str, log: Path | None = None) -> None:
    """Run a command; daemons write to `log` so their inherited output cannot block us."""
    out = log.open("ab") if log else subprocess.PIPE
    try:
        done = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, timeout=60, check=False
        )
    finally:
        if log and not isinstance(out, int):
            out.close()
    if done.returncode != 0:
        text = log.read_text(errors="replace")[-2000:] if log else done.stdout.decode()
        raise MailServerUnavailable(f"{what} failed: {text.strip()}")


def _certificate(root: Path) -> tuple[Path, Path]:
    cert, key = root / "tls" / "cert.pem", root / "tls" / "key.pem"
    cert.parent.mkdir()
    _run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        "creating a test certificate",
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def _postfix_config(root: Path, smtp_port: int, cert: Path, key: Path) -> Path:
    conf = root / "postfix"
    conf.mkdir()
    (root / "spool").mkdir(mode=0o755)  # Postfix creates its queue folders inside
    (root / "data").mkdir(mode=0o700)
    shutil.chown(root / "data", "postfix", "postfix")
    mailboxes = "".join(f"{user}@{domain} {user}/Maildir/\n" for user, domain in USERS.items())
    (conf / "vmailbox").write_text(mailboxes)
    main = {
        "compatibility_level": "3.6",
        "queue_directory": root / "spool",
        "data_directory": root / "data",
        "mail_owner": "postfix",
        "setgid_group": "postdrop",
        "myhostname": f"mail.{ORG_DOMAIN}",
        "mydomain": ORG_DOMAIN,
        "mydestination": "",
        "inet_interfaces": "127.0.0.1",
        "inet_protocols": "ipv4",
        "mynetworks": "127.0.0.0/8",
        "virtual_mailbox_domains": f"{ORG_DOMAIN}, {RESIDENT_DOMAIN}",
        "virtual_mailbox_base": root / "mail",
        "virtual_mailbox_maps": f"texthash:{conf / 'vmailbox'}",
        "virtual_uid_maps": f"static:{MAIL_UID}",
        "virtual_gid_maps": f"static:{MAIL_UID}",
        "virtual_minimum_uid": str(MAIL_UID),
        "default_transport": "error:tests deliver no mail outside the test domains",
        "relay_transport": "error:tests deliver no mail outside the test domains",
        "smtpd_tls_cert_file": cert,
        "smtpd_tls_key_file": key,
        "smtpd_tls_security_level": "may",
        "smtpd_sasl_auth_enable": "yes",
        "smtpd_sasl_type": "dovecot",
        "smtpd_sasl_path": root / "dovecot-run" / "auth-postfix",
        "smtpd_relay_restrictions": (
            "permit_mynetworks permit_sasl_authenticated reject_unauth_destination"
        ),
        "maillog_file": root / "postfix.log",
        "maillog_file_prefixes": root,
        "biff": "no",
        "alias_maps": "",
        "alias_database": "",
        "local_recipient_maps": "",
        "append_dot_mydomain": "no",
        "smtputf8_enable": "no",
    }
    (conf / "main.cf").write_text("".join(f"{k} = {v}\n" for k, v in main.items()))
    (conf / "master.cf").write_text(MASTER_SERVICES.format(listen=f"127.0.0.1:{smtp_port}"))
    return conf


def _dovecot_config(root: Path, imap_port: int, cert: Path, key: Path) -> Path:
    users = "".join(f"{user}:{{PLAIN}}{PASSWORD}\n" for user in USERS)
    (root / "dovecot-users").write_text(users)
    (root / "dovecot-users").chmod(0o644)
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""\
base_dir = {root}/dovecot-run
state_dir = {root}/dovecot-state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain login
disable_plaintext_auth = yes
first_valid_uid = {MAIL_UID}
mail_location = maildir:{root}/mail/%n/Maildir
passdb {{
  driver = passwd-file
  args = username_format=%n {root}/dovecot-users
}}
userdb {{
  driver = static
  args = uid={MAIL_UID} gid={MAIL_UID} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
"""
    )
    return conf


def start_mail_server() -> MailServer:
    """Start Postfix and Dovecot in a fresh temporary directory and wait until they listen."""
    _check_prerequisites()
    root = Path(tempfile.mkdtemp(prefix="nabij-mail-"))
    root.chmod(0o755)  # the mail user and Postfix's daemons must reach their folders
    server = MailServer(root, _free_port(), _free_port(), root / "tls" / "cert.pem")
    try:
        cert, key = _certificate(root)
        for user in USERS:
            for sub in ("new", "cur", "tmp"):
                (server.maildir(user) / sub).mkdir(parents=True)
        subprocess.run(["chown", "-R", f"{MAIL_UID}:{MAIL_UID}", str(root / "mail")], check=True)
        dovecot_conf = _dovecot_config(root, server.imap_port, cert, key)
        _run(["dovecot", "-c", str(dovecot_conf)], "starting Dovecot", root / "start.log")
        server.stop_commands.append(["dovecot", "-c", str(dovecot_conf), "stop"])
        _wait_for_port(server.imap_port, "Dovecot", root / "dovecot.log")
        postfix_conf = _postfix_config(root, server.smtp_port, cert, key)
        _run(["postfix", "-c", str(postfix_conf), "start"], "starting Postfix", root / "start.log")
        server.stop_commands.insert(0, ["postfix", "-c", str(postfix_conf), "stop"])
        _wait_for_port(server.smtp_port, "Postfix", root / "postfix.log")
    except BaseException:
        server.stop()
        raise
    return server
