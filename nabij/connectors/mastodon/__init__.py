"""Mastodon (and compatible fediverse servers) over the plain REST API."""

from nabij.connectors.mastodon.connector import MastodonConnector

__all__ = ["MastodonConnector"]
