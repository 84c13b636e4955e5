"""A small reader for gettext .po files, enough to check a catalogue in tests."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class Entry:
    """One catalogue entry: msgid, optional plural, translations and flags."""

    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        """The metadata entry has an empty msgid."""
        return self.msgid == "" and not self.msgctxt


def _unquote(text: str, line: int) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"line {line}: expected a quoted string, got {text[:40]!r}")
    value = ast.literal_eval(text)  # PO strings use C escapes, which Python reads the same way
    if not isinstance(value, str):
        raise ValueError(f"line {line}: not a string")
    return value


def parse_po(path: Path) -> list[Entry]:
    """All live (not obsolete) entries of a .po file, header included."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete entries are ignored by gettext
        elif line.startswith("#,"):
            if started:
                finish()
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            if started:
                finish()
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"line {number}: a continuation line without a keyword")
            _append(current, target, _unquote(line, number))
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and started and current.msgstr:
                finish()
            started = True
            current.line = current.line or number
            target = _target(keyword, number)
            _append(current, target, _unquote(rest, number))
    finish()
    return entries


def _target(keyword: str, number: int) -> tuple[str, int]:
    if keyword in ("msgid", "msgid_plural", "msgctxt"):
        return keyword, 0
    match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
    if match is None:
        raise ValueError(f"line {number}: unknown keyword {keyword!r}")
    return "msgstr", int(match.group(1) or 0)


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def placeholders(text: str) -> set[str]:
    """The names of %(name)s / %(name)d placeholders in a string."""
    return set(PLACEHOLDER.findall(text))
