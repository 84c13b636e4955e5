"""URL routes of the channel layer (configuration, health, webhooks, web form, REST API)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
