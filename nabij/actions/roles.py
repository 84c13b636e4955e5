"""Roles as Django groups with permissions, created after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

ROLE_AGENT = "agent"
ROLE_COORDINATOR = "coordinator"
ROLE_ANALYST = "analyst"
ROLE_ADMIN = "admin"
ROLE_AUDITOR = "auditor"
ROLES = (ROLE_AGENT, ROLE_COORDINATOR, ROLE_ANALYST, ROLE_ADMIN, ROLE_AUDITOR)

# Custom capabilities, stored as permissions on the Organisation model.
CAPABILITIES: dict[str, str] = {
    "work_inbox": "Gesprekken behandelen",
    "decide_messages": "Besluiten over berichten",
    "send_replies": "Antwoorden versturen",
    "manage_protocol": "Protocol, sjablonen en onderwerpen beheren",
    "publish_protocol": "Protocol publiceren",
    "view_dashboards": "Dashboards en rapportages bekijken",
    "view_audit": "Auditlog en verantwoording inzien",
    "manage_channels": "Kanalen beheren",
    "manage_users": "Gebruikers en rollen beheren",
    "export_data": "Gegevens exporteren (Woo)",
}

ROLE_CAPABILITIES: dict[str, tuple[str, ...]] = {
    ROLE_AGENT: ("work_inbox", "decide_messages", "send_replies"),
    ROLE_COORDINATOR: (
        "work_inbox",
        "decide_messages",
        "send_replies",
        "manage_protocol",
        "publish_protocol",
        "view_dashboards",
        "view_audit",
        "manage_channels",
    ),
    ROLE_ANALYST: ("view_dashboards",),
    ROLE_ADMIN: tuple(CAPABILITIES),
    ROLE_AUDITOR: ("view_audit", "view_dashboards", "export_data"),
}


# Django model permissions, so coordinators can edit configuration in the admin.
ROLE_MODEL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ROLE_COORDINATOR: (
        "view_topic",
        "add_topic",
        "change_topic",
        "view_replytemplate",
        "add_replytemplate",
        "change_replytemplate",
        "view_team",
        "add_team",
        "change_team",
        "view_organisation",
        "change_organisation",
        "view_channel",
    ),
    ROLE_AUDITOR: ("view_auditevent", "view_decision", "view_protocolversion"),
}


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and their permissions (idempotent; runs after migrate)."""
    from django.contrib.contenttypes.models import ContentType

    from nabij.models import Organisation

    content_type = ContentType.objects.get_for_model(Organisation)
    perms = {}
    for codename, name in CAPABILITIES.items():
        perm, _ = Permission.objects.get_or_create(
            codename=codename, content_type=content_type, defaults={"name": name}
        )
        perms[codename] = perm
    model_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="nabij",
            codename__in={c for codes in ROLE_MODEL_PERMISSIONS.values() for c in codes},
        )
    }
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=role)
        extra = [model_perms[c] for c in ROLE_MODEL_PERMISSIONS.get(role, ()) if c in model_perms]
        group.permissions.set([perms[c] for c in capabilities] + extra)


def people_in_roles(*roles: str) -> list[Any]:
    """Active users in any of the given roles."""
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct())


def has_capability(user: Any, capability: str) -> bool:
    """Whether the user has one of Nabij's capabilities."""
    return bool(user.is_authenticated and user.has_perm(f"nabij.{capability}"))
