"""Reports (JSON, the signed canonical document, PDF, proof bundle) and verification."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.encoding import force_bytes
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.conditional import (
    IMMUTABLE,
    REVALIDATE,
    Validators,
    conditional_answer,
    conditional_schema,
    etag_of,
    etag_quote,
    validators_apply,
)
from api.errors import ErrorSerializer
from api.filters import UtcDateTimeFilter
from api.models import Scope
from api.report_cache import ReportRead, answer_cache_put, answer_cached, answers_generation
from api.selectors import (
    report_visible_check,
    report_visible_get,
    reports_visible,
    request_owner,
)
from api.serializers.reports import (
    ReportSerializer,
    VerificationSerializer,
    VerifyBundleRequestSerializer,
)
from api.verification import bundle_verify_any, report_verify
from appraisals.models import Report, Verdict
from appraisals.report_pages import report_pdf, report_public_url
from appraisals.selectors.custody import report_signed_file_for
from appraisals.selectors.reports import (
    SIGNED_FILE_PRIVATE,
    report_provenance_document,
    report_signed_file_public,
)
from disputes.selectors import report_disputes_public
from provenance.canonical import canonical_json
from provenance.selectors import bundle_for, document_status
from provenance.signing import bundle_build_from_parts


class ReportFilter(django_filters.FilterSet):
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    submission = django_filters.UUIDFilter(field_name="submission__uid")
    issued_after = UtcDateTimeFilter(field_name="issued_at", lookup_expr="gte")

    class Meta:
        model = Report
        fields = ["verdict", "submission", "issued_after"]


class ReportList(generics.ListAPIView):
    """Reports of your submissions, newest first (every version, corrections included)."""

    required_scope = Scope.REPORTS_READ
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self) -> QuerySet[Report]:
        return reports_visible(request=self.request).order_by("-issued_at", "-id")


_NOT_YOURS = OpenApiResponse(ErrorSerializer, description="Not one of your reports.")


class ReportDetail(generics.GenericAPIView):
    required_scope = Scope.REPORTS_READ
    serializer_class = ReportSerializer

    @conditional_schema({200: ReportSerializer, 404: _NOT_YOURS})
    def get(self, request: Request, uid: UUID) -> HttpResponseBase:
        # The body is cached with whose report it is (api/report_cache.py), and that is checked
        # against the request every time; only the owner's read, checked in the database,
        # stores one. (A stranger's 404 comes sooner for a cached report than for an unknown
        # id, but verify already tells anyone which ids exist.) The body's public_url is
        # absolute, so each origin has its own; get_host() holds the host to ALLOWED_HOSTS.
        name = f"{uid}@{request.scheme}://{request.get_host()}"
        read: ReportRead | None = answer_cached("read", name)
        if read is None:
            generation = answers_generation()  # read before the rows: see api/report_cache.py
            report = report_visible_get(request=request, uid=uid)
            body = dict(self.get_serializer(report).data)
            # A signed file that holds a serial goes to the report's holder only, and a
            # transfer changes who that is without touching the report: never cached, and
            # no Last-Modified (we keep no time of a transfer to give).
            public = report_signed_file_public(report)
            read = ReportRead(
                owner_id=report.submission.owner_id,
                sandbox=report.submission.sandbox,
                body=body,
                sha256=hashlib.sha256(JSONRenderer().render(body)).hexdigest(),
                last_modified=_read_last_modified(report) if public else None,
            )
            if public:
                answer_cache_put("read", name, read, generation)
        report_visible_check(request=request, owner_id=read.owner_id, sandbox=read.sandbox)
        # Revalidated: a correction names its successor in superseded_by, a transfer can
        # null the document.
        validators = Validators(
            etag=_read_etag(request, read),
            cache_control=REVALIDATE,
            last_modified=read.last_modified,
        )
        return conditional_answer(request, validators) or validators_apply(
            Response(read.body), validators
        )


def _read_last_modified(report: Report) -> datetime:
    """The body changes once after it is issued: when a correction supersedes it."""
    newer = getattr(report, "superseded_by", None)
    return newer.issued_at if newer is not None else report.issued_at


def _read_etag(request: Request, read: ReportRead) -> str:
    """The SHA-256 of the body's bytes: the stored one, unless Accept asks for other bytes
    (``application/json; indent=4``), which are then rendered to be hashed."""
    if request.accepted_media_type == JSONRenderer.media_type:
        return etag_quote(read.sha256)
    assert request.accepted_renderer is not None  # negotiated in APIView.initial
    content = request.accepted_renderer.render(read.body, request.accepted_media_type)
    return etag_quote(hashlib.sha256(force_bytes(content)).hexdigest())


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_HELD_ELSEWHERE = OpenApiResponse(
    ErrorSerializer,
    description="Its signed file holds the item's full serial, and the report has passed to "
    "another holder with its item.",
)


# The component the Report answer's ``document`` field registers (api/serializers/reports.py).
_SIGNED_DOCUMENT = {"$ref": "#/components/schemas/ReportDocument"}
# Components api/schema.py adds: a live report's proof bundle, a sandbox one's signed document.
_BUNDLE = {
    "oneOf": [
        {"$ref": "#/components/schemas/ProofBundle"},
        {"$ref": "#/components/schemas/SignedDocumentBundle"},
    ]
}


class ReportDocument(APIView):
    """The exact canonical bytes that were signed: their SHA-256 is the report's ``sha256``,
    and its ETag."""

    required_scope = Scope.REPORTS_READ

    @conditional_schema(
        {(200, "application/json"): _SIGNED_DOCUMENT, 403: _HELD_ELSEWHERE, 404: _NOT_YOURS}
    )
    def get(self, request: Request, uid: UUID) -> HttpResponseBase:
        report = report_visible_get(request=request, uid=uid)
        if not report_signed_file_for(report=report, user=request_owner(request)):
            raise PermissionDenied(SIGNED_FILE_PRIVATE)
        # Signed, so never changed; losing it to a transfer is the 403 above, not new bytes.
        validators = Validators(
            etag=etag_quote(report.sha256), cache_control=IMMUTABLE, last_modified=report.issued_at
        )
        return conditional_answer(request, validators) or validators_apply(
            _download(
                canonical_json(report.document), "application/json", f"{report.reference}.json"
            ),
            validators,
        )


PDF = "application/pdf"
# What openapi-python-client understands as binary; it asks for it when both are offered.
BINARY = "application/octet-stream"


class ReportPdf(APIView):
    """The report as a PDF, as its public page prints it, in the language the request asks
    for (Accept-Language). ``application/octet-stream`` when Accept asks for that and not
    for ``application/pdf``."""

    required_scope = Scope.REPORTS_READ

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # Accept chooses the PDF's media type below; an error is JSON whatever it says, rather
        # than a 406 to a client that asked for application/pdf.
        return super().perform_content_negotiation(request, force=True)

    @conditional_schema(
        {
            (200, PDF): OpenApiTypes.BINARY,
            (200, BINARY): OpenApiTypes.BINARY,
            404: _NOT_YOURS,
        },
        last_modified=False,
    )
    def get(self, request: Request, uid: UUID) -> HttpResponseBase:
        report = report_visible_get(request=request, uid=uid)
        media_type = BINARY if request.accepts(BINARY) and not request.accepts(PDF) else PDF
        # Revalidated: a correction, an anchor, a dispute or a transfer changes what it shows.
        validators = Validators(
            etag=_pdf_etag(report, media_type), cache_control=REVALIDATE, vary=("Accept",)
        )
        return conditional_answer(request, validators) or validators_apply(
            _download(report_pdf(report), media_type, f"{report.reference}.pdf"), validators
        )


def _pdf_etag(report: Report, media_type: str) -> str:
    """The PDF's version, without rendering it: WeasyPrint writes the same bytes for the same
    page, and the page (appraisals/report_pages.report_context) is the signed document plus
    these facts, the only ones that change after the report is issued. Chinese pages show
    the catalog's names of the item too."""
    submission = report.submission
    newer = getattr(report, "superseded_by", None)
    provenance = report_provenance_document(report)
    language = translation.get_language() or ""
    chinese = language[:2].lower() == "zh"
    facts = {
        "document": report.sha256,
        "media_type": media_type,
        "language": language,
        "public_url": report_public_url(report),  # printed, and in the QR code
        "superseded_by": newer.reference if newer is not None else None,
        "anchor": document_status(provenance) if provenance is not None else None,  # revoked too
        "disputes": [
            (str(d.uid), d.state, d.outcome, d.resolved_at, d.corrected_report_id)
            for d in report_disputes_public(report=report)
        ],
        # The submitter's name shows, if they chose so, while they hold the report.
        "owner": (
            submission.show_owner_name,
            submission.holder_id,
            submission.owner.full_name if submission.show_owner_name else "",
        ),
        "catalog": [
            getattr(entry, "local_name", None)
            for entry in (submission.brand, submission.category, submission.product_model)
        ]
        if chinese
        else None,
    }
    return etag_of(json.dumps(facts, sort_keys=True, default=str))


class ReportBundle(APIView):
    """The report's proof: every field with its salt and proof, the signature and the anchor
    (``authplatform.proof-bundle/1``). A sandbox report is never anchored and has no proof:
    its bundle is its signed document with its signature (``authplatform.signed-document/1``,
    whose document says ``"sandbox": true``).

    Check either with ``python -m provenance.verify`` (the proof) or ``manage.py
    verify_report`` (the signed document), or POST it to ``/api/v1/verify/``.
    """

    required_scope = Scope.REPORTS_READ

    @conditional_schema({(200, "application/json"): _BUNDLE, 403: _HELD_ELSEWHERE, 404: _NOT_YOURS})
    def get(self, request: Request, uid: UUID) -> HttpResponseBase:
        report = report_visible_get(request=request, uid=uid)
        document = report_provenance_document(report)
        if document is not None:
            content = canonical_json(bundle_for(document))
            filename = f"{report.reference}.proof.json"
            # Revalidated: it gains its anchor, and a revocation once one is anchored.
            cache_control, last_modified = REVALIDATE, None
        else:
            if not report_signed_file_for(report=report, user=request_owner(request)):
                raise PermissionDenied(SIGNED_FILE_PRIVATE)
            signed = bundle_build_from_parts(
                document=report.document, signature=report.signature, signer=report.signer
            )
            content = canonical_json(signed)
            filename = f"{report.reference}.signed.json"
            # Signed and never anchored, so never changed.
            cache_control, last_modified = IMMUTABLE, report.issued_at
        validators = Validators(
            etag=etag_quote(hashlib.sha256(content).hexdigest()),
            cache_control=cache_control,
            last_modified=last_modified,
        )
        return conditional_answer(request, validators) or validators_apply(
            _download(content, "application/json", filename), validators
        )


_LIVE = OpenApiParameter(
    "live", bool, description="Also ask the chain node now (slower), not only our records."
)


class VerifyReport(APIView):
    """Verify any report by its id: the signature, the proof, the anchor, revocation.

    Anyone's report may be verified (a buyer shows you theirs); only its verdict and
    status are returned, never the owner.
    """

    required_scope = Scope.VERIFY

    @extend_schema(
        parameters=[_LIVE],
        responses={200: VerificationSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, uid: str) -> Response:
        live = request.query_params.get("live", "").lower() in ("1", "true", "yes")
        if not live and (answer := answer_cached("verify", str(uid))) is not None:
            return Response(answer)
        generation = answers_generation()  # read before the rows: see api/report_cache.py
        report = get_object_or_404(
            Report.objects.select_related("superseded_by", "submission"), uid=uid
        )
        answer = report_verify(report=report, live=live)
        if not live:
            answer_cache_put("verify", str(uid), answer, generation)
        return Response(answer)


class VerifyBundle(APIView):
    """Verify a downloaded proof bundle or signed report, or a report's signed document as
    ``document/`` gives it. ``ok`` false says what failed."""

    required_scope = Scope.VERIFY

    @extend_schema(
        request=VerifyBundleRequestSerializer,
        responses={200: VerificationSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = VerifyBundleRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            bundle_verify_any(
                bundle=body.validated_data["bundle"], live=body.validated_data["live"]
            )
        )
