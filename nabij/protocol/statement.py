"""Statement of reasons for hiding a message (Digital Services Act, article 17)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nabij.protocol.evaluate import Evaluation

EXCERPT_CHARS = 200
DEFAULT_OBJECTION = (
    "Ben je het niet eens met dit besluit? Reageer op dit bericht of neem contact met ons op, "
    "dan beoordeelt een medewerker het besluit opnieuw. Je kunt ook naar de rechter stappen."
)


@dataclass(frozen=True)
class Statement:
    """A statement of reasons: readable Dutch text plus the same facts as data."""

    text: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the structured statement (JSON-ready)."""
        return {**self.data, "text": self.text}


def statement_of_reasons(
    evaluation: Evaluation,
    message: Mapping[str, Any],
    house_rules: Mapping[str, str],
    *,
    automated: bool | None = None,
    objection: str = "",
    decided_at: str = "",
) -> Statement:
    """Build the statement for a `verbergen` decision.

    `message` uses the import-line keys (channel, external_id, url, sent_at, author,
    text); `redacted_text` is preferred over `text` for the excerpt. `automated` says
    whether the hiding happened without a person confirming it; when None it follows
    the evaluation (`not requires_confirmation`). Raises ValueError for another action.
    """
    if evaluation.action != "verbergen":
        raise ValueError(f"a statement of reasons is for verbergen, not {evaluation.action}")
    if not isinstance(message, Mapping):
        message = {}
    rule_id = evaluation.house_rule or ""
    rule_text = str(house_rules.get(rule_id, "")).strip() if rule_id else ""
    by_machine = (not evaluation.requires_confirmation) if automated is None else automated
    content = _content(message)
    data: dict[str, Any] = {
        "decision": "verbergen",
        "restriction": "Andere lezers zien het niet meer; het is niet verwijderd.",
        "content": content,
        "house_rule": {"id": rule_id, "text": rule_text},
        "reason_code": evaluation.reason_code,
        "protocol_rule": {"id": evaluation.rule_id, "title": evaluation.rule_title},
        "protocol_version": evaluation.protocol_version,
        "facts": [line for line in evaluation.trace if " matched: " in line],
        "automated_detection": True,
        "automated_decision": by_machine,
        "objection": objection.strip() or DEFAULT_OBJECTION,
        "decided_at": decided_at,
    }
    return Statement(_text(data), data)


def _content(message: Mapping[str, Any]) -> dict[str, Any]:
    author = message.get("author")
    handle = author.get("handle") or author.get("name") if isinstance(author, Mapping) else None
    text = message.get("redacted_text") or message.get("text") or ""
    excerpt = str(text).strip().replace("\n", " ")
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    return {
        "channel": _str(message.get("channel")),
        "external_id": _str(message.get("external_id")),
        "url": _str(message.get("url")),
        "sent_at": _str(message.get("sent_at")),
        "author": _str(handle),
        "excerpt": excerpt,
    }


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _text(data: dict[str, Any]) -> str:
    content = data["content"]
    where = f" op {content['channel']}" if content["channel"] else ""
    when = f" van {content['sent_at']}" if content["sent_at"] else ""
    who = f" van {content['author']}" if content["author"] else ""
    rule = data["house_rule"]
    if rule["id"]:
        rule_line = f"huisregel {rule['id']}"
        rule_line += f": “{rule['text'].rstrip('.')}”" if rule["text"] else ""
    else:  # hidden by a person's override, under a rule that names no house rule
        rule_line = "onze huisregels"
    decider = (
        "Het besluit is automatisch genomen, zonder tussenkomst van een medewerker."
        if data["automated_decision"]
        else "Een medewerker heeft het besluit genomen of bevestigd."
    )
    lines = [
        "Verklaring van redenen",
        "",
        f"Wat: we hebben een bericht{who}{where}{when} verborgen. {data['restriction']}",
    ]
    if content["excerpt"]:
        lines.append(f"Het ging om: “{content['excerpt']}”")
    if content["url"]:
        lines.append(f"Link: {content['url']}")
    lines += [
        f"Waarom: het bericht gaat in tegen {rule_line}.",
        f"Aanleiding: {data['protocol_rule']['title']} "
        f"(regel {data['protocol_rule']['id']}, protocolversie {data['protocol_version']}, "
        f"redencode {data['reason_code']}).",
        "Automatisering: het bericht is automatisch geanalyseerd op type en toon. " + decider,
        f"Bezwaar: {data['objection']}",
    ]
    if data["decided_at"]:
        lines.append(f"Datum besluit: {data['decided_at']}")
    return "\n".join(lines)
