"""HTML to plain text on the standard-library parser: small, safe, no scripts or styles.

Used by the Mastodon, e-mail and RSS connectors. Block elements become line breaks,
links keep their visible text, and `drop_quotes` removes quoted history
(`<blockquote>`, Gmail's `gmail_quote`, Outlook's reply header) from e-mail bodies.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Paragraph-like elements are separated by an empty line, other blocks by a line break.
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}
_BLOCK = {"div", "br", "li", "tr", "section", "article", "header", "footer", "dl", "dt", "dd"}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "area", "base", "col", "source"}
_QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")
MAX_HTML = 2_000_000  # characters; longer input is cut before parsing


class _TextExtractor(HTMLParser):
    def __init__(self, drop_quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.drop_quotes = drop_quotes
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, starts a skipped region)
        self.skip_depth = 0
        self.stopped = False  # Outlook puts the quoted history after a marker div

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.drop_quotes and self._is_outlook_marker(attrs):
            self.stopped = True
            return
        skip = tag in _SKIP or (self.drop_quotes and self._is_quote(tag, attrs))
        if tag in _VOID:
            if tag == "br" and not self.skip_depth:
                self._break(1, force=True)
            return
        self.stack.append((tag, skip))
        if skip:
            self.skip_depth += 1
        elif not self.skip_depth:
            self._block_break(tag)
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if self.stopped or tag in _VOID:
            return
        # Pop up to the matching tag; tolerate unclosed and stray tags.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, skip in self.stack[i:]:
                    if skip:
                        self.skip_depth -= 1
                del self.stack[i:]
                break
        if not self.skip_depth:
            self._block_break(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.stopped:
            return
        in_pre = any(tag == "pre" for tag, _ in self.stack)
        # Outside <pre>, source line breaks are just spaces, as a browser shows them.
        self.parts.append(data if in_pre else re.sub(r"\s+", " ", data))

    def _block_break(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
        elif tag in _BLOCK:
            self._break(1)

    def _break(self, count: int, force: bool = False) -> None:
        """End the current line; `count` 2 leaves an empty line. No breaks at the start."""
        tail = "".join(self.parts[-4:]).rstrip(" ")
        if not tail and not force:
            return
        have = len(tail) - len(tail.rstrip("\n"))
        missing = count if force else count - have
        if missing > 0:
            self.parts.append("\n" * missing)

    @staticmethod
    def _is_quote(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag == "blockquote":
            return True
        values = dict(attrs)
        classes = (values.get("class") or "").lower()
        return any(c in classes for c in _QUOTE_CLASSES)

    @staticmethod
    def _is_outlook_marker(attrs: list[tuple[str, str | None]]) -> bool:
        ident = (dict(attrs).get("id") or "").lower()
        return any(ident.startswith(m) for m in _QUOTE_IDS)


def html_to_text(html: str, drop_quotes: bool = False) -> str:
    """Convert HTML to readable plain text; never raises on malformed markup."""
    if not html:
        return ""
    parser = _TextExtractor(drop_quotes)
    try:
        parser.feed(html[:MAX_HTML])
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - defensive, parser is lenient
        pass
    return normalise_whitespace("".join(parser.parts))


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep at most one empty line, trim the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()
