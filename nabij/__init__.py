"""Nabij: open-source webcare for Dutch public organisations."""

__version__ = "0.1.0"
