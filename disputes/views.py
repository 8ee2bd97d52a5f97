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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appraisals.selectors.custody import report_get_for_holder
from authplatform.errors import error_messages
from disputes import permissions
from disputes.forms import DisputeForm
from disputes.models import DisputeEvidence
from disputes.selectors import (
    dispute_get_for_opener,
    dispute_metrics,
    dispute_photo_requests,
    dispute_steps,
    report_dispute_open,
)
from disputes.services import (
    DOCUMENT_MAX_BYTES,
    EvidenceFile,
    dispute_evidence_submit,
    dispute_open,
    dispute_window_closes,
)
from members.http import AuthenticatedHttpRequest

# After a refused file: a browser forgets the files chosen, so the holder is told to choose them
# again (what they typed is kept).
RESEND = gettext_lazy(
    "Nothing was saved yet: choose the files again (your browser forgets them), leaving out "
    "or replacing the one refused."
)
FILES_AGAIN = gettext_lazy(
    "Your files were not saved: choose them again once the form above is corrected."
)


def _uploads(request: AuthenticatedHttpRequest) -> tuple[list[EvidenceFile], list[str]]:
    """The files of the form, as the services take them, and those too large to read at all
    (each named)."""
    files, too_large = [], []
    kinds = (("photos", DisputeEvidence.Kind.PHOTO), ("documents", DisputeEvidence.Kind.DOCUMENT))
    for field, kind in kinds:
        for upload in request.FILES.getlist(field):
            name = upload.name or field
            if (upload.size or 0) > max(settings.PHOTO_MAX_BYTES, DOCUMENT_MAX_BYTES):
                too_large.append(_("%(name)s: the file is too large.") % {"name": name})
                continue
            files.append(EvidenceFile(name=name, data=upload.read(), kind=kind))
    return files, too_large


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
    file_errors: list[str] = []
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
        files, too_large = _uploads(request)
        try:
            if too_large:
                raise ValidationError({"photos": too_large})
            dispute = dispute_open(report=report, user=request.user, **form.cleaned_data,
                                   evidence=files)  # fmt: skip
        except ValidationError as error:
            errors, file_errors = _split_errors(form, error)
        except PermissionDenied as error:
            errors = error_messages(error)
        else:
            messages.success(
                request, _("Dispute %(reference)s opened.") % {"reference": dispute.reference}
            )
            return redirect("disputes:detail", uid=dispute.uid)
    if request.method == "POST" and request.FILES and not file_errors:
        # Refused for what was typed: the files chosen were fine, but they are not kept either.
        file_errors = [str(FILES_AGAIN)]
    return render(
        request,
        "disputes/dispute_new.html",
        {
            "report": report,
            "form": form,
            "errors": errors,
            "file_errors": file_errors,
            "window_closes": closes,
            "window_open": timezone.now() <= closes,
            "open_elsewhere": open_dispute is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _split_errors(form: DisputeForm, error: ValidationError) -> tuple[list[str], list[str]]:
    """A refusal as the page shows it: the form's own fields get theirs (what was typed stays),
    refused files are listed by name beside the file inputs, with the reminder to choose them
    again; anything else heads the page."""
    if not hasattr(error, "error_dict"):
        return error_messages(error), []
    errors: list[str] = []
    file_errors: list[str] = []
    for field, problems in error.message_dict.items():
        if field in ("photos", "documents"):
            file_errors += problems
        elif field in form.fields:
            form.add_error(field, problems)
        else:
            errors += problems
    if file_errors:
        file_errors.append(str(RESEND))
    return errors, file_errors


@login_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request: AuthenticatedHttpRequest, uid: Any) -> HttpResponse:
    dispute = dispute_get_for_opener(uid=uid, user=request.user)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        files, too_large = _uploads(request)
        try:
            if too_large:
                raise ValidationError(too_large)
            dispute_evidence_submit(dispute=dispute, user=request.user, files=files)
        except ValidationError as error:
            problems = error_messages(error) + ([str(RESEND)] if files else [])
            status = 400
        except PermissionDenied as error:
            problems, status = error_messages(error), 403
        else:
            messages.success(request, _("Evidence added."))
            return redirect("disputes:detail", uid=dispute.uid)
    return render(
        request,
        "disputes/dispute_detail.html",
        {
            "dispute": dispute,
            "steps": dispute_steps(dispute=dispute),
            "evidence": dispute.evidence.order_by("uploaded_at"),
            "photo_requests": dispute_photo_requests(dispute=dispute),
            "problems": problems,
            "overdue": dispute.resolved_at is None and timezone.now() > dispute.due_at,
        },
        status=status,
    )


@require_GET
@permission_required(permissions.VIEW, raise_exception=True)
def dispute_figures(request: HttpRequest) -> HttpResponse:
    """Dispute rate, overturn rate, resolution times, and overturns per expert."""
    return render(request, "disputes/figures.html", {"m": dispute_metrics()})
