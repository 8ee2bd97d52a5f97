"""Reports (JSON, the signed canonical document, PDF, proof bundle) and verification."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer, error_body
from api.models import Scope
from api.report_cache import answer_cache_put, answer_cached, answers_generation
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
from appraisals.report_pages import report_pdf
from appraisals.selectors.custody import report_signed_file_for
from appraisals.selectors.reports import (
    SIGNED_FILE_PRIVATE,
    report_provenance_document,
    report_signed_file_public,
)
from provenance.canonical import canonical_json
from provenance.selectors import bundle_for


class ReportFilter(django_filters.FilterSet):
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    submission = django_filters.UUIDFilter(field_name="submission__uid")
    issued_after = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")

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


class ReportDetail(generics.RetrieveAPIView):
    required_scope = Scope.REPORTS_READ
    serializer_class = ReportSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The body is cached with whose report it is (api/report_cache.py), and that is checked
        # against the request every time; only the owner's read, checked in the database,
        # stores one. (A stranger's 404 comes sooner for a cached report than for an unknown
        # id, but verify already tells anyone which ids exist.) The body's public_url is
        # absolute, so each origin has its own; get_host() holds the host to ALLOWED_HOSTS.
        name = f"{kwargs['uid']}@{request.scheme}://{request.get_host()}"
        cached = answer_cached("read", name)
        if cached is None:
            generation = answers_generation()  # read before the rows: see api/report_cache.py
            report = report_visible_get(request=request, uid=kwargs["uid"])
            body = dict(self.get_serializer(report).data)
            cached = (report.submission.owner_id, report.submission.sandbox, body)
            # A signed file that holds a serial goes to the report's holder only, and a
            # transfer changes who that is without touching the report: never cached.
            if report_signed_file_public(report):
                answer_cache_put("read", name, cached, generation)
        owner_id, sandbox, body = cached
        report_visible_check(request=request, owner_id=owner_id, sandbox=sandbox)
        return Response(body)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_NOT_YOURS = OpenApiResponse(ErrorSerializer, description="Not one of your reports.")
_HELD_ELSEWHERE = OpenApiResponse(
    ErrorSerializer,
    description="Its signed file holds the item's full serial, and the report has passed to "
    "another holder with its item.",
)


class ReportDocument(APIView):
    """The exact canonical bytes that were signed: their SHA-256 is the report's ``sha256``."""

    required_scope = Scope.REPORTS_READ

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            403: _HELD_ELSEWHERE,
            404: _NOT_YOURS,
        }
    )
    def get(self, request: Request, uid: str) -> HttpResponse:
        report = report_visible_get(request=request, uid=uid)
        if not report_signed_file_for(report=report, user=request_owner(request)):
            raise PermissionDenied(SIGNED_FILE_PRIVATE)
        return _download(
            canonical_json(report.document), "application/json", f"{report.reference}.json"
        )


class ReportPdf(APIView):
    required_scope = Scope.REPORTS_READ

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _NOT_YOURS})
    def get(self, request: Request, uid: str) -> HttpResponse:
        report = report_visible_get(request=request, uid=uid)
        return _download(report_pdf(report), "application/pdf", f"{report.reference}.pdf")


class ReportBundle(APIView):
    """The proof bundle: every field with its salt and proof, the signature and the anchor.

    Check it with ``python -m provenance.verify`` or POST it to ``/api/v1/verify/``. Sandbox
    reports are never anchored and have none (409).
    """

    required_scope = Scope.REPORTS_READ

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            404: _NOT_YOURS,
            409: ErrorSerializer,
        }
    )
    def get(self, request: Request, uid: str) -> HttpResponse | Response:
        report = report_visible_get(request=request, uid=uid)
        document = report_provenance_document(report)
        if document is None:
            message = "A sandbox report is never anchored, so it has no proof bundle."
            return Response(error_body("sandbox", message), status=status.HTTP_409_CONFLICT)
        return _download(
            canonical_json(bundle_for(document)),
            "application/json",
            f"{report.reference}.proof.json",
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
    """Verify a downloaded proof bundle or signed report. ``ok`` false says what failed."""

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
