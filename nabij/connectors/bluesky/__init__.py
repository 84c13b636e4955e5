"""Bluesky over plain XRPC (HTTP + JSON), no SDK."""

from nabij.connectors.bluesky.connector import BlueskyConnector

__all__ = ["BlueskyConnector"]
