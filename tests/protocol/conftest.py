"""Helpers for protocol tests: build small protocols from a single condition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from nabij.protocol import Protocol, load_protocol

HEADER = {
    "version": "t1",
    "name": "Testprotocol",
    "teams": ["webcare", "zorg"],
    "house_rules": {"H1": "Geen beledigingen"},
}


def protocol_text(when: Any, **extra: Any) -> str:
    """YAML for a protocol with one rule 'hit' on `when` and a fallback 'miss'."""
    doc = {
        **HEADER,
        **extra,
        "rules": [
            {
                "id": "hit",
                "title": "Treffer",
                "when": when,
                "then": {"action": "beantwoorden", "reason": "hit"},
            },
            {
                "id": "miss",
                "title": "Vangnet",
                "when": "always",
                "then": {"action": "monitoren", "reason": "miss"},
            },
        ],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@pytest.fixture
def one_rule() -> Callable[..., Protocol]:
    """Return a builder: condition -> validated protocol with rule 'hit' then fallback."""

    def build(when: Any, **extra: Any) -> Protocol:
        return load_protocol(protocol_text(when, **extra))

    return build
