"""URL routes of the channel layer (configuration, health, webhooks, web form, REST API)."""

from django.urls import URLPattern, URLResolver, path

from nabij.web import channels, hooks, webform
from nabij.web.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("kanalen/", channels.channel_list, name="channel_list"),
    path("kanalen/nieuw/<slug:kind>/", channels.channel_new, name="channel_new"),
    path("kanalen/<int:channel_id>/", channels.channel_edit, name="channel_edit"),
    path("kanalen/<int:channel_id>/ophalen/", channels.channel_poll, name="channel_poll"),
    path("kanalen/<int:channel_id>/importeren/", channels.channel_import, name="channel_import"),
    path("api-sleutels/", channels.api_tokens, name="api_tokens"),
    path(
        "api-sleutels/<int:token_id>/intrekken/",
        channels.api_token_revoke,
        name="api_token_revoke",
    ),
    path("webhooks/", channels.webhooks, name="webhooks"),
    path(
        "webhooks/<int:subscription_id>/uitzetten/",
        channels.webhook_deactivate,
        name="webhook_deactivate",
    ),
    path("antwoord/<int:reply_id>/opnieuw/", channels.reply_retry, name="reply_retry"),
    path("hooks/meta/<slug:slug>/", hooks.meta_hook, name="meta_hook"),
    path("hooks/<slug:slug>/", hooks.push_hook, name="push_hook"),
    path("formulier/", webform.webform, name="webform"),
    path("formulier/ontvangen/", webform.webform_done, name="webform_done"),
    path("api/v1/", api.urls),
]
