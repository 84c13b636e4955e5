"""Find personal data in Dutch messages and produce a redacted text.

Numbers are validated where a checksum exists (BSN 11-check, IBAN mod-97), so order
numbers and dates are not reported as identities. Names are found only where the text
announces them ("mijn naam is", "met vriendelijke groet", "mevrouw/meneer"): guessing
names from capital letters alone flags too many street and brand names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("bsn", "iban", "telefoon", "email", "adres", "kenteken", "naam")


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: its kind and character span in the original text."""

    kind: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        """The interface shape: kind, start, end."""
        return {"kind": self.kind, "start": self.start, "end": self.end}


_BSN = re.compile(
    r"(?<![\w.,-])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\w-]|[.,]\d)"
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)"
)
_PHONE = re.compile(
    r"(?<![\w+])((?:\+31|0031)[\s-]?(?:\(0\)[\s-]?)?[1-9](?:[\s-]?\d){8}"
    r"|0[1-9](?:[\s-]?\d){8})(?!\d)"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
)
_POSTCODE = re.compile(
    r"\b[1-9]\d{3}(?:[ ]?(?!SA|SD|SS)[A-Z]{2}|(?!km|kg|cm|mm|ml|kw|mb|gb|uu|pk)[a-z]{2})\b"
    r"(?:[ ,]{1,3}\d{1,5}(?:[ -]?[a-zA-Z]\b)?)?"
)
_STREET_SUFFIX = (
    "straat|laan|weg|plein|gracht|kade|dijk|singel|hof|steeg|pad|dreef|park|markt|plantsoen|"
    "erf|ring|baan|veld|wal|haven|boulevard|allee|hoeve|akker|weide|brink|molen|molenlaan|"
    "wiek|hout|berg|dal|dam|poort|zoom|straatje"
)
_STREET = re.compile(
    rf"\b[A-Z][a-zà-ÿ'-]{{1,40}}(?:{_STREET_SUFFIX})\s+\d{{1,4}}(?:\s?[a-zA-Z]\b|-\d{{1,3}}\b)?"
)
_PLATE_FORMS = (
    r"[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}|"
    r"[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|"
    r"[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}|"
    r"\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d|[A-Z]{2}-\d-[A-Z]{3}|[A-Z]{3}-\d-[A-Z]{2}"
)
_PLATE = re.compile(rf"(?<![\w-])(?:{_PLATE_FORMS})(?![\w-])")
_NAME_WORD = r"[A-Z][a-zà-ÿ'-]{1,30}"
_PARTICLE = r"(?:van|de|der|den|ter|ten|el|al|van de|van der|van den)"
_NAME = (
    rf"(?:(?:[A-Z]\.\s?){{1,4}}(?:{_PARTICLE}\s+)?{_NAME_WORD}"
    rf"|{_NAME_WORD}(?:\s+{_PARTICLE}?\s*{_NAME_WORD}){{0,2}})"
)
_INTRO_SELF = r"(?i:mijn naam is|ik heet|naam:|ik ben)\s+"
_INTRO_GREETING = (
    r"(?i:met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groet(?:en|jes)?|mvg|"
    r"m\.v\.g\.|gr\.)[,.!]?\s+"
)
_INTRO_TITLE = r"(?i:mevrouw|meneer|mevr\.|dhr\.|mw\.|de heer)\s+"
_NAME_INTRO = re.compile(rf"(?:{_INTRO_SELF}|{_INTRO_GREETING}|{_INTRO_TITLE})({_NAME})")
# Capitalised words that follow "ik ben" or a greeting but are not names.
_NOT_NAMES = frozenset(
    "Ik Het De Een Dit Dat Wij We Jullie U Gemeente Bewoner Moeder Vader Boos Blij Bang Heel "
    "Erg Echt Al Nog Niet Wel Team Afdeling Namens Buurtbewoner Bedankt Dank Hallo Hoi Beste "
    "Geachte Tot Alvast Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag".split()
)


def bsn_valid(digits: str) -> bool:
    """The BSN 11-check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def iban_valid(candidate: str) -> bool:
    """The ISO 13616 mod-97 check on an IBAN (spaces allowed)."""
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    if iban.startswith("NL") and not re.fullmatch(r"NL\d{2}[A-Z]{4}\d{10}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def _numbers(text: str) -> list[PiiSpan]:
    spans = []
    for m in _IBAN.finditer(text):
        raw = m.group(1)
        # Trim trailing groups until the checksum fits (a sentence may follow the IBAN).
        for cut in range(len(raw), 14, -1):
            if iban_valid(raw[:cut]):
                spans.append(PiiSpan("iban", m.start(1), m.start(1) + len(raw[:cut].rstrip())))
                break
    for m in _BSN.finditer(text):
        if bsn_valid(re.sub(r"\D", "", m.group(1))):
            spans.append(PiiSpan("bsn", m.start(1), m.end(1)))
    for m in _PHONE.finditer(text):
        spans.append(PiiSpan("telefoon", m.start(1), m.end(1)))
    return spans


def _names(text: str) -> list[PiiSpan]:
    spans = []
    for m in _NAME_INTRO.finditer(text):
        name = m.group(1)
        words = name.split()
        if words[0] in _NOT_NAMES:
            continue
        # "ik ben" is followed by a name only when the word is not a common Dutch word.
        if m.group(0).lower().startswith("ik ben") and len(words) < 2:
            continue
        spans.append(PiiSpan("naam", m.start(1), m.end(1)))
    return spans


def find_pii(text: str) -> list[PiiSpan]:
    """All personal data spans in `text`, sorted, overlaps resolved (first, longest wins)."""
    if not text:
        return []
    found = _numbers(text)
    found += [PiiSpan("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += [PiiSpan("adres", m.start(), m.end()) for m in _POSTCODE.finditer(text)]
    found += [PiiSpan("adres", m.start(), m.end()) for m in _STREET.finditer(text)]
    found += [PiiSpan("kenteken", m.start(), m.end()) for m in _PLATE.finditer(text.upper())]
    found += _names(text)
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[PiiSpan] = []
    for span in found:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def redact(text: str, spans: list[PiiSpan]) -> str:
    """Replace every span by a placeholder such as [TELEFOON]."""
    parts = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < position:
            continue
        parts.append(text[position : span.start])
        parts.append(f"[{span.kind.upper()}]")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def explain(spans: list[PiiSpan]) -> str:
    """A short explanation listing what kinds of personal data were found."""
    if not spans:
        return "geen persoonsgegevens gevonden"
    counts: dict[str, int] = {}
    for span in spans:
        counts[span.kind] = counts.get(span.kind, 0) + 1
    listed = ", ".join(f"{kind} ({n})" for kind, n in counts.items())
    return f"persoonsgegevens gevonden: {listed}; BSN en IBAN gecontroleerd met hun checksum"
