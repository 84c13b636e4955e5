"""No interface text escapes translation: templates and flash messages are all marked."""

from __future__ import annotations

import re
from pathlib import Path

NABIJ = Path(__file__).resolve().parents[2] / "nabij"
TEMPLATES = NABIJ / "templates" / "nabij"

# Dutch by design for now (docs/translation.md, "What stays Dutch on purpose").
DUTCH_ONLY = {"heartbeat.html"}
# Names that are the same in every language: the product, the licence, language endonyms.
SAME_IN_EVERY_LANGUAGE = {"Nabij", "EUPL", "English", "Nederlands", "OpenAPI", "JSON"}
TEXT_ATTRIBUTES = re.compile(r"""\b(?:aria-label|title|placeholder|alt)=(["'])([^"']*)\1""")
FLASH_LITERAL = re.compile(r"""\bflash\.\w+\(\s*request\s*,\s*f?["']""")


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in SAME_IN_EVERY_LANGUAGE]


def unmarked_text(template: str) -> list[str]:
    """Visible words in a template that are outside translate tags and template variables."""
    text = re.sub(
        r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", " ", template, flags=re.S
    )
    text = re.sub(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    found = []
    for match in TEXT_ATTRIBUTES.finditer(text):
        value = re.sub(r"{%.*?%}|{{.*?}}", " ", match.group(2))
        if not value.startswith(("http://", "https://")):
            found.extend(_words(value))
    text = re.sub(r"{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    found.extend(_words(text))
    return found


def test_the_scanner_finds_hard_coded_text() -> None:
    assert unmarked_text('<p>{% translate "Opslaan" %} Bewaren</p>') == ["Bewaren"]
    assert unmarked_text('<nav aria-label="Hoofdmenu"></nav>') == ["Hoofdmenu"]
    assert unmarked_text("<nav aria-label=\"{% translate 'Hoofdmenu' %}\"></nav>") == []
    assert unmarked_text("{% blocktranslate %}Pagina {{ page }}{% endblocktranslate %}") == []
    assert unmarked_text("<a>{{ user.name }}</a> · Nabij — EUPL-1.2") == []


def test_templates_have_no_hard_coded_text() -> None:
    problems = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        if path.name in DUTCH_ONLY:
            continue
        words = unmarked_text(path.read_text(encoding="utf-8"))
        if words:
            problems[path.name] = words
    assert problems == {}, "mark these with {% translate %} (docs/translation.md)"


def test_the_flash_check_finds_a_bare_string() -> None:
    assert FLASH_LITERAL.search('flash.success(\n    request,\n    "Patroon bijgewerkt."\n)')
    assert not FLASH_LITERAL.search('flash.success(request, _("Patroon bijgewerkt."))')


def test_flash_messages_are_marked_for_translation() -> None:
    problems = []
    for path in sorted((NABIJ / "web").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for match in FLASH_LITERAL.finditer(source):  # also when the call spans lines
            problems.append(f"{path.name}:{source.count(chr(10), 0, match.start()) + 1}")
    assert problems == [], "wrap flash texts in _() (docs/translation.md)"
