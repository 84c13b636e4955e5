"""Views for decisions: confirm or override the protocol's advice, unaccounted silence."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from nabij.actions.decisions import (
    do_confirm_decision,
    do_override_decision,
    unaccounted_silence,
)
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.roles import has_capability
from nabij.models import Decision, Message


def _message(request: HttpRequest, message_id: int) -> Message:
    if not has_capability(request.user, "decide_messages"):
        raise DjangoPermissionDenied
    message = (
        Message.objects.select_related("channel", "contact", "conversation")
        .filter(pk=message_id, direction="inbound")
        .first()
    )
    if message is None:
        raise Http404
    return message


@login_required
@require_POST
def confirm(request: HttpRequest, message_id: int) -> HttpResponse:
    """Confirm the advice for one message."""
    with transaction.atomic():
        message = _message(request, message_id)
        try:
            decision = do_confirm_decision(request.user, message)
        except (ActionError, PermissionDenied) as exc:
            flash.error(request, _("Niet vastgelegd: %(reason)s") % {"reason": exc})
        else:
            flash.success(
                request,
                _("Advies bevestigd: %(action)s.") % {"action": decision.get_action_display()},
            )
    return redirect("conversation", conversation_id=message.conversation_id)


@login_required
@require_POST
def override(request: HttpRequest, message_id: int) -> HttpResponse:
    """Decide differently from the advice, with a mandatory justification."""
    with transaction.atomic():
        message = _message(request, message_id)
        try:
            decision = do_override_decision(
                request.user,
                message,
                action=request.POST.get("action", ""),
                reason_code=request.POST.get("reason_code", ""),
                justification=request.POST.get("justification", ""),
            )
        except (ActionError, PermissionDenied) as exc:
            flash.error(request, _("Niet vastgelegd: %(reason)s") % {"reason": exc})
        else:
            flash.success(
                request,
                _("Afwijkend besluit vastgelegd: %(action)s.")
                % {"action": decision.get_action_display()},
            )
    return redirect("conversation", conversation_id=message.conversation_id)


@login_required
def silence(request: HttpRequest) -> HttpResponse:
    """Messages past their deadline without a recorded decision."""
    if not has_capability(request.user, "work_inbox"):
        raise DjangoPermissionDenied
    qs = unaccounted_silence().select_related("channel", "contact").order_by("response_due_at")
    advice = {
        d.message_id: d
        for d in Decision.objects.filter(
            message_id__in=list(qs.values_list("pk", flat=True)[:200])
        ).order_by("created_at", "pk")
    }
    return render(
        request,
        "nabij/silence.html",
        {
            "rows": [(m, advice.get(m.pk)) for m in qs[:200]],
            "total": qs.count(),
        },
    )


@login_required
@require_POST
def silence_confirm(request: HttpRequest) -> HttpResponse:
    """Follow the advice for the selected silent messages, each recorded separately."""
    if not has_capability(request.user, "decide_messages"):
        raise DjangoPermissionDenied
    ids = [int(v) for v in request.POST.getlist("message") if v.isdigit()][:200]
    done = 0
    with transaction.atomic():
        for message in Message.objects.filter(pk__in=ids, direction="inbound").select_related(
            "channel", "contact"
        ):
            try:
                do_confirm_decision(request.user, message)
            except ActionError:
                continue
            done += 1
    confirmed = ngettext("%(n)d advies bevestigd.", "%(n)d adviezen bevestigd.", done)
    flash.success(request, confirmed % {"n": done})
    return redirect("silence")
