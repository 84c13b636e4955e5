"""Signals for policy: spikes, patterns, rumours, coordinated posting, polarisation, response.

Pure statistics over plain records (no Django, no I/O besides packaged data files).
`detect(messages, start, end, embedder=...)` gives the shape `nabij signals detect` prints.
"""

from __future__ import annotations

from .coordination import CoordinationConfig, find_coordinated
from .detect import SignalConfig, detect
from .patterns import PatternConfig, find_patterns
from .polarisation import PolarisationConfig, find_polarisation, us_them_hits
from .records import SignalMessage, message_from_analysis, messages_from_import_lines
from .responsiveness import (
    SILENT_ACTIONS,
    OwnPost,
    ResponseRecord,
    channel_effectiveness,
    responsiveness,
    wall_clock_hours,
)
from .spikes import SpikeConfig, find_spikes
from .text import Gazetteer, find_places, lexical_embedding

__all__ = [
    "SILENT_ACTIONS",
    "CoordinationConfig",
    "Gazetteer",
    "OwnPost",
    "PatternConfig",
    "PolarisationConfig",
    "ResponseRecord",
    "SignalConfig",
    "SignalMessage",
    "SpikeConfig",
    "channel_effectiveness",
    "detect",
    "find_coordinated",
    "find_patterns",
    "find_places",
    "find_polarisation",
    "find_spikes",
    "lexical_embedding",
    "message_from_analysis",
    "messages_from_import_lines",
    "responsiveness",
    "us_them_hits",
    "wall_clock_hours",
]
