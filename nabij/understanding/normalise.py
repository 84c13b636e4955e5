"""Make untrusted message text safe to analyse, keeping character offsets stable.

The analyser reports personal-data spans on the text it was given, so every step here
replaces characters one for one (tags and control characters become spaces) instead of
deleting them. Only the length is bounded: very long texts are cut at `MAX_SCAN_CHARS`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Lexical scans beyond this length add cost without changing the outcome.
MAX_SCAN_CHARS = 20_000
# The sentence encoder sees only the start of a text (its cost grows with the length);
# the gist of a message is nearly always in its first few sentences.
MAX_EMBED_CHARS = 600

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,500}>|<!--.{0,2000}?-->", re.DOTALL)
_SCRIPT = re.compile(r"<(script|style)\b.{0,20000}?</\1\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
# "Geachte heer/mevrouw," or "Beste gemeente," carries no meaning for the encoder.
_SALUTATION = re.compile(
    r"^(?:geachte|beste|hallo|hoi|hey|goedemorgen|goedemiddag|goedenavond|dear)\b[^\n,]{0,60}[,\n]",
    re.IGNORECASE,
)


@dataclass
class CleanText:
    """Text prepared for analysis plus notes on what was done to it."""

    original: str
    text: str  # same length as the scanned part of `original`, junk blanked out
    folded: str  # lower case, accents removed, same length as `text`
    notes: list[str] = field(default_factory=list)
    letters: int = 0

    @property
    def is_empty(self) -> bool:
        """Whether nothing analysable is left."""
        return not self.text.strip()

    def embed_text(self) -> str:
        """The text given to the sentence encoder: no salutation, collapsed spaces, bounded."""
        body = _SALUTATION.sub("", self.text[: MAX_EMBED_CHARS * 2].lstrip(), count=1)
        return _SPACES.sub(" ", body[:MAX_EMBED_CHARS]).strip() or self.text[:MAX_EMBED_CHARS]


def coerce_text(value: object) -> tuple[str, list[str]]:
    """Turn any input value into a str, with a note when it was not one."""
    if value is None:
        return "", ["geen tekst ontvangen"]
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
        notes = ["ongeldige UTF-8 vervangen"] if "\ufffd" in text else []
        return text, notes
    if not isinstance(value, str):
        return str(value), [f"tekst was geen string ({type(value).__name__})"]
    return value, []


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _strip_html(text: str) -> tuple[str, bool]:
    if "<" not in text and "&" not in text:
        return text, False
    cleaned = _SCRIPT.sub(_blank, text)
    cleaned = _TAG.sub(_blank, cleaned)
    # Entities become one visible character padded with spaces, keeping the length.
    cleaned = _ENTITY.sub(lambda m: _entity_char(m.group(0)).ljust(len(m.group(0))), cleaned)
    return cleaned, cleaned != text


def _entity_char(entity: str) -> str:
    import html

    char = html.unescape(entity)
    return char[:1] if char and char.isprintable() else " "


def _fold_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        lowered = char
    if ord(lowered) < 128:
        return lowered
    base = unicodedata.normalize("NFKD", lowered)[:1]
    return base if base and not unicodedata.combining(base) else lowered


def fold(text: str) -> str:
    """Lower-case and strip accents character by character (length is preserved)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def _blank_controls(text: str) -> tuple[str, bool]:
    if text.isprintable():
        return text, False
    out = []
    changed = False
    for char in text:
        if char in "\n\t\r" or char.isprintable():
            out.append(char)
        elif unicodedata.category(char) in ("Cf",) and char in "\u200d\ufe0f":
            out.append(char)  # emoji joiners and variation selectors carry meaning
        else:
            out.append(" ")
            changed = True
    return "".join(out), changed


def clean(value: object) -> CleanText:
    """Prepare one message for analysis; never raises."""
    original, notes = coerce_text(value)
    scanned = original
    if len(scanned) > MAX_SCAN_CHARS:
        scanned = scanned[:MAX_SCAN_CHARS]
        notes.append(f"tekst ingekort: alleen de eerste {MAX_SCAN_CHARS} tekens geanalyseerd")
    scanned, had_controls = _blank_controls(scanned)
    if had_controls:
        notes.append("stuurtekens genegeerd")
    scanned, had_html = _strip_html(scanned)
    if had_html:
        notes.append("HTML-opmaak genegeerd")
    letters = sum(1 for c in scanned[:4000] if c.isalpha())
    result = CleanText(original, scanned, fold(scanned), notes, letters)
    if result.is_empty:
        notes.append("lege tekst")
    elif letters == 0:
        notes.append("geen woorden gevonden (alleen tekens of emoji)")
    return result


def tokens(folded: str) -> list[str]:
    """Word tokens of a folded text."""
    return _WORD.findall(folded)
