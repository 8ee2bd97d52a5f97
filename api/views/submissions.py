"""Submissions through the API: create (one or many), upload a photo per slot, submit, read
the status and timeline, list. Each step calls the same services as the website, so the same
checks apply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer, api_exception, error_body, validation_error_body
from api.filters import UtcDateTimeFilter
from api.models import Scope
from api.selectors import (
    request_owner,
    request_partner,
    request_sandbox,
    submission_visible_get,
    submissions_visible,
)
from api.serializers.submissions import (
    BulkRequestSerializer,
    BulkResponseSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    SubmissionCreateSerializer,
    SubmissionSerializer,
    TimelineEventSerializer,
)
from appraisals.models import PhotoSlot, Status, Submission, SubmissionEvent
from appraisals.policies import LIVE, SANDBOX
from appraisals.selectors import submission_events, submission_slot_get
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import submission_create, submission_submit
from appraisals.uploads import PhotoRejected

# A refused file's HTTP status: too big is 413, a format we don't take is 415, the rest 400.
_REJECTED_STATUS = {
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "decompression_bomb": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_format": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    "heic_unsupported": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


def _create(request: Request, data: dict[str, Any]) -> Submission:
    # The edge chooses the case's policy from the key's mode; the services only ask it.
    policy = SANDBOX if request_sandbox(request) else LIVE
    return submission_create(owner=request_owner(request), policy=policy, **data)


def _with_details(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.prefetch_related(
        Prefetch("category__slots", queryset=PhotoSlot.objects.order_by("position", "id")),
        "photos__slot",
        "reports",
        "photo_requests",
    )


def _detailed(pk: int) -> Submission:
    return _with_details(Submission.objects.filter(pk=pk)).get()


class SubmissionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    external_reference = django_filters.CharFilter()
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Submission
        fields = ["status", "external_reference", "created_after", "created_before"]


class SubmissionListCreate(generics.ListAPIView):
    """List your submissions, newest first, or create one (a draft: add photos, then submit)."""

    required_scope = Scope.SUBMIT
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[Submission]:
        return _with_details(submissions_visible(request=self.request)).order_by(
            "-created_at", "-id"
        )

    @extend_schema(
        request=SubmissionCreateSerializer,
        responses={201: SubmissionSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = SubmissionCreateSerializer(
            data=request.data, context={"sandbox": request_sandbox(request)}
        )
        body.is_valid(raise_exception=True)
        submission = _create(request, body.validated_data)
        data = SubmissionSerializer(_detailed(submission.pk), context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class SubmissionDetail(generics.RetrieveAPIView):
    """A submission: its status, each photo's verdict, what still blocks it, its report."""

    required_scope = Scope.SUBMIT
    serializer_class = SubmissionSerializer

    def get_object(self) -> Submission:
        submission = submission_visible_get(request=self.request, uid=self.kwargs["uid"])
        return _detailed(submission.pk)


class SubmissionTimeline(generics.ListAPIView):
    """The submission's timeline, oldest first, as the buyer's status page shows it."""

    required_scope = Scope.SUBMIT
    serializer_class = TimelineEventSerializer
    queryset = SubmissionEvent.objects.none()  # for the schema; get_queryset is per submission

    def get_queryset(self) -> QuerySet[SubmissionEvent]:
        return submission_events(
            submission=submission_visible_get(request=self.request, uid=self.kwargs["uid"]),
            viewer=request_owner(self.request),
        )


class PhotoPut(APIView):
    """Upload the photo of one slot (multipart field ``image``); a retake replaces it.

    The photo is sanitised and quality-checked as on the website. A photo that fails the
    check is kept but marked ``accepted: false`` with a reason and a hint per issue, and must
    be retaken before submitting. A file we can't take at all is refused, and the slot keeps
    the photo it had: 413 too large, 415 not a photo format we accept, 400 anything else
    (empty, damaged, not an image, too small to be a photo).
    """

    required_scope = Scope.SUBMIT
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            200: PhotoSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            415: ErrorSerializer,
        },
    )
    def put(self, request: Request, uid: str, slot: str) -> Response:
        submission = submission_visible_get(request=request, uid=uid)
        photo_slot = submission_slot_get(submission=submission, slot_code=slot)
        # MultiPartParser, this view's only parser, gives a QueryDict.
        upload = cast("Mapping[str, Any]", request.data).get("image")
        if upload is None or not hasattr(upload, "read"):
            raise exceptions.ValidationError({"image": ["Send the photo as the field 'image'."]})
        if upload.size > settings.PHOTO_MAX_BYTES:
            return _rejected(PhotoRejected("too_large", _too_large_message(upload.size)))
        if not submission.is_editable:
            return _conflict(submission)
        try:
            photo = submission_photo_upload(
                submission=submission, slot=photo_slot, data=upload.read()
            )
        except PhotoRejected as error:
            return _rejected(error)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_200_OK)


def _too_large_message(size: int) -> str:
    limit = settings.PHOTO_MAX_BYTES // 1_048_576
    return f"The file is {size / 1_048_576:.1f} MB; the limit is {limit} MB."


def _rejected(error: PhotoRejected) -> Response:
    code = _REJECTED_STATUS.get(error.code, status.HTTP_400_BAD_REQUEST)
    return Response(error_body(error.code, error.message, {"image": [error.message]}), status=code)


def _conflict(submission: Submission) -> Response:
    return Response(
        error_body(
            "conflict",
            f"This submission is {submission.get_status_display().lower()} and can't be "
            "changed now.",
        ),
        status=status.HTTP_409_CONFLICT,
    )


class SubmissionSubmit(APIView):
    """Submit a draft (or a retake): the photo re-check, the AI and the expert follow.

    400 lists what blocks it (missing or refused photos); 409 if it was already submitted.
    """

    required_scope = Scope.SUBMIT

    @extend_schema(
        request=None,
        responses={
            202: SubmissionSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request: Request, uid: str) -> Response:
        submission = submission_visible_get(request=request, uid=uid)
        if not submission.is_editable:
            return _conflict(submission)
        # A partner's key: the partner is billed under its contract, not per case here.
        submission_submit(submission=submission, for_partner=request_partner(request) is not None)
        data = SubmissionSerializer(_detailed(submission.pk), context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class SubmissionBulk(APIView):
    """Create many submissions in one call (up to ``API_BULK_MAX_ITEMS``).

    Each item is created on its own: one that fails validation is reported with its error and
    never undoes the others. The response lists every item's result in request order.
    """

    required_scope = Scope.SUBMIT

    @extend_schema(
        request=BulkRequestSerializer,
        responses={200: BulkResponseSerializer, 400: ErrorSerializer, 413: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        envelope = BulkRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        items = envelope.validated_data["items"]
        limit = settings.API_BULK_MAX_ITEMS
        if len(items) > limit:
            raise exceptions.ValidationError(
                {"items": [f"Send at most {limit} items per call; this had {len(items)}."]}
            )
        context = {"request": request, "sandbox": request_sandbox(request)}
        results: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            serializer = SubmissionCreateSerializer(data=item, context=context)
            try:
                serializer.is_valid(raise_exception=True)
                submission = _create(request, serializer.validated_data)
            except (exceptions.ValidationError, ValidationError) as error:
                results.append(
                    {"index": index, "status": 400, "submission": None, "error": _item_error(error)}
                )
                continue
            results.append(
                {"index": index, "status": 201, "submission": submission.pk, "error": None}
            )
        # The created ones read back in one prefetched query set, not one per item.
        pks = [r["submission"] for r in results if r["status"] == 201]
        fresh = _with_details(Submission.objects.filter(pk__in=pks)).in_bulk()
        for result in results:
            if result["status"] == 201:
                result["submission"] = SubmissionSerializer(
                    fresh[result["submission"]], context=context
                ).data
        created = len(pks)
        body = {"created": created, "failed": len(results) - created, "results": results}
        return Response(body, status=status.HTTP_200_OK)


def _item_error(error: Exception) -> dict[str, Any]:
    detail = api_exception(error).detail  # type: ignore[attr-defined]
    return validation_error_body(detail)["error"]
