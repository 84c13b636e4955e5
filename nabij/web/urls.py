"""URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from nabij.web import decisions, desk, protocol, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="nabij/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("taal/", set_language, name="set_language"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/nieuw/", views.inbox_new, name="inbox_new"),
    path("gesprek/<int:conversation_id>/", views.conversation, name="conversation"),
    path("gesprek/<int:conversation_id>/toewijzen/", desk.assign, name="assign"),
    path("gesprek/<int:conversation_id>/overdragen/", desk.hand_over, name="hand_over"),
    path("gesprek/<int:conversation_id>/status/", desk.set_status, name="set_status"),
    path("gesprek/<int:conversation_id>/aanwezig/", desk.presence, name="presence"),
    path("gesprek/<int:conversation_id>/toon/", desk.tone, name="tone"),
    path("gesprek/<int:conversation_id>/toon/toepassen/", desk.apply_tone, name="apply_tone"),
    path("gesprek/<int:conversation_id>/opvolging/", desk.create_followup, name="create_followup"),
    path("opvolging/<int:followup_id>/afronden/", desk.complete_followup, name="complete_followup"),
    path("opvolgingen/", desk.followups, name="followups"),
    path("meldingen/", desk.notifications, name="notifications"),
    path("gesprek/<int:conversation_id>/notitie/", views.add_note, name="add_note"),
    path("gesprek/<int:conversation_id>/antwoord/", views.add_reply, name="add_reply"),
    path("bericht/<int:message_id>/bevestigen/", decisions.confirm, name="confirm_decision"),
    path("bericht/<int:message_id>/afwijken/", decisions.override, name="override_decision"),
    path("onverantwoorde-stilte/", decisions.silence, name="silence"),
    path("onverantwoorde-stilte/bevestigen/", decisions.silence_confirm, name="silence_confirm"),
    path("protocol/", protocol.versions, name="protocol_versions"),
    path("protocol/bewerken/", protocol.edit, name="protocol_edit"),
    path("protocol/valideren/", protocol.validate, name="protocol_validate"),
    path("protocol/<int:pk>/", protocol.detail, name="protocol_detail"),
    path("protocol/<int:pk>/publiceren/", protocol.publish, name="protocol_publish"),
    path("protocol/<int:pk>/simulatie/", protocol.simulate, name="protocol_simulate"),
    path("", include("nabij.web.channel_urls")),
    path("", include("nabij.web.signal_urls")),
    path("admin/", admin.site.urls),
]
