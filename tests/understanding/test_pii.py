"""Personal data: checksums, Dutch formats, spans and redaction."""

from __future__ import annotations

import pytest

from nabij.understanding.pii import bsn_valid, find_pii, iban_valid, redact


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in find_pii(text)]


def test_bsn_eleven_check() -> None:
    assert bsn_valid("111222333")
    assert bsn_valid("123456782")
    assert not bsn_valid("123456789")
    assert not bsn_valid("000000000")


def test_bsn_found_only_when_valid() -> None:
    assert kinds("mijn bsn is 123456782.") == [("bsn", "123456782")]
    assert kinds("Ordernummer 123456789 is kwijt") == []
    assert kinds("BSN 1234.56.782 graag verwerken") == [("bsn", "1234.56.782")]


def test_iban_mod97() -> None:
    assert iban_valid("NL91ABNA0417164300")
    assert iban_valid("NL91 ABNA 0417 1643 00")
    assert not iban_valid("NL91ABNA0417164301")
    text = "Stort het op NL91 ABNA 0417 1643 00 graag"
    assert kinds(text) == [("iban", "NL91 ABNA 0417 1643 00")]


@pytest.mark.parametrize(
    "number", ["06-12345678", "06 1234 5678", "+31 6 12345678", "0031612345678", "020-1234567"]
)
def test_dutch_phone_numbers(number: str) -> None:
    assert kinds(f"Bel me op {number} aub") == [("telefoon", number)]


def test_email_postcode_plate_street() -> None:
    text = "Mail jan.jansen@example.nl, ik woon op 1234 AB 12 en de auto AB-123-C staat voor Kerkstraat 5a."
    found = kinds(text)
    assert ("email", "jan.jansen@example.nl") in found
    assert ("adres", "1234 AB 12") in found
    assert ("kenteken", "AB-123-C") in found
    assert ("adres", "Kerkstraat 5a") in found


def test_names_after_introductions() -> None:
    assert ("naam", "Jan de Vries") in kinds("Met vriendelijke groet,\nJan de Vries")
    assert ("naam", "Fatima El Amrani") in kinds("Mijn naam is Fatima El Amrani en ik woon hier.")
    assert kinds("Ik ben boos") == []


def test_no_false_positives_in_ordinary_text() -> None:
    text = "Op 12-10-2026 om 14:30 stonden er 250 mensen bij de 3 containers, 1500 km verderop."
    assert find_pii(text) == []


def test_redaction_replaces_every_span() -> None:
    text = "Bel 06-12345678 of mail a@b.nl"
    assert redact(text, find_pii(text)) == "Bel [TELEFOON] of mail [EMAIL]"


def test_initials_in_signature() -> None:
    assert ("naam", "H.J. Mulder") in kinds("Met vriendelijke groet,\nH.J. Mulder")
