"""URL routes of the signals layer (dashboards, patterns, reports)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
