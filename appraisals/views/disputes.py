"""The holder's side of a dispute: open one (with evidence), follow it, add evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appraisals.models import Dispute, DisputeEvidence
from appraisals.selectors.custody import report_get_for_holder
from appraisals.services.disputes import (
    DOCUMENT_MAX_BYTES,
    dispute_evidence_add,
    dispute_open,
    dispute_window_closes,
)
from authplatform.errors import error_messages
from members.http import AuthenticatedHttpRequest


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(choices=Dispute.Reason.choices, widget=forms.RadioSelect)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


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
    open_dispute = report.disputes.exclude(state=Dispute.State.RESOLVED).first()
    if open_dispute is not None and open_dispute.opened_by_id == request.user.pk:
        return redirect("appraisals:dispute-detail", uid=open_dispute.uid)
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
            return redirect("appraisals:dispute-detail", uid=dispute.uid)
    return render(
        request,
        "appraisals/dispute_new.html",
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
    try:
        dispute = Dispute.objects.select_related("report__submission").get(uid=uid)
    except (Dispute.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such dispute.") from error
    if dispute.opened_by_id != request.user.pk:
        raise Http404("No such dispute.")
    status = 200
    if request.method == "POST":
        problems = _add_files(request, dispute)
        if not request.FILES:
            problems = ["Choose a photo or a PDF to add."]
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, "Evidence added.")
            return redirect("appraisals:dispute-detail", uid=dispute.uid)
        status = 400
    steps = dispute.report.submission.events.filter(
        kind__startswith="dispute", message__startswith=dispute.reference
    ).order_by("created_at", "id")
    return render(
        request,
        "appraisals/dispute_detail.html",
        {
            "dispute": dispute,
            "steps": steps,
            "evidence": dispute.evidence.order_by("uploaded_at"),
            "overdue": dispute.resolved_at is None and timezone.now() > dispute.due_at,
        },
        status=status,
    )
