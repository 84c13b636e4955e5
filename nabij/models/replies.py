"""Replies, templates and follow-ups: what agents send and promise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reply(models.Model):
    """Delivery state of an outbound message sent through its channel."""

    class State(models.TextChoices):
        DRAFT = "draft", _("concept")
        QUEUED = "queued", _("in de wachtrij")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    message = models.OneToOneField("nabij.Message", on_delete=models.CASCADE, related_name="reply")
    in_reply_to = models.ForeignKey(
        "nabij.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    visibility = models.CharField(max_length=10, default="public")
    automatic = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="reply_queue_idx")]

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.state})"


class ReplyTemplate(models.Model):
    """An approved answer with variables ({naam}, {medewerker}, {onderwerp}, {termijn})."""

    key = models.SlugField(_("code"), max_length=80)
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("tekst"))
    channel_kind = models.CharField(_("kanaal"), max_length=40, blank=True)
    language = models.CharField(_("taal"), max_length=5, default="nl")
    approved = models.BooleanField(_("goedgekeurd"), default=True)
    active = models.BooleanField(_("actief"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sjabloon")
        verbose_name_plural = _("sjablonen")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel_kind", "language"], name="template_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """A promise or task with a due date, so that promises are kept."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("afgerond")
        CANCELLED = "cancelled", _("vervallen")

    conversation = models.ForeignKey(
        "nabij.Conversation", on_delete=models.CASCADE, related_name="followups"
    )
    message = models.ForeignKey(
        "nabij.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("wat"), max_length=300)
    due_at = models.DateTimeField(_("uiterlijk"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, default="manual")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opvolging")
        verbose_name_plural = _("opvolgingen")
        indexes = [models.Index(fields=["status", "due_at"], name="followup_due_idx")]

    def __str__(self) -> str:
        return self.title
