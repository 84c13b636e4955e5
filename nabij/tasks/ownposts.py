"""Own-post imports from Mastodon: a task per channel (ids in) and the daily enqueuing."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def import_mastodon_own_posts(channel_id: int) -> dict[str, Any]:
    """Read one Mastodon channel's own posts into the own-post statistics."""
    from nabij.actions.ownposts_mastodon import do_import_mastodon_own_posts

    return do_import_mastodon_own_posts(channel_id).as_dict()


def enqueue_due_own_post_imports() -> int:
    """Queue a run for every Mastodon channel whose daily own-post import is due."""
    from nabij.actions.ownposts_mastodon import mastodon_channels_due

    queued = 0
    for channel_id in mastodon_channels_due():
        try:
            import_mastodon_own_posts.enqueue(channel_id)
        except Exception:  # the next hourly check tries again
            logger.exception("could not queue the own-post import of channel %s", channel_id)
            continue
        queued += 1
    return queued
