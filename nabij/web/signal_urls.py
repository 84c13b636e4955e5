"""URL routes of the signals layer (dashboards, patterns, reports)."""

from django.urls import URLPattern, URLResolver, path

from nabij.web import dashboards

urlpatterns: list[URLPattern | URLResolver] = [
    path("signalen/", dashboards.overview, name="dashboard"),
    path("signalen/hartslag/", dashboards.heartbeat, name="heartbeat"),
    path("signalen/hartslag.pdf", dashboards.heartbeat_pdf, name="heartbeat_pdf"),
    path("signalen/patronen/", dashboards.patterns, name="patterns"),
    path("signalen/patronen/<int:pk>/", dashboards.pattern_detail, name="pattern_detail"),
]
