"""Reports, verification results and disputes as the API returns them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.parsers import JSONField
from api.selectors import request_owner
from appraisals.models import Report
from appraisals.selectors.custody import report_signed_file_for
from disputes.models import Dispute
from provenance.bundles import Outcome


class ReportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid")
    submission = serializers.UUIDField(source="submission.uid")
    sandbox = serializers.BooleanField(source="submission.sandbox")
    # Null for a first version; allow_null puts that in the schema.
    supersedes: serializers.SlugRelatedField[Report] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, allow_null=True
    )
    superseded_by = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "reference", "submission", "version", "verdict", "issued_at", "sandbox",
            "sha256", "signature", "signer", "supersedes", "superseded_by", "public_url",
            "document",
        ]  # fmt: skip

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_superseded_by(self, report: Report) -> Any:
        newer = getattr(report, "superseded_by", None)
        return newer.uid if newer is not None else None

    @extend_schema_field(
        serializers.JSONField(
            allow_null=True,
            help_text="The canonical document, as signed. Null for a report issued before "
            "serials became private (its document holds the full serial) once it has passed "
            "to another holder with its item.",
        )
    )
    def get_document(self, report: Report) -> Any:
        account = request_owner(self.context["request"])
        return report.document if report_signed_file_for(report=report, user=account) else None

    def get_public_url(self, report: Report) -> str:
        url = reverse("public:report", args=[report.public_token])
        return self.context["request"].build_absolute_uri(url)


class StepSerializer(serializers.Serializer):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class RevocationSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["superseded", "withdrawn"], allow_null=True,
        help_text="superseded: a corrected version replaces it; withdrawn: nothing does.",
    )  # fmt: skip
    reason = serializers.CharField(allow_null=True, help_text="Why, as the issuer signed it.")
    superseded_by = serializers.CharField(allow_null=True, help_text="The successor's id.")
    revoked_at = serializers.CharField(
        allow_null=True, help_text="When the chain marked it revoked (UTC); null until then."
    )


class VerificationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[str(outcome) for outcome in Outcome],
        help_text="valid; pending (not anchored yet: sandbox reports always); revoked; invalid "
        "(the first failed step says why); unchecked (the chain node did not answer). The same "
        "outcomes as `python -m provenance.verify` and the /verify pages.",
    )
    ok = serializers.BooleanField(help_text="Every check passed and the report is not revoked.")
    status = serializers.ChoiceField(
        choices=["valid", "pending_anchor", "superseded", "revoked", "sandbox", "invalid"]
    )
    report = serializers.UUIDField(allow_null=True)
    verdict = serializers.CharField(allow_null=True)
    sandbox = serializers.BooleanField()
    anchored = serializers.BooleanField()
    revoked = serializers.BooleanField()
    superseded_by = serializers.UUIDField(allow_null=True)
    revocation = RevocationSerializer(
        allow_null=True, help_text="Why and by what it was revoked; null unless it was."
    )
    anchor = serializers.JSONField(allow_null=True, help_text="Chain, contract, batch and block.")
    steps = StepSerializer(many=True)


class VerifyBundleRequestSerializer(serializers.Serializer):
    bundle = JSONField(
        help_text="A proof bundle (authplatform.proof-bundle/1) or a signed report "
        "(authplatform.signed-document/1), as downloaded."
    )
    live = serializers.BooleanField(
        default=False, help_text="Also ask the chain node now, not only our records."
    )


class DisputeSerializer(serializers.ModelSerializer):
    """What the report's holder may know: never who sits on the re-appraisal or the panel."""

    id = serializers.UUIDField(source="uid")
    report = serializers.UUIDField(source="report.uid")
    # Null until a resolution corrects the report; allow_null puts that in the schema.
    corrected_report: serializers.SlugRelatedField[Report] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, allow_null=True
    )

    class Meta:
        model = Dispute
        fields = [
            "id", "report", "reason", "state", "outcome", "outcome_reason", "opened_at",
            "due_at", "resolved_at", "corrected_report",
        ]  # fmt: skip
