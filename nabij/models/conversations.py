"""Conversations: a thread of messages with one contact on one channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nabij.models.vocab import Action, MessageType, Urgency

# The inbox's sort order and its "not closed" condition (nabij/web/inbox.py uses both).
INBOX_ORDER = ["-urgency_rank", "first_response_due", "-last_message_at", "-id"]
OPEN = ~models.Q(status="closed")


class Conversation(models.Model):
    """A thread; the inbox lists these, with the latest analysis denormalised for speed."""

    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        OPEN = "open", _("open")
        WAITING = "waiting", _("wacht op inwoner")
        CLOSED = "closed", _("afgesloten")

    channel = models.ForeignKey("nabij.Channel", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "nabij.Contact", null=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    thread_key = models.CharField(max_length=300, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
        verbose_name=_("behandelaar"),
    )
    team = models.ForeignKey(
        "nabij.Team", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("team")
    )
    priority = models.SmallIntegerField(_("prioriteit"), default=1)
    public = models.BooleanField(_("openbaar"), default=True)
    # Denormalised from the latest inbound message and its analysis/decision.
    type = models.CharField(max_length=20, choices=MessageType.choices, blank=True)
    topic = models.CharField(max_length=60, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    urgency_rank = models.SmallIntegerField(default=1)
    advised_action = models.CharField(max_length=30, choices=Action.choices, blank=True)
    has_unaccounted = models.BooleanField(default=False)
    first_response_due = models.DateTimeField(_("eerste reactie uiterlijk"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("afhandeling uiterlijk"), null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True, db_index=True)
    last_message_at = models.DateTimeField(db_index=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    breach_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        # The inbox lists open conversations in INBOX_ORDER: small partial indexes (open
        # rows only) in that order, alone and behind each equality filter, let the
        # database read the first page straight from an index (bench/bench_inbox.py).
        indexes = [
            models.Index(fields=["status", *INBOX_ORDER], name="conv_inbox_idx"),
            models.Index(fields=INBOX_ORDER, condition=OPEN, name="conv_open_idx"),
            *[
                models.Index(fields=[f, *INBOX_ORDER], condition=OPEN, name=f"conv_open_{f}_idx")
                for f in ("type", "urgency", "topic", "channel", "team", "assignee")
            ],
            models.Index(fields=["channel", "thread_key"], name="conv_thread_idx"),
            models.Index(fields=["assignee", "status"], name="conv_assignee_idx"),
            models.Index(fields=["type", "status"], name="conv_type_idx"),
            models.Index(fields=["has_unaccounted", "first_response_due"], name="conv_silence_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or self.preview[:60] or f"#{self.pk}"


class ConversationPresence(models.Model):
    """Who has a conversation open (and whether they are typing), for collision warnings."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    typing = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="presence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"
