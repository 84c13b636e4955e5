"""Small text helpers: normalising, terms, place names, shingles and a lexical embedding."""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w.\-]+(?:@[\w.\-]+)?")
_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ'\-]*[a-zà-ÿ]|[a-zà-ÿ]")
# Generic Dutch street-name endings; a name needs at least three letters before them.
_STREET = re.compile(r"\b([a-zà-ÿ][a-zà-ÿ\-]{2,}(?:straat|laan|weg|plein|kade|singel|hof))\b")
# Words with a street ending that name no place.
_NOT_PLACES = frozenset(
    {"snelweg", "zijweg", "zijstraat", "onderweg", "halfweg", "binnenhof", "kerkhof",
     "voorhof", "achterhof", "wegweg", "uitweg", "omweg", "tussenweg", "fietsstraat"}
)  # fmt: skip

STOPWORDS = frozenset(
    """de het een en van in op te is dat die niet met voor zijn er aan ook als maar om bij
    nog al wat wel dan of door naar over uit tot je jij ik we wij ze zij hij u jullie mijn
    ons onze hun haar hem me mij dit deze zo nu heb hebt heeft hebben had was waren wordt
    worden werd kan kunnen moet moeten zal zou zouden gaat gaan ga doet doen geen meer
    veel hier daar waar wie hoe waarom wanneer iets niets iemand alles echt gewoon even
    weer toch nou ja nee dus want omdat toen mn m'n gemeente lindewaard the and is to of
    it a you for on this that are was be with at in my we they just have not all so
    graag dank vraag hallo beste hoi groet groeten geachte heer mevrouw sinds keer
    jullie welke zich zelf al alle andere elke iedereen ieder kunt wil willen weet""".split()
)


def normalise(text: str) -> str:
    """Lowercase, drop links and mentions, keep words and hashtag words."""
    text = text.lower()
    if "http" in text or "www." in text:  # most texts have no link: skip the scan
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    return " ".join(_WORD.findall(text))


def terms(text: str) -> list[str]:
    """Content words of a text (no stopwords, at least three letters)."""
    return content_words(normalise(text))


def content_words(normalised: str) -> list[str]:
    """Content words of an already normalised text."""
    return [w for w in normalised.split() if len(w) >= 3 and w not in STOPWORDS]


@dataclass(frozen=True)
class Gazetteer:
    """Known place names: lowercase name -> (display name, area it lies in)."""

    places: Mapping[str, tuple[str, str]]
    pattern: re.Pattern[str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # One alternation, longest names first, is far faster than a loop over the names.
        names = sorted(self.places, key=lambda n: (-len(n), n))
        pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
            if names
            else None
        )
        object.__setattr__(self, "pattern", pattern)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | None]) -> Gazetteer:
        """Build from {place name: neighbourhood or None}; a neighbourhood maps to itself."""
        places: dict[str, tuple[str, str]] = {}
        for name, area in mapping.items():
            if not isinstance(name, str) or not name.strip():
                continue
            display = name.strip()
            places[display.lower()] = (display, (area or display).strip())
        return cls(places)


EMPTY_GAZETTEER = Gazetteer({})


def find_places(text: str, gazetteer: Gazetteer = EMPTY_GAZETTEER) -> list[tuple[str, str]]:
    """Place names in a text as (display name, area), gazetteer first, then street endings."""
    lowered = _URL.sub(" ", text.lower())
    found: dict[str, tuple[str, str]] = {}
    if gazetteer.pattern is not None:
        for match in gazetteer.pattern.finditer(lowered):
            found[match.group(1)] = gazetteer.places[match.group(1)]
    for match in _STREET.finditer(lowered):
        name = match.group(1)
        if name not in found and name not in _NOT_PLACES:
            display = name[:1].upper() + name[1:]
            found[name] = (display, display)
    return sorted(found.values())


def shingles(text: str, size: int = 3) -> set[int]:
    """Hashed word shingles of the normalised text (deterministic across runs)."""
    return word_shingles(normalise(text).split(), size)


def word_shingles(words: Sequence[str], size: int = 3) -> set[int]:
    """Hashed shingles of already normalised words."""
    if len(words) < size:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


def pair_hashes(normalised: str) -> set[int]:
    """`word_shingles(words, 2)` of a normalised text with at least two words, at C speed."""
    words = normalised.encode().split(b" ")
    return set(map(zlib.crc32, map(b" ".join, itertools.pairwise(words))))


def lexical_embedding(texts: Sequence[str], dim: int = 512) -> np.ndarray:
    """A hashed bag of content words and word pairs, L2-normalised (a model-free embedder)."""
    return lexical_vectors([terms(text) for text in texts], dim)


def lexical_vectors(word_lists: Sequence[Sequence[str]], dim: int = 512) -> np.ndarray:
    """`lexical_embedding` of texts already split into content words."""
    hashes: list[int] = []
    features: list[int] = []
    for words in word_lists:
        encoded = list(map(str.encode, words))
        hashes += map(zlib.crc32, encoded)
        hashes += map(zlib.crc32, map(b" ".join, itertools.pairwise(encoded)))
        features.append(max(0, 2 * len(encoded) - 1))
    rows = np.repeat(np.arange(len(word_lists), dtype=np.int64), features)
    cells = rows * dim + np.asarray(hashes, dtype=np.int64) % dim
    out = np.zeros((len(word_lists), dim), dtype=np.float32)
    np.add.at(out.reshape(-1), cells, 1.0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)
