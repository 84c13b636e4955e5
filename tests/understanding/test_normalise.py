"""Normalisation keeps offsets and never fails on junk."""

from __future__ import annotations

from nabij.understanding.normalise import MAX_SCAN_CHARS, clean, fold


def test_fold_keeps_length_and_strips_accents() -> None:
    text = "Suïcide, café, İstanbul"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("suicide, cafe")


def test_html_is_blanked_with_same_offsets() -> None:
    result = clean("<p>Bel <b>06-12345678</b></p>")
    assert "<" not in result.text
    assert len(result.text) == len("<p>Bel <b>06-12345678</b></p>")
    assert "HTML-opmaak genegeerd" in result.notes


def test_controls_empty_bytes_and_long_text() -> None:
    assert "stuurtekens genegeerd" in clean("a\x00b\x07").notes
    assert clean("   ").is_empty
    assert "ongeldige UTF-8 vervangen" in clean(b"caf\xe9").notes
    long = clean("woord " * 400_000)
    assert len(long.text) == MAX_SCAN_CHARS
    assert any("ingekort" in note for note in long.notes)
    assert clean(None).is_empty
    assert clean(42).text == "42"
