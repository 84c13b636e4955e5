"""RSS/Atom monitoring with keyword rules: matching items become signals, never replied to."""

from nabij.connectors.rss.connector import KeywordRule, RssConnector

__all__ = ["KeywordRule", "RssConnector"]
