"""Public pages: a report at its unguessable URL (page, PDF, canonical JSON, signed bundle,
QR code, photos) and the per-feature guides. No login; no personal data unless the owner
opted in. The submitter's own actions on a report (CSAT, NPS, showing their name) and the
holder's (partial proofs; appraisals/selectors/custody.py) are here too.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from appraisals.guides import GUIDES
from appraisals.models import Feature
from appraisals.report_pages import (
    report_context,
    report_holder_context,
    report_pdf,
    report_qr_svg,
)
from appraisals.selectors.custody import report_get_for_holder, report_signed_file_for
from appraisals.selectors.reports import (
    SIGNED_FILE_PRIVATE,
    report_get_for_owner,
    report_get_public,
    report_photo_get,
    report_provenance_document,
)
from appraisals.services.feedback import (
    nps_record,
    report_feedback_record,
    submission_owner_name_set,
)
from members.http import AuthenticatedHttpRequest
from provenance.canonical import canonical_json
from provenance.selectors import bundle_for
from provenance.selectors import document_fields as provenance_document_fields
from provenance.signing import bundle_build_from_parts


@require_GET
@vary_on_headers("Accept-Language", "Cookie")
def report_public(request: HttpRequest, token: str) -> HttpResponse:
    report = report_get_public(token=token)
    context = {
        **report_context(report),
        **report_holder_context(report, request.user),
        "signed_file": report_signed_file_for(report=report, user=request.user),
    }
    return render(request, "appraisals/report_public.html", context)


@require_GET
@vary_on_headers("Cookie")
def report_document(request: HttpRequest, token: str) -> HttpResponse:
    """The exact canonical bytes that were signed: ``sha256sum`` of this file is the hash."""
    report = report_get_public(token=token)
    if not report_signed_file_for(report=report, user=request.user):
        return HttpResponse(SIGNED_FILE_PRIVATE, status=403, content_type="text/plain")
    response = HttpResponse(canonical_json(report.document), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{report.reference}.json"'
    return response


@require_GET
@vary_on_headers("Cookie")
def report_bundle(request: HttpRequest, token: str) -> HttpResponse:
    """Document, hash, signature and signer in one file, for ``manage.py verify_report``."""
    report = report_get_public(token=token)
    if not report_signed_file_for(report=report, user=request.user):
        return HttpResponse(SIGNED_FILE_PRIVATE, status=403, content_type="text/plain")
    bundle = bundle_build_from_parts(
        document=report.document, signature=report.signature, signer=report.signer
    )
    response = HttpResponse(canonical_json(bundle), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{report.reference}.signed.json"'
    return response


@require_GET
@vary_on_headers("Accept-Language", "Cookie")
def report_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    report = report_get_public(token=token)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.reference}.pdf"'
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def report_qr(request: HttpRequest, token: str) -> HttpResponse:
    report = report_get_public(token=token)
    return HttpResponse(report_qr_svg(report), content_type="image/svg+xml")


@require_GET
def report_photo(request: HttpRequest, token: str, sha_prefix: str) -> FileResponse:
    photo = report_photo_get(token=token, sha_prefix=sha_prefix)
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


@require_GET
def guide_feature(request: HttpRequest, feature: str) -> HttpResponse:
    if feature not in GUIDES:
        raise Http404("No guide for that feature.")
    return render(
        request,
        "appraisals/guide_feature.html",
        {
            "feature_label": Feature(feature).label,
            "paragraphs": GUIDES[feature],
            "others": [(f.value, f.label) for f in Feature if f.value != feature],
        },
    )


@login_required
@require_POST
def report_feedback(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    report = report_get_for_owner(token=token, owner=request.user)
    try:
        report_feedback_record(
            report=report,
            user=request.user,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you for rating the report."))
    return redirect("appraisals:submission-detail", uid=report.submission.uid)


@login_required
@require_POST
def nps_answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    next_url = request.POST.get("next", "")
    try:
        nps_record(
            user=request.user,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you, that helps us."))
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)


@login_required
@require_POST
def report_owner_name(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    report = report_get_for_owner(token=token, owner=request.user)
    submission_owner_name_set(submission=report.submission, show=request.POST.get("show") == "1")
    return redirect("appraisals:submission-detail", uid=report.submission.uid)


@login_required
@require_GET
def report_proof_bundle(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The holder's proof bundle revealing only the fields they tick (type and id always).

    Anyone can check it with ``python -m provenance.verify`` or the verification page's
    script; the fields left out stay hidden behind their salts.
    """
    report = report_get_for_holder(token=token, user=request.user)
    document = report_provenance_document(report)
    if document is None:
        raise Http404("This report has no provenance record.")
    chosen = request.GET.getlist("field")
    known = provenance_document_fields(document)
    unknown = sorted(set(chosen) - set(known))
    if not chosen or unknown:
        message = (
            f"Unknown field(s): {', '.join(unknown)}. Choose from: {', '.join(known)}."
            if unknown
            else "Choose at least one field to reveal."
        )
        return JsonResponse({"error": {"code": "invalid_fields", "message": message}}, status=400)
    bundle = bundle_for(document, keys=chosen)
    response = HttpResponse(
        json.dumps(bundle, indent=1, ensure_ascii=False), content_type="application/json"
    )
    filename = f"{report.reference}.partial-proof.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
