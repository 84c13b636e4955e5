"""Detection over the stored demo data and the heartbeat report (HTML and PDF)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.detection import do_store_patterns, run_detection
from nabij.actions.heartbeat import anonymise, build_heartbeat, parse_week, render_heartbeat
from nabij.cli import main
from nabij.demo import DEMO_PLACES, demo_files, ensure_demo_organisation
from nabij.models import Message, Organisation, Pattern
from tests.support.analysis import TYPES
from tests.support.analysis import FakeResult as _Result

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class GoldLabelAnalyser:
    """Uses each demo message's hand-made labels as its analysis (deterministic, fast)."""

    def __init__(self, labels: dict[str, dict[str, Any]]) -> None:
        self.labels = labels

    def analyse_batch(self, texts: list[str]) -> list[_Result]:
        out = []
        for text in texts:
            gold = self.labels.get(text) or {}
            kind = gold.get("type", "overig")
            sentiment = {"negatief": -0.6, "positief": 0.6}.get(gold.get("sentiment"), 0.0)
            out.append(
                _Result(
                    {
                        "language": gold.get("language", "nl"),
                        "type": kind,
                        "type_scores": {t: (0.9 if t == kind else 0.05) for t in TYPES},
                        "type_confidence": 0.9,
                        "sentiment": sentiment,
                        "sentiment_label": gold.get("sentiment", "neutraal"),
                        "emotion": gold.get("emotion", "neutraal"),
                        "toxicity": 0.8 if gold.get("toxicity_categories") else 0.0,
                        "toxicity_categories": gold.get("toxicity_categories", []),
                        "urgency": gold.get("urgency", "normaal"),
                        "topics": [{"id": gold.get("topic", "overig"), "score": 0.9}],
                        "pii": [],
                        "redacted_text": text,
                        "explanations": {},
                        "analyser_version": "gold",
                    }
                )
            )
        return out


@pytest.fixture(scope="module")
def demo_db(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo data set, loaded once for this module and removed afterwards."""
    files = demo_files()
    if not files:
        pytest.skip("no demo data")
    from django.core.management import call_command

    with django_db_blocker.unblock():
        _load_demo(files)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _load_demo(files: list[Any]) -> None:
    from nabij.actions.importing import do_import_jsonl

    ensure_demo_organisation()
    Organisation.objects.update(places=DEMO_PLACES)
    labels = {}
    for path in files:
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            if line.get("labels"):
                labels[line["text"]] = line["labels"]
        with path.open("rb") as stream:
            assert do_import_jsonl(stream, queue_analysis=False).ok
    ids = list(Message.objects.filter(direction="inbound").values_list("pk", flat=True))
    do_analyse_messages(ids, analyser=GoldLabelAnalyser(labels))


def _touches(item: dict[str, Any], day: str) -> bool:
    return item["start"][:10] <= day <= item["end"][:10]


def test_demo_events_are_detected_from_the_database(demo_db: None, capsys) -> None:
    assert (
        main(["signals", "detect", "--from", "2026-09-07", "--to", "2026-11-15", "--lexical"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"spikes", "patterns", "warnings"}
    for items in result.values():
        for item in items:
            assert {"kind", "title", "topic", "start", "end", "score", "messages"} <= set(item)
            assert all(":" in key for key in item["messages"])
    assert any(_touches(s, "2026-10-21") for s in result["spikes"]), "storm"
    lights = [p for p in result["patterns"] if p.get("area") == "Molenkwartier"]
    assert lights and lights[0]["topic"] == "verlichting", "street lights"
    rumours = [p for p in result["patterns"] if "spetter" in p["title"].lower()]
    assert rumours, "rumour"
    bursts = [w for w in result["warnings"] if w["kind"] == "coordinated"]
    assert bursts and len(bursts[0]["messages"]) >= 20, "coordinated burst"
    real_events = ("2026-10-20", "2026-10-21", "2026-10-22", "2026-10-29", "2026-10-08")
    false_alarms = [
        s["title"] for s in result["spikes"] if not any(_touches(s, d) for d in real_events)
    ]
    assert len(false_alarms) <= 3, false_alarms  # no more than a few false alarms
    stored = do_store_patterns(result)
    assert Pattern.objects.count() == len(stored) > 0
    assert Pattern.objects.filter(kind="coordinated").first().members.count() >= 20
    do_store_patterns(result)
    assert Pattern.objects.count() == len(stored)  # idempotent


def test_heartbeat_pdf_is_readable(demo_db: None, tmp_path) -> None:
    import pypdfium2 as pdfium

    monday = parse_week("2026-W43")
    report = build_heartbeat(
        monday, detection=run_detection(monday, date(2026, 10, 25), embedder=None)
    )
    html = render_heartbeat(report)
    assert "Hartslag Gemeente Lindewaard" in html and "2026-W43" in html
    out = tmp_path / "hb.pdf"
    assert main(["report", "heartbeat", "--week", "2026-W43", "--out", str(out)]) == 0
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) >= 1
    first = pdf[0]
    text = first.get_textpage().get_text_range()
    assert "Hartslag" in text and "Wat schuurt" in text
    image = first.render(scale=1.0).to_pil().convert("L")
    dark = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.01 < dark < 0.5  # text on a page: not blank, not a black box
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert buffer.tell() > 10_000


def test_quotes_are_anonymised() -> None:
    text = "@jan.devries zegt: kijk op https://x.example/a?b=1 bel [TELEFOON]"
    assert anonymise(text) == "[account] zegt: kijk op [link] bel [TELEFOON]"
    assert parse_week("2026-W47") == date(2026, 11, 16)
    with pytest.raises(ValueError):
        parse_week("week 47")
