"""Contacts: the residents who write, with one identity per channel."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_pseudonym() -> str:
    """A stable pseudonymous id used in analytics and exports instead of names."""
    return "c-" + uuid.uuid4().hex[:16]


class Contact(models.Model):
    """A person (or account) that wrote to the organisation."""

    pseudonym = models.CharField(max_length=24, unique=True, default=new_pseudonym)
    display_name = models.CharField(_("naam"), max_length=200, blank=True)
    flagged_abuser = models.BooleanField(_("aangemerkt als structureel misbruik"), default=False)
    flag_reason = models.TextField(_("reden van markering"), blank=True)
    hidden_count = models.PositiveIntegerField(_("aantal verborgen berichten"), default=0)
    first_seen_at = models.DateTimeField(_("eerst gezien"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("laatst gezien"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("aantal berichten"), default=0)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacten")

    def __str__(self) -> str:
        return self.display_name or self.pseudonym


class ContactIdentity(models.Model):
    """A contact's handle on one channel kind (e-mail address, Mastodon account, …)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    channel = models.ForeignKey("nabij.Channel", on_delete=models.CASCADE, related_name="+")
    handle = models.CharField(_("account"), max_length=300)
    name = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("identiteit")
        verbose_name_plural = _("identiteiten")
        constraints = [
            models.UniqueConstraint(fields=["channel", "handle"], name="identity_unique_handle")
        ]

    def __str__(self) -> str:
        return self.handle
