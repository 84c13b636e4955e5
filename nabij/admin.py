"""Django admin for configuration; secrets are write-only there too."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from nabij import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "time_zone", "crisis_mode")


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "email")
    filter_horizontal = ("members",)


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "team", "active")


@admin.register(models.ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "channel_kind", "language", "approved", "active")
    list_filter = ("language", "channel_kind", "approved")


class ChannelSecretForm(forms.ModelForm):
    """Shows the secret field empty: a stored value is never sent to the browser."""

    value = forms.CharField(widget=forms.PasswordInput(render_value=False), required=True)

    class Meta:
        model = models.ChannelSecret
        fields = ("name", "value")


class ChannelSecretInline(admin.TabularInline):
    model = models.ChannelSecret
    form = ChannelSecretForm
    extra = 0


@admin.register(models.Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug", "enabled", "last_success_at", "last_error_at")
    readonly_fields = ("cursor", "last_success_at", "last_error", "last_error_at")
    inlines = [ChannelSecretInline]


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_label", "verb", "object_type", "object_id")
    list_filter = ("verb",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
