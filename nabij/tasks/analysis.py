"""Analyse newly ingested messages."""

from __future__ import annotations

from django_tasks import task


@task()
def analyse_messages(message_ids: list[int]) -> int:
    """Analyse the given messages and store the results; returns how many were analysed."""
    from nabij.actions.analysis import do_analyse_messages

    return do_analyse_messages(message_ids)
