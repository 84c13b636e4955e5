"""URL routes of the signals layer (dashboards, patterns, reports)."""

from django.urls import URLPattern, URLResolver, path

from nabij.web import dashboards

urlpatterns: list[URLPattern | URLResolver] = [
    path("signalen/", dashboards.overview, name="dashboard"),
]
