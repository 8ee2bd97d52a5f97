"""Submissions as partners see them: the item, each photo's verdict, what still blocks it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appraisals.models import (
    Brand,
    Category,
    ProductModel,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Tier,
)
from appraisals.services.sandbox import SANDBOX_OUTCOMES
from appraisals.services.submissions import submission_blockers


class PhotoIssueSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="blurry, too_dark, overexposed, low_resolution, …")
    reason = serializers.CharField(help_text="What is wrong, in a few words.")
    hint = serializers.CharField(help_text="What to do about it, written for the photographer.")


def photo_issues(photo: SubmissionPhoto) -> list[dict[str, str]]:
    """Each quality issue as a reason and a hint (our messages read "Reason: hint")."""
    issues = []
    for issue in photo.issues:
        reason, _, hint = str(issue["message"]).partition(": ")
        issues.append({"code": str(issue["code"]), "reason": reason, "hint": hint or reason})
    if photo.quality.get("server_error"):
        text = str(photo.quality["server_error"])
        issues.append({"code": "server_check", "reason": text, "hint": text})
    return issues


class PhotoSerializer(serializers.ModelSerializer):
    slot = serializers.CharField(source="slot.code")
    accepted = serializers.BooleanField(source="quality_ok")
    issues = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionPhoto
        fields = ["slot", "accepted", "issues", "width", "height", "sha256", "uploaded_at"]

    @extend_schema_field(PhotoIssueSerializer(many=True))
    def get_issues(self, photo: SubmissionPhoto) -> list[dict[str, str]]:
        return photo_issues(photo)


class ReportSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    verdict = serializers.CharField()
    issued_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="This report in the API.")
    public_url = serializers.URLField(help_text="The public report page, to show buyers.")


class SubmissionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    brand = serializers.SlugRelatedField(slug_field="slug", queryset=Brand.objects.all())
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.all(), required=False, allow_null=True
    )
    # Blank only on a draft started on the website, before its details step.
    tier = serializers.ChoiceField(
        choices=[*Tier.choices, ("", "Not chosen yet")], default=Tier.STANDARD
    )
    declared_value_eur = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10_000_000
    )
    serial_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    external_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    sandbox_outcome = serializers.ChoiceField(
        choices=[(v.value, v.label) for v in SANDBOX_OUTCOMES],
        required=False,
        allow_blank=True,
        help_text="Sandbox keys only: the verdict the bot expert signs (default authentic).",
    )
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    missing_slots = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id", "reference", "status", "category", "brand", "product_model", "serial_code",
            "tier", "declared_value_eur", "external_reference", "sandbox", "sandbox_outcome",
            "created_at", "submitted_at", "due_at", "completed_at", "photos", "missing_slots",
            "blockers", "report",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "sandbox", "created_at", "submitted_at", "due_at", "completed_at",
        ]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sandbox = bool(self.context.get("sandbox"))
        if attrs.get("sandbox_outcome") and not sandbox:
            raise serializers.ValidationError(
                {"sandbox_outcome": "Only a sandbox key (ak_test_…) may choose an outcome."}
            )
        return attrs

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_slots(self, submission: Submission) -> list[str]:
        present = {p.slot_id for p in submission.photos.all()}
        return [
            slot.code
            for slot in submission.category.slots.all()
            if slot.required and slot.pk not in present
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_blockers(self, submission: Submission) -> list[str]:
        """What stops it from being submitted now; empty when it can be (or is submitted)."""
        if not submission.is_editable:
            return []
        return submission_blockers(submission=submission)

    @extend_schema_field(ReportSummarySerializer(allow_null=True))
    def get_report(self, submission: Submission) -> dict[str, Any] | None:
        reports = sorted(submission.reports.all(), key=lambda r: r.version)
        if not reports:
            return None
        report = reports[-1]
        request = self.context["request"]
        return {
            "id": report.uid,
            "version": report.version,
            "verdict": report.verdict,
            "issued_at": report.issued_at,
            "url": request.build_absolute_uri(reverse("api:report", args=[report.uid])),
            "public_url": request.build_absolute_uri(
                reverse("public:report", args=[report.public_token])
            ),
        }


class TimelineEventSerializer(serializers.ModelSerializer):
    # A declared field, not Field.label: DRF's metaclass takes it off the class.
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]
    message = serializers.CharField(source="message_display")

    class Meta:
        model = SubmissionEvent
        fields = ["kind", "label", "message", "round", "created_at"]


class BulkRequestSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.DictField(), min_length=1, help_text="Submissions to create."
    )


class BulkItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so this one doesn't hide the
    # ``fields`` property at run time; the stubs can't express that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class BulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.IntegerField(help_text="201 created, or 400 with `error`.")
    submission = SubmissionSerializer(required=False)
    error = BulkItemErrorSerializer(required=False)


class BulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkResultSerializer(many=True)


# A file part in the request. Spectacular renders a FileField as its response form, a URL
# string, unless every request component is split off (COMPONENT_SPLIT_REQUEST).
@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    pass


class PhotoUploadSerializer(serializers.Serializer):
    image = UploadField(help_text="JPEG, PNG, WebP or HEIC; one photo.")
