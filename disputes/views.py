"""The holder's side of a dispute (open one with evidence, follow it, add evidence) and the
staff's figures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from appraisals.selectors.custody import report_get_for_holder
from authplatform.errors import error_messages
from disputes import permissions
from disputes.forms import DisputeForm
from disputes.models import Dispute, DisputeEvidence
from disputes.selectors import (
    dispute_get_for_opener,
    dispute_metrics,
    dispute_steps,
    report_dispute_open,
)
from disputes.services import (
    DOCUMENT_MAX_BYTES,
    dispute_evidence_add,
    dispute_open,
    dispute_window_closes,
)
from members.http import AuthenticatedHttpRequest


def _add_files(request: AuthenticatedHttpRequest, dispute: Dispute) -> list[str]:
    """Store each uploaded file; a bad one is reported by name and the others are kept."""
    problems = []
    kinds = (("photos", DisputeEvidence.Kind.PHOTO), ("documents", DisputeEvidence.Kind.DOCUMENT))
    for field, kind in kinds:
        for upload in request.FILES.getlist(field):
            name = upload.name or field
            if (upload.size or 0) > max(settings.PHOTO_MAX_BYTES, DOCUMENT_MAX_BYTES):
                problems.append(f"{name}: the file is too large.")
                continue
            try:
                dispute_evidence_add(
                    dispute=dispute, user=request.user, data=upload.read(), name=name, kind=kind
                )
            except (ValidationError, PermissionDenied) as error:
                problems.append(f"{name}: {' '.join(error_messages(error))}")
    return problems


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    report = report_get_for_holder(token=token, user=request.user)
    open_dispute = report_dispute_open(report=report)
    if open_dispute is not None and open_dispute.opened_by_id == request.user.pk:
        return redirect("disputes:detail", uid=open_dispute.uid)
    closes = dispute_window_closes(report)
    form = DisputeForm(request.POST or None)
    errors: list[str] = []
    if open_dispute is not None:
        # Opened by an earlier holder before the report came to this one: its page is theirs,
        # its outcome is this holder's, and the report takes one open dispute at a time.
        errors = [
            _(
                "This report already has an open dispute (%(reference)s), opened before it came "
                "to you. Its outcome applies to the report you now hold; you can open a dispute "
                "of your own once it is resolved."
            )
            % {"reference": open_dispute.reference}
        ]
    elif request.method == "POST" and form.is_valid():
        try:
            dispute = dispute_open(report=report, user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
        else:
            problems = _add_files(request, dispute)
            for problem in problems:
                messages.error(request, problem)
            messages.success(request, f"Dispute {dispute.reference} opened.")
            return redirect("disputes:detail", uid=dispute.uid)
    return render(
        request,
        "disputes/dispute_new.html",
        {
            "report": report,
            "form": form,
            "errors": errors,
            "window_closes": closes,
            "window_open": timezone.now() <= closes,
            "open_elsewhere": open_dispute is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request: AuthenticatedHttpRequest, uid: Any) -> HttpResponse:
    dispute = dispute_get_for_opener(uid=uid, user=request.user)
    status = 200
    if request.method == "POST":
        problems = _add_files(request, dispute)
        if not request.FILES:
            problems = ["Choose a photo or a PDF to add."]
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, "Evidence added.")
            return redirect("disputes:detail", uid=dispute.uid)
        status = 400
    return render(
        request,
        "disputes/dispute_detail.html",
        {
            "dispute": dispute,
            "steps": dispute_steps(dispute=dispute),
            "evidence": dispute.evidence.order_by("uploaded_at"),
            "overdue": dispute.resolved_at is None and timezone.now() > dispute.due_at,
        },
        status=status,
    )


@require_GET
@permission_required(permissions.VIEW, raise_exception=True)
def dispute_figures(request: HttpRequest) -> HttpResponse:
    """Dispute rate, overturn rate, resolution times, and overturns per expert."""
    return render(request, "disputes/figures.html", {"m": dispute_metrics()})
