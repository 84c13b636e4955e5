"""The demo events are found on the Lindewaard demo data, with gold labels as the analysis.

Uses the model-free lexical embedding so it runs in seconds; the real-model check lives in
test_real_model.py. Skipped when the demo files are absent.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from nabij.demo import DEMO_PLACES
from nabij.signals import detect, messages_from_import_lines

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
# The demo organisation's places, exactly as `nabij demo` configures them.
GAZETTEER = DEMO_PLACES


@pytest.fixture(scope="module")
def result() -> dict:
    files = sorted(DEMO.glob("*.jsonl"))
    if not files:
        pytest.skip("demo data not present")
    lines = []
    for path in files:
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue  # a file still being written may end in half a line
    messages = messages_from_import_lines(lines)
    return detect(messages, date(2026, 9, 7), date(2026, 11, 15), gazetteer=GAZETTEER)


def _touches(item: dict, day: str) -> bool:
    return item["start"][:10] <= day <= item["end"][:10]


def test_storm_is_a_spike(result: dict) -> None:
    storm = [s for s in result["spikes"] if _touches(s, "2026-10-21")]
    assert storm and max(s["count"] for s in storm) >= 15


def test_street_lights_are_a_pattern_in_molenkwartier(result: dict) -> None:
    lights = [p for p in result["patterns"] if p["area"] == "Molenkwartier"]
    assert lights and lights[0]["topic"] == "verlichting" and lights[0]["size"] >= 10


def test_swimming_pool_rumour_is_found(result: dict) -> None:
    rumours = [p for p in result["patterns"] if p["kind"] == "rumour"]
    assert any("spetter" in p["title"].lower() and p["size"] >= 8 for p in rumours)


def test_coordinated_burst_lists_all_members(result: dict) -> None:
    bursts = [w for w in result["warnings"] if w["kind"] == "coordinated"]
    assert len(bursts) == 1 and len(bursts[0]["messages"]) >= 22
    assert bursts[0]["topic"] == "klimaat_energie" and bursts[0]["start"].startswith("2026-10-29")


def test_few_other_alerts(result: dict) -> None:
    known_days = ("2026-10-08", "2026-10-20", "2026-10-21", "2026-10-29")
    other_spikes = [s for s in result["spikes"] if not any(_touches(s, d) for d in known_days)]
    other_patterns = [
        p for p in result["patterns"]
        if p["kind"] != "rumour" and p["area"] != "Molenkwartier"
    ]  # fmt: skip
    other_warnings = [w for w in result["warnings"] if not _touches(w, "2026-10-29")]
    assert len(other_spikes) <= 3 and len(other_patterns) <= 3 and len(other_warnings) <= 3
