"""In-app notifications: mentions, breached deadlines, overdue follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person should look at; shown in the header until read."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("vermelding")
        BREACH = "breach", _("termijn verlopen")
        FOLLOWUP = "followup", _("opvolging te laat")
        SILENCE = "silence", _("onverantwoorde stilte")
        SIGNAL = "signal", _("signaal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nabij_notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=300)
    conversation = models.ForeignKey(
        "nabij.Conversation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("melding aan medewerker")
        verbose_name_plural = _("meldingen aan medewerkers")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text
