"""Channels: configured instances of a connector (a Mastodon account, a mailbox, …)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    """One configured connector instance; secrets live in ChannelSecret, never here."""

    kind = models.CharField(_("soort"), max_length=40, db_index=True)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    enabled = models.BooleanField(_("actief"), default=True)
    config = models.JSONField(_("instellingen"), default=dict, blank=True)
    cursor = models.JSONField(_("leespositie"), default=dict, blank=True)
    last_success_at = models.DateTimeField(_("laatst gelukt"), null=True, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True)
    last_error_at = models.DateTimeField(_("laatste fout op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kanaal")
        verbose_name_plural = _("kanalen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelSecret(models.Model):
    """A credential of a channel (token, password); write-only in the UI, never logged."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="secrets")
    name = models.CharField(_("naam"), max_length=60)
    value = models.TextField(_("waarde"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kanaalgeheim")
        verbose_name_plural = _("kanaalgeheimen")
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="channel_secret_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel.slug}:{self.name} (verborgen)"

    def __repr__(self) -> str:
        return f"<ChannelSecret {self.channel_id}:{self.name} ****>"


class InboundPayload(models.Model):
    """A raw pushed payload (webhook), stored before parsing so nothing is lost."""

    class State(models.TextChoices):
        PENDING = "pending", _("wachtend")
        DONE = "done", _("verwerkt")
        FAILED = "failed", _("mislukt")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="payloads")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("binnengekomen payload")
        verbose_name_plural = _("binnengekomen payloads")

    def __str__(self) -> str:
        return f"payload {self.pk} ({self.state})"
