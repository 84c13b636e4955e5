"""Decisions: what the organisation does with a message, and why — including silence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nabij.models.vocab import Action


class ProtocolVersion(models.Model):
    """One version of the webcare protocol (YAML), draft or published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")
        RETIRED = "retired", _("vervangen")

    version = models.CharField(_("versie"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    source = models.TextField(_("protocol (YAML)"))
    checksum = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("protocolversie")
        verbose_name_plural = _("protocolversies")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_status_display()})"


class Decision(models.Model):
    """A recommended or confirmed decision about one inbound message."""

    class Source(models.TextChoices):
        PROTOCOL = "protocol", _("protocol")
        PERSON = "person", _("medewerker")

    class State(models.TextChoices):
        RECOMMENDED = "recommended", _("advies")
        CONFIRMED = "confirmed", _("bevestigd")
        OVERRIDDEN = "overridden", _("afgeweken")
        SUPERSEDED = "superseded", _("vervangen")

    message = models.ForeignKey("nabij.Message", on_delete=models.CASCADE, related_name="decisions")
    conversation = models.ForeignKey(
        "nabij.Conversation", on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(_("actie"), max_length=30, choices=Action.choices)
    reason_code = models.CharField(_("redencode"), max_length=60)
    justification = models.TextField(_("toelichting"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    state = models.CharField(max_length=12, choices=State.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    protocol_version = models.ForeignKey(
        ProtocolVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    rule_id = models.CharField(max_length=80, blank=True)
    rule_title = models.CharField(max_length=200, blank=True)
    trace = models.JSONField(default=list, blank=True)
    team = models.CharField(max_length=60, blank=True)
    templates = models.JSONField(default=list, blank=True)
    requires_confirmation = models.BooleanField(default=True)
    deadline_hours = models.FloatField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    recommended = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        indexes = [models.Index(fields=["message", "-created_at"], name="decision_msg_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.reason_code})"


class ModerationStatement(models.Model):
    """A statement of reasons for hiding a message (EU Digital Services Act)."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="statement")
    house_rule = models.CharField(max_length=40)
    house_rule_text = models.TextField()
    facts = models.TextField()
    automated = models.BooleanField(default=False)
    redress = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"statement for decision {self.decision_id}"
