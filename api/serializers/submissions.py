"""Submissions as partners see them: the item, each photo's verdict, what still blocks it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.serializers.common import (
    ChoiceOrNullField,
    MoneySerializer,
    ResponseModelSerializer,
    ResponseSerializer,
    money,
)
from appraisals.models import (
    Brand,
    Category,
    ProductModel,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Tier,
    Verdict,
)
from appraisals.services.sandbox import SANDBOX_OUTCOMES
from appraisals.services.submissions import submission_blockers
from ml.quality import QUALITY_ISSUE_CODES


class PhotoIssueSerializer(ResponseSerializer):
    code = serializers.ChoiceField(
        choices=[*QUALITY_ISSUE_CODES, "server_check"],
        help_text="What the quality check found; server_check: the server's re-check could not "
        "read the photo.",
    )
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


class PhotoSerializer(ResponseModelSerializer):
    slot = serializers.CharField(source="slot.code")
    accepted = serializers.BooleanField(source="quality_ok")
    issues = serializers.SerializerMethodField()
    sha256 = serializers.CharField(
        help_text="SHA-256 (hex) of the photo as we store it: the metadata-free JPEG re-encoded "
        "from your upload, not of the file you sent, so one picture sent as PNG and as JPEG can "
        "give the same value. It is what the report's photo list commits to."
    )
    received_sha256 = serializers.CharField(
        help_text="SHA-256 (hex) of the file exactly as you sent it; empty for photos stored "
        "before v1.1."
    )

    class Meta:
        model = SubmissionPhoto
        fields = [
            "slot", "accepted", "issues", "width", "height", "sha256", "received_sha256",
            "uploaded_at",
        ]  # fmt: skip

    @extend_schema_field(PhotoIssueSerializer(many=True))
    def get_issues(self, photo: SubmissionPhoto) -> list[dict[str, str]]:
        return photo_issues(photo)


class ReportSummarySerializer(ResponseSerializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    issued_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="This report in the API.")
    public_url = serializers.URLField(help_text="The public report page, to show buyers.")


_SANDBOX_OUTCOMES = [(v.value, v.label) for v in SANDBOX_OUTCOMES]


@extend_schema_field(
    {
        "type": "integer",
        "minimum": 1,
        "maximum": 10_000_000,
        "nullable": True,
        "deprecated": True,
        "description": "Whole euros. Deprecated since v1.1: use declared_value.",
    }
)
class DeprecatedEurosField(serializers.IntegerField):
    pass


class SlugReferenceField(serializers.SlugRelatedField):
    """A catalog row by its slug. A NUL character can't be in any slug, and PostgreSQL refuses
    it in a query, so it is an invalid value before any lookup."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class SubmissionCreateSerializer(serializers.Serializer):
    """What a partner sends to create a submission (a draft: add photos, then submit)."""

    category = SlugReferenceField(
        slug_field="slug", queryset=Category.objects.all(), help_text="A category's slug."
    )
    brand = SlugReferenceField(
        slug_field="slug", queryset=Brand.objects.all(), help_text="A brand's slug."
    )
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.all(), required=False, allow_null=True,
        help_text="A catalog model's id, when known.",
    )  # fmt: skip
    serial_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    tier = serializers.ChoiceField(
        choices=Tier.choices, default=Tier.STANDARD,
        help_text="The service: standard (24 h), priority (12 h) or express (2 h).",
    )  # fmt: skip
    declared_value = MoneySerializer(
        required=False, allow_null=True,
        help_text="What the item is worth, for the guarantee: whole units of the currency.",
    )  # fmt: skip
    declared_value_eur = DeprecatedEurosField(
        required=False, allow_null=True, min_value=1, max_value=10_000_000
    )
    external_reference = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text="Your own id for the case (an order number); filter the list by it.",
    )  # fmt: skip
    sandbox_outcome = serializers.ChoiceField(
        choices=_SANDBOX_OUTCOMES, required=False, allow_blank=True,
        help_text="Sandbox keys only: the verdict the bot expert signs (default authentic).",
    )  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sandbox = bool(self.context.get("sandbox"))
        if attrs.get("sandbox_outcome") and not sandbox:
            raise serializers.ValidationError(
                {"sandbox_outcome": "Only a sandbox key (ak_test_…) may choose an outcome."}
            )
        value = attrs.pop("declared_value", None)
        if value is not None:
            if attrs.get("declared_value_eur") is not None:
                raise serializers.ValidationError(
                    {"declared_value": "Send declared_value or declared_value_eur, not both."}
                )
            if value["cents"] % 100 or not 1 <= value["cents"] // 100 <= 10_000_000:
                raise serializers.ValidationError(
                    {"declared_value": "A declared value is whole euros, 1 to 10000000."}
                )
            attrs["declared_value_eur"] = value["cents"] // 100
        return attrs


class SubmissionSerializer(ResponseModelSerializer):
    """A submission: its item, status, each photo's verdict, what still blocks it, its report."""

    id = serializers.UUIDField(source="uid")
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    brand: serializers.SlugRelatedField[Brand] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    tier = ChoiceOrNullField(
        choices=Tier.choices, help_text="Null only on a draft started on the website."
    )
    declared_value = serializers.SerializerMethodField()
    declared_value_eur = DeprecatedEurosField(allow_null=True)
    price = serializers.SerializerMethodField()
    sandbox_outcome = ChoiceOrNullField(
        choices=_SANDBOX_OUTCOMES, help_text="The verdict a sandbox case asked for; else null."
    )
    status = serializers.ChoiceField(choices=Status.choices)
    photos = PhotoSerializer(many=True)
    missing_slots = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id", "reference", "status", "category", "brand", "product_model", "serial_code",
            "tier", "declared_value", "declared_value_eur", "price", "external_reference",
            "sandbox", "sandbox_outcome", "created_at", "submitted_at", "due_at",
            "completed_at", "photos", "missing_slots", "blockers", "report",
        ]  # fmt: skip

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_declared_value(self, submission: Submission) -> dict[str, str] | None:
        euros = submission.declared_value_eur
        return money(euros * 100 if euros is not None else None)

    @extend_schema_field(
        MoneySerializer(
            allow_null=True,
            help_text="What the appraisal costs, fixed when it is submitted; null before.",
        )
    )
    def get_price(self, submission: Submission) -> dict[str, str] | None:
        return money(submission.price_cents)

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


class TimelineEventSerializer(ResponseModelSerializer):
    # A declared field, not Field.label: DRF's metaclass takes it off the class.
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]
    message = serializers.CharField(source="message_display")

    class Meta:
        model = SubmissionEvent
        fields = ["kind", "label", "message", "round", "created_at"]


@extend_schema_serializer(component_name="BulkCreate")
class BulkRequestSerializer(serializers.Serializer):
    items = SubmissionCreateSerializer(
        many=True, help_text="Submissions to create, each as POST /submissions/ takes it."
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Each item is validated on its own by the view, so that one bad item never fails the
        # others: here only the envelope (a non-empty list of objects) is checked.
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            raise serializers.ValidationError({"items": ["Send a non-empty list of submissions."]})
        if not all(isinstance(item, dict) for item in items):
            raise serializers.ValidationError({"items": ["Each item must be a JSON object."]})
        return {"items": items}


class BulkItemErrorSerializer(ResponseSerializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so this one doesn't hide the
    # ``fields`` property at run time; the stubs can't express that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class BulkResultSerializer(ResponseSerializer):
    index = serializers.IntegerField(help_text="The item's place in the request, from 0.")
    status = serializers.ChoiceField(
        choices=[201, 400], help_text="201 created (`submission`), or 400 (`error`)."
    )
    submission = SubmissionSerializer(allow_null=True, help_text="Null unless created.")
    error = BulkItemErrorSerializer(allow_null=True, help_text="Null unless refused.")


class BulkResponseSerializer(ResponseSerializer):
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
