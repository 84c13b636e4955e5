"""Default configuration an organisation starts with (topics, templates, protocol)."""

from __future__ import annotations

from nabij.models import Topic


def do_ensure_defaults() -> None:
    """Create the default topic taxonomy when none exists (idempotent)."""
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
