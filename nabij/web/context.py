"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from nabij.actions.roles import CAPABILITIES, has_capability


def nabij_context(request: HttpRequest) -> dict[str, Any]:
    """The organisation name and the user's capabilities for the navigation."""
    from nabij.models import Organisation

    user = getattr(request, "user", None)
    caps = {c: has_capability(user, c) for c in CAPABILITIES} if user else {}
    org = Organisation.objects.only("name", "crisis_mode").order_by("pk").first()
    unread = 0
    if user is not None and user.is_authenticated:
        from nabij.models import Notification

        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "unread_notifications": unread,
        "org_name": org.name if org else "Nabij",
        "crisis_mode": bool(org and org.crisis_mode),
        "caps": caps,
    }
