"""Human labels for the analyser's codes: what staff read instead of `grof_taalgebruik`.

The analyser (a pure package) speaks in codes: a message type, an urgency, a sentiment,
an emotion, toxicity categories and the names of its explanations. The database, URLs
and filters keep those codes; the interface shows the labels below, Dutch first and
translated like any other interface text. Type and urgency are model choices already,
so their labels come from there. Templates use the `label` and `labels` filters
(`{% load nabij_labels %}`); Python code calls `label(kind, code)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nabij.models import MessageType, Urgency

Label = str | Promise

SENTIMENTS: Mapping[str, Label] = {
    "negatief": _("negatief"),
    "neutraal": _("neutraal"),
    "positief": _("positief"),
}

EMOTIONS: Mapping[str, Label] = {
    "boos": _("boos"),
    "frustratie": _("frustratie"),
    "verdriet": _("verdriet"),
    "angst": _("angst"),
    "vermoeidheid": _("vermoeidheid"),
    "blij": _("blij"),
    "neutraal": _("neutraal"),
}

TOXICITY_CATEGORIES: Mapping[str, Label] = {
    "belediging": _("belediging"),
    "bedreiging": _("bedreiging"),
    "grof_taalgebruik": _("grof taalgebruik"),
    "groepsbelediging": _("groepsbelediging"),
}

# The parts of an analysis that the analyser explains (the keys of `explanations`).
ANALYSIS_PARTS: Mapping[str, Label] = {
    "type": _("Soort"),
    "sentiment": _("Sentiment"),
    "emotion": _("Emotie"),
    "toxicity": _("Toxiciteit"),
    "urgency": _("Urgentie"),
    "topics": _("Onderwerpen"),
    "language": _("Taal"),
    "pii": _("Persoonsgegevens"),
}

LABELS: Mapping[str, Mapping[str, Label]] = {
    "type": dict(MessageType.choices),
    "urgency": dict(Urgency.choices),
    "sentiment": SENTIMENTS,
    "emotion": EMOTIONS,
    "toxicity": TOXICITY_CATEGORIES,
    "analysis_part": ANALYSIS_PARTS,
}


def label(kind: str, code: object) -> str:
    """The label of a code in the active language; an unknown code is shown as it is.

    An analyser newer than this table may bring a code it does not know yet: showing
    the code beats showing nothing. `kind` must be one of LABELS (a typo is a bug).
    """
    labels = LABELS[kind]
    if code is None or code == "":
        return ""
    text = str(code)
    found = labels.get(text)
    return str(found) if found is not None else text


def label_list(kind: str, codes: object) -> list[str]:
    """Labels for a list of codes (e.g. toxicity categories); anything else gives none."""
    if not isinstance(codes, Iterable) or isinstance(codes, str | bytes | Mapping):
        return []
    return [label(kind, code) for code in codes if isinstance(code, str) and code]
