"""The webcare protocol: parse, validate, evaluate, simulate, diff (pure Python).

Typical use::

    protocol = load_protocol(yaml_text)          # raises ProtocolInvalid with .issues
    evaluation = evaluate(protocol, analysis, context)
    evaluation.action, evaluation.trace

See docs/protocol.md for the document format.
"""

from __future__ import annotations

from importlib import resources

from nabij.protocol.diff import ProtocolDiff, diff_protocols
from nabij.protocol.evaluate import Evaluation, evaluate, matching_rule
from nabij.protocol.issues import Issue, ProtocolInvalid
from nabij.protocol.model import Outcome, Protocol, Rule
from nabij.protocol.simulate import ChangedDecision, SimulationResult, simulate
from nabij.protocol.statement import Statement, statement_of_reasons
from nabij.protocol.validate import (
    cached_protocol,
    check_protocol,
    load_protocol,
    load_protocol_file,
)
from nabij.protocol.when import field_reference

__all__ = [
    "ChangedDecision",
    "Evaluation",
    "Issue",
    "Outcome",
    "Protocol",
    "ProtocolDiff",
    "ProtocolInvalid",
    "Rule",
    "SimulationResult",
    "Statement",
    "cached_protocol",
    "check_protocol",
    "default_protocol",
    "default_protocol_text",
    "diff_protocols",
    "evaluate",
    "field_reference",
    "load_protocol",
    "load_protocol_file",
    "matching_rule",
    "simulate",
    "statement_of_reasons",
]


def default_protocol_text() -> str:
    """Return the YAML text of the shipped default protocol for a municipality."""
    return resources.files("nabij.protocol").joinpath("default.yaml").read_text("utf-8")


def default_protocol() -> Protocol:
    """Return the shipped default protocol, validated."""
    return load_protocol(default_protocol_text(), "nabij/protocol/default.yaml")
