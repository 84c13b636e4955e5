"""Vocabularies shared by models, forms and filters (see docs/interfaces.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    VRAAG = "vraag", _("vraag")
    MELDING = "melding", _("melding")
    KLACHT = "klacht", _("klacht")
    ERVARING = "ervaring", _("ervaring")
    MENING = "mening", _("mening")
    COMPLIMENT = "compliment", _("compliment")
    AANVAL = "aanval", _("aanval")
    DESINFORMATIE = "desinformatie", _("desinformatie")
    NOODKREET = "noodkreet", _("noodkreet")
    OVERIG = "overig", _("overig")


class Urgency(models.TextChoices):
    LAAG = "laag", _("laag")
    NORMAAL = "normaal", _("normaal")
    HOOG = "hoog", _("hoog")
    ACUUT = "acuut", _("acuut")


URGENCY_RANK = {"laag": 0, "normaal": 1, "hoog": 2, "acuut": 3}


class Action(models.TextChoices):
    BEANTWOORDEN = "beantwoorden", _("beantwoorden")
    PRIVE_VOORTZETTEN = "prive_voortzetten", _("privé voortzetten")
    DOORZETTEN = "doorzetten", _("doorzetten")
    ESCALEREN = "escaleren", _("escaleren")
    STIL_OPVOLGEN = "stil_opvolgen", _("stil opvolgen")
    INDIRECT_REAGEREN = "indirect_reageren", _("indirect reageren")
    BEWUST_NIET_REAGEREN = "bewust_niet_reageren", _("bewust niet reageren")
    VERBERGEN = "verbergen", _("verbergen")
    MONITOREN = "monitoren", _("monitoren")
