"""Storing the analyser's output on messages and conversations."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from nabij.models import URGENCY_RANK, Conversation, Message, MessageAnalysis

logger = logging.getLogger(__name__)

ANALYSIS_BATCH = 256


_analyser: dict[str, Any] = {}


def get_analyser() -> Any:
    """The process-wide analyser with the organisation's current topic taxonomy.

    The encoder loads once; when a coordinator edits the topics, the analyser is rebuilt
    around the same encoder so the change applies to the next message.
    """
    from nabij.models import Topic

    key = str(
        list(
            Topic.objects.filter(active=True)
            .order_by("pk")
            .values_list("pk", "slug", "name", "description", "keywords", "examples")
        )
    )
    current = _analyser.get("instance")
    if current is not None and _analyser.get("key") == key:
        return current
    from nabij.understanding import Analyser

    embedder = getattr(current, "_embedder", None) if current is not None else None
    analyser = Analyser(taxonomy=_taxonomy(), embedder=embedder)
    _analyser.update(instance=analyser, key=key)
    return analyser


def _taxonomy() -> Any:
    from nabij.models import Topic

    topics = list(Topic.objects.filter(active=True).order_by("slug"))
    if not topics:
        return None
    from nabij.understanding.taxonomy import Taxonomy

    return Taxonomy.from_dict(
        {
            "topics": [
                {
                    "id": t.slug,
                    "name": t.name,
                    "description": t.description,
                    "keywords": t.keywords,
                    "examples": t.examples,
                }
                for t in topics
            ]
        }
    )


def do_analyse_messages(message_ids: Sequence[int], *, analyser: Any = None) -> int:
    """Analyse messages in batches and store one current analysis per message."""
    analyser = analyser or get_analyser()
    done = 0
    ids = list(message_ids)
    for start in range(0, len(ids), ANALYSIS_BATCH):
        chunk = list(
            Message.objects.filter(pk__in=ids[start : start + ANALYSIS_BATCH], direction="inbound")
            .only("pk", "text", "conversation_id")
            .order_by("pk")
        )
        if not chunk:
            continue
        results = analyser.analyse_batch([m.text for m in chunk])
        with transaction.atomic():
            do_store_analyses(zip(chunk, [r.to_dict() for r in results], strict=True))
        done += len(chunk)
    return done


def do_store_analyses(pairs: Iterable[tuple[Message, dict[str, Any]]]) -> None:
    """Write analyses, mark older versions not current, and denormalise for the inbox."""
    now = timezone.now()
    pairs = list(pairs)
    if not pairs:
        return
    messages = [m for m, _ in pairs]
    MessageAnalysis.objects.filter(message__in=messages, current=True).update(current=False)
    rows = []
    for message, data in pairs:
        topics = data.get("topics") or []
        topic = topics[0]["id"] if topics else ""
        rows.append(
            MessageAnalysis(
                message=message,
                analyser_version=str(data.get("analyser_version", ""))[:40],
                data=data,
                type=data.get("type", "overig"),
                type_confidence=float(data.get("type_confidence") or 0.0),
                sentiment=float(data.get("sentiment") or 0.0),
                sentiment_label=str(data.get("sentiment_label", ""))[:10],
                emotion=str(data.get("emotion", ""))[:20],
                toxicity=float(data.get("toxicity") or 0.0),
                urgency=str(data.get("urgency", ""))[:10],
                topic=topic[:60],
                language=str(data.get("language", ""))[:8],
                has_pii=bool(data.get("pii")),
            )
        )
        message.type = data.get("type", "overig")
        message.topic = topic[:60]
        message.urgency = str(data.get("urgency", ""))[:10]
        message.language = str(data.get("language", ""))[:8]
        message.analysed_at = now
    MessageAnalysis.objects.bulk_create(rows)
    Message.objects.bulk_update(messages, ["type", "topic", "urgency", "language", "analysed_at"])
    _denormalise_conversations({m.conversation_id for m in messages})
    from nabij.actions import hooks

    hooks.after_analysis(messages)


def _denormalise_conversations(conversation_ids: set[int]) -> None:
    """Copy the latest analysed inbound message's labels onto each conversation."""
    convs = list(Conversation.objects.filter(pk__in=conversation_ids))
    latest: dict[int, Message] = {}
    for message in (
        Message.objects.filter(
            conversation_id__in=conversation_ids, direction="inbound", analysed_at__isnull=False
        )
        .only("conversation_id", "type", "topic", "urgency", "sent_at")
        .order_by("conversation_id", "sent_at")
    ):
        latest[message.conversation_id] = message
    for conv in convs:
        newest = latest.get(conv.pk)
        if newest is None:
            continue
        conv.type = newest.type
        conv.topic = newest.topic
        conv.urgency = newest.urgency
        conv.urgency_rank = URGENCY_RANK.get(newest.urgency, 1)
    Conversation.objects.bulk_update(convs, ["type", "topic", "urgency", "urgency_rank"])
