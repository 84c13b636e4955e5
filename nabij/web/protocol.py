"""Coordinators manage the protocol: versions, editor with live validation, simulation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.protocols import compiled, do_publish, do_save_draft, published_version
from nabij.actions.roles import has_capability
from nabij.actions.simulation import simulate_draft
from nabij.models import ProtocolVersion
from nabij.protocol import check_protocol, diff_protocols

MAX_SOURCE = 500_000


def _require(request: HttpRequest) -> None:
    if not has_capability(request.user, "manage_protocol"):
        raise DjangoPermissionDenied


def _version(pk: int) -> ProtocolVersion:
    version = ProtocolVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


@login_required
def versions(request: HttpRequest) -> HttpResponse:
    """All versions, the published one first, with links to edit, diff and roll back."""
    _require(request)
    current = published_version()
    rows = list(ProtocolVersion.objects.select_related("created_by", "published_by"))
    return render(request, "nabij/protocol_versions.html", {"current": current, "versions": rows})


@login_required
def edit(request: HttpRequest) -> HttpResponse:
    """The editor: start from a version (default: the published one)."""
    _require(request)
    base = published_version()
    if request.GET.get("from"):
        try:
            base = _version(int(request.GET["from"]))
        except ValueError:
            raise Http404 from None
    source = base.source
    if request.method == "POST":
        source = request.POST.get("source", "")[:MAX_SOURCE]
        try:
            with transaction.atomic():
                draft = do_save_draft(
                    request.user, source, notes=request.POST.get("notes", "")[:2000]
                )
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except ActionError as exc:
            flash.error(request, _("Het concept is niet opgeslagen; zie de fouten hieronder."))
            return render(
                request,
                "nabij/protocol_edit.html",
                {"source": source, "base": base, "errors": str(exc).splitlines()},
                status=400,
            )
        flash.success(request, _("Concept %(v)s opgeslagen.") % {"v": draft.version})
        return redirect("protocol_detail", pk=draft.pk)
    return render(request, "nabij/protocol_edit.html", {"source": source, "base": base})


@login_required
@require_POST
def validate(request: HttpRequest) -> HttpResponse:
    """Live validation for the editor (htmx): the list of problems, or that it is valid."""
    _require(request)
    source = request.POST.get("source", "")
    if len(source) > MAX_SOURCE:
        issues = [_("Het protocol is groter dan 500 kB.")]
        protocol = None
    else:
        protocol, found = check_protocol(source)
        issues = [f"regel {i.line}, kolom {i.column}: {i.message}" for i in found]
    return render(request, "nabij/_protocol_issues.html", {"issues": issues, "protocol": protocol})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: its text, its differences from the published version, actions."""
    _require(request)
    version = _version(pk)
    current = published_version()
    diff = None
    if version.pk != current.pk:
        diff = diff_protocols(compiled(current), compiled(version)).lines()
    return render(
        request,
        "nabij/protocol_detail.html",
        {"version": version, "current": current, "diff": diff},
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft, or roll back to an older version."""
    _require(request)
    try:
        with transaction.atomic():
            version = do_publish(request.user, _version(pk))
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ActionError as exc:
        flash.error(request, str(exc))
        return redirect("protocol_detail", pk=pk)
    flash.success(request, _("Versie %(v)s is nu gepubliceerd.") % {"v": version.version})
    return redirect("protocol_versions")


@login_required
def simulate(request: HttpRequest, pk: int) -> HttpResponse:
    """What would change if this version were published, on the last N days."""
    _require(request)
    version = _version(pk)
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 365))
    except ValueError:
        days = 30
    result = simulate_draft(version.source, days=days, max_changes=100)
    return render(
        request,
        "nabij/protocol_simulate.html",
        {"version": version, "days": days, "result": result},
    )
