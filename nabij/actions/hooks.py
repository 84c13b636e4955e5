"""Steps that follow analysis (the protocol's recommendation), kept in one place."""

from __future__ import annotations

from collections.abc import Sequence

from nabij.models import Message


def after_analysis(messages: Sequence[Message]) -> None:
    """Run what must follow a fresh analysis, in the same transaction."""
    from nabij.actions.autoreply import do_auto_replies
    from nabij.actions.decisions import do_recommend_decisions

    do_recommend_decisions(messages)
    do_auto_replies(messages)
