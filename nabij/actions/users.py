"""Creating users and giving them roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError
from nabij.actions.roles import ROLES, ensure_roles
from nabij.models import AgentProfile


def check_new_user(username: str, password: str, role: str, *, validate: bool = True) -> None:
    """Validate a new user's name, role and password."""
    User = get_user_model()
    if role not in ROLES:
        raise ActionError(
            _("onbekende rol %(role)s; kies uit %(roles)s")
            % {"role": repr(str(role)[:40]), "roles": ", ".join(ROLES)}
        )
    if not username or len(username) > 150:
        raise ActionError(_("een gebruikersnaam moet 1 tot 150 tekens lang zijn"))
    if User.objects.filter(username=username).exists():
        raise ActionError(_("gebruiker %(name)s bestaat al") % {"name": repr(username)})
    if validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages)) from None


def do_create_user(
    username: str,
    password: str,
    *,
    role: str,
    email: str = "",
    first_name: str = "",
    actor: Any = None,
    validate: bool = True,
) -> Any:
    """Create a user in a role; admins also get Django admin access."""
    check_new_user(username, password, role, validate=validate)
    ensure_roles()
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=password, email=email, first_name=first_name
    )
    user.is_staff = role in ("admin", "coordinator")
    user.is_superuser = role == "admin"
    user.save(update_fields=["is_staff", "is_superuser"])
    user.groups.add(Group.objects.get(name=role))
    AgentProfile.objects.create(user=user, signature_name=first_name or username)
    do_record_audit_event(actor, "user.created", user, {"username": username, "role": role})
    return user
