"""Training is deterministic and produces loadable, small artefacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from nabij.understanding import Analyser
from nabij.understanding.classifier import load_models
from nabij.understanding.labels import TYPES
from nabij.understanding.train import train

TEXTS = {
    "vraag": ["Wanneer komt de vuilnisman?", "Hoe vraag ik een pas aan?", "Waar kan ik parkeren?"],
    "melding": ["De lamp is kapot.", "Er ligt afval op straat.", "Het riool is verstopt."],
    "klacht": [
        "Al drie keer gebeld, geen reactie.",
        "Nog steeds niks gehoord.",
        "Slechte service weer.",
    ],
    "ervaring": [
        "Gisteren was ik bij het loket.",
        "Toen ik verhuisde ging alles goed.",
        "Vorige week liep ik daar.",
    ],
    "mening": [
        "Ik vind dit een slecht plan.",
        "De raad moet dit stoppen.",
        "Volgens mij is dit verspilling.",
    ],
    "compliment": ["Dank voor de hulp!", "Top geregeld!", "Super vriendelijk geholpen."],
    "aanval": ["Stelletje idioten.", "Kankergemeente.", "Jullie zijn tuig."],
    "desinformatie": [
        "Wist je dat ze het zwembad sluiten? Deel dit!",
        "Ze gaan alles verkopen.",
        "5g straling is gif.",
    ],
    "noodkreet": ["Ik wil dood.", "Mijn man slaat me.", "Ik ruik gas, help!"],
    "overig": ["Ok.", "Test.", "Hallo daar."],
}


def write_corpus(root: Path) -> None:
    (root / "data" / "training").mkdir(parents=True)
    (root / "data" / "demo").mkdir()
    lines = []
    for kind in TYPES:
        for i, text in enumerate(TEXTS[kind] * 3):
            labels = {"type": kind, "sentiment": "neutraal", "emotion": "neutraal",
                      "topic": "overig", "urgency": "normaal", "toxicity_categories": []}  # fmt: skip
            lines.append(
                json.dumps({"id": f"{kind}-{i}", "text": f"{text} ({i})", "labels": labels})
            )
    (root / "data" / "training" / "x-train.jsonl").write_text("\n".join(lines) + "\n")
    # A test split next to it must never be read.
    (root / "data" / "training" / "x-test.jsonl").write_text("this would break training\n")


def test_training_is_deterministic(tmp_path: Path, fake_encoder: Any) -> None:
    write_corpus(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    train(tmp_path, first, Analyser(embedder=fake_encoder, use_trained=False))
    train(tmp_path, second, Analyser(embedder=fake_encoder, use_trained=False))
    for name in ("models.npz", "meta.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    models = load_models(first)
    assert models is not None and models.heads["type"].classes == list(TYPES)
    assert (first / "models.npz").stat().st_size < 2_000_000
    trained = Analyser(embedder=fake_encoder, models=models)
    assert trained.analyse("Ik wil dood.").type == "noodkreet"
    shutil.rmtree(first)
