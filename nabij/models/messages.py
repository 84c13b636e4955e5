"""Messages: everything said in a conversation, in, out, or as an internal note."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nabij.models.vocab import MessageType, Urgency


class Message(models.Model):
    """One message; inbound ones are unique per (channel, external id)."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("binnenkomend")
        OUTBOUND = "outbound", _("uitgaand")
        NOTE = "note", _("interne notitie")

    conversation = models.ForeignKey(
        "nabij.Conversation", on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.ForeignKey("nabij.Channel", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "nabij.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # NULL (not "") for notes and drafts, so the unique constraint ignores them.
    external_id = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001
    in_reply_to = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    sent_at = models.DateTimeField(db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    public = models.BooleanField(default=True)
    url = models.URLField(max_length=1000, blank=True)
    content_warning = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    labels = models.JSONField(null=True, blank=True)
    # Denormalised from the current analysis, for filters and roll-ups.
    type = models.CharField(max_length=20, choices=MessageType.choices, blank=True)
    topic = models.CharField(max_length=60, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # Accountability: when a response is due and when a person accounted for it.
    response_due_at = models.DateTimeField(null=True, blank=True)
    accounted_at = models.DateTimeField(null=True, blank=True)
    silence_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="message_unique_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "sent_at"], name="msg_conv_idx"),
            models.Index(
                fields=["direction", "accounted_at", "response_due_at"], name="msg_acc_idx"
            ),
            models.Index(fields=["analysed_at"], name="msg_analysed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.text[:60]}"


class MessageAnalysis(models.Model):
    """The analyser's output for one message, kept per analyser version."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="analyses")
    analyser_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    current = models.BooleanField(default=True)
    data = models.JSONField()
    type = models.CharField(max_length=20, choices=MessageType.choices)
    type_confidence = models.FloatField(default=0.0)
    sentiment = models.FloatField(default=0.0)
    sentiment_label = models.CharField(max_length=10, blank=True)
    emotion = models.CharField(max_length=20, blank=True)
    toxicity = models.FloatField(default=0.0)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    topic = models.CharField(max_length=60, blank=True)
    language = models.CharField(max_length=8, blank=True)
    has_pii = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("analyse")
        verbose_name_plural = _("analyses")
        indexes = [models.Index(fields=["message", "current"], name="analysis_current_idx")]

    def __str__(self) -> str:
        return f"{self.type} ({self.analyser_version})"


class Attachment(models.Model):
    """A file that came with a message, stored under the data directory."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    skipped_reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.filename
