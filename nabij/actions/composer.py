"""The reply composer: templates, suggested answers, limits, signature, tone, auto-replies."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone

from nabij.models import Conversation, Message, MessageAnalysis, Organisation, ReplyTemplate

# Characters per channel kind; None means no practical limit.
LENGTH_LIMITS: dict[str, int] = {
    "mastodon": 500,
    "x": 280,
    "bluesky": 300,
    "instagram": 2200,
    "facebook": 8000,
    "whatsapp": 4096,
}
_VARIABLE = re.compile(r"\{(\w{1,30})\}")


def length_limit(channel_kind: str) -> int | None:
    """The channel's maximum reply length."""
    return LENGTH_LIMITS.get(channel_kind)


def signature_name(user: Any) -> str:
    """The first name an agent signs with."""
    profile = getattr(user, "nabij_profile", None)
    name = getattr(profile, "signature_name", "") if profile else ""
    return name or user.first_name or user.get_username()


def template_values(conv: Conversation, user: Any, deadline_text: str = "") -> dict[str, str]:
    """Values for template variables in this conversation."""
    contact = conv.contact
    first = (contact.display_name.split()[0] if contact and contact.display_name else "").strip()
    return {
        "naam": first or "",
        "medewerker": signature_name(user),
        "onderwerp": conv.topic.replace("_", " ") if conv.topic else "uw bericht",
        "termijn": deadline_text or "binnen twee werkdagen",
        "organisatie": Organisation.current().name,
    }


def render_template(text: str, values: dict[str, str]) -> str:
    """Fill {variables}; unknown ones stay visible so the agent notices them."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)) or m.group(0), text)


def templates_for(conv: Conversation, language: str = "nl") -> list[ReplyTemplate]:
    """Approved, active templates for the conversation's channel and language."""
    kind = conv.channel.kind
    rows = ReplyTemplate.objects.filter(active=True, approved=True, language=language).order_by(
        "title"
    )
    chosen: dict[str, ReplyTemplate] = {}
    for t in rows:
        if t.channel_kind in ("", kind) and (t.key not in chosen or t.channel_kind == kind):
            chosen[t.key] = t
    return sorted(chosen.values(), key=lambda t: t.title)


@dataclass(frozen=True)
class Suggestion:
    """An approved answer close in meaning to the message, with details filled in."""

    title: str
    text: str
    score: float


class _EmbeddingCache:
    """Template embeddings, recomputed when the set of templates changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[Any, ...] = ()
        self.vectors: np.ndarray | None = None

    def vectors_for(self, templates: list[ReplyTemplate], embed: Any) -> np.ndarray:
        key = tuple((t.pk, t.updated_at) for t in templates)
        with self.lock:
            if key != self.key or self.vectors is None:
                texts = [f"{t.title}. {t.text}" for t in templates]
                self.vectors = _normalise(embed(texts)) if texts else np.zeros((0, 512))
                self.key = key
            return self.vectors


_cache = _EmbeddingCache()


def _normalise(matrix: Any) -> np.ndarray:
    arr = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return arr / norms


def _default_embed(texts: list[str]) -> np.ndarray:
    from nabij.actions.analysis import get_analyser

    # The analyser's sentence encoder (multilingual USE), shared so it loads once.
    return np.asarray(get_analyser().embed(texts))


def suggest_answers(
    conv: Conversation, user: Any, *, limit: int = 3, embed: Any = None
) -> list[Suggestion]:
    """The approved answers closest in meaning to the latest inbound message."""
    message = conv.messages.filter(direction=Message.Direction.INBOUND).order_by("-sent_at").first()
    if message is None:
        return []
    templates = templates_for(conv)
    if not templates:
        return []
    embed = embed or _default_embed
    try:
        matrix = _cache.vectors_for(templates, embed)
        query = _normalise(embed([message.text[:2000]]))[0]
    except Exception:  # embeddings are a help, never a reason to fail the page
        return []
    scores = matrix @ query
    values = template_values(conv, user)
    order = np.argsort(-scores)[:limit]
    return [
        Suggestion(templates[i].title, render_template(templates[i].text, values), float(scores[i]))
        for i in order
    ]


def tone_context(conv: Conversation) -> Any:
    """The tone mirror's context: who wrote, what they feel, on which channel."""
    from nabij.tone import ReplyContext

    latest = (
        MessageAnalysis.objects.filter(message__conversation=conv, current=True)
        .order_by("-message__sent_at")
        .first()
    )
    name = ""
    if conv.contact and conv.contact.display_name:
        name = conv.contact.display_name.split()[0]
    return ReplyContext(
        name=name or None,
        emotion=latest.emotion if latest else None,
        message_type=latest.type if latest else None,
        channel=conv.channel.kind,
        now=timezone.now(),
        office_hours=Organisation.current().office(),
    )


def check_tone(conv: Conversation, draft: str) -> list[Any]:
    """The tone mirror's findings for a draft reply in this conversation."""
    from nabij.tone import check_reply

    return check_reply(draft[:20_000], context=tone_context(conv))
