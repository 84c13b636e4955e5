"""Default configuration an organisation starts with (topics, templates, protocol)."""

from __future__ import annotations

from importlib import resources

import yaml

from nabij.models import ReplyTemplate, Topic


def do_ensure_defaults() -> None:
    """Create the default topics and reply templates when none exist (idempotent)."""
    _ensure_templates()
    if Topic.objects.exists():
        return
    try:
        from nabij.understanding.taxonomy import default_taxonomy
    except ImportError:
        return
    Topic.objects.bulk_create(
        [
            Topic(
                slug=t.id,
                name=t.name,
                description=t.description,
                keywords=list(t.keywords),
                examples=list(t.examples),
            )
            for t in default_taxonomy().topics
        ]
    )


def _ensure_templates() -> None:
    if ReplyTemplate.objects.exists():
        return
    text = resources.files("nabij").joinpath("data/templates.yaml").read_text("utf-8")
    ReplyTemplate.objects.bulk_create(
        [
            ReplyTemplate(
                key=row["key"],
                title=row["title"],
                text=row["text"],
                language=row.get("language", "nl"),
                channel_kind=row.get("channel", ""),
            )
            for row in yaml.safe_load(text)
        ]
    )
