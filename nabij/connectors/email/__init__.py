"""E-mail: IMAP in, SMTP out, threading, quote stripping, auto-reply and bounce handling."""

from nabij.connectors.email.connector import EmailConnector

__all__ = ["EmailConnector"]
