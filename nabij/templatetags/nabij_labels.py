"""`{{ code|label:"emotion" }}` and `{{ codes|labels:"toxicity" }}`: codes shown as labels."""

from __future__ import annotations

from django import template

from nabij.web.labels import label as label_of
from nabij.web.labels import label_list

register = template.Library()


@register.filter
def label(code: object, kind: str) -> str:
    """The human label of one analyser code (see nabij/web/labels.py)."""
    return label_of(kind, code)


@register.filter
def labels(codes: object, kind: str) -> str:
    """The labels of a list of codes, separated by commas."""
    return ", ".join(label_list(kind, codes))
