"""Reports, verification results and disputes as the API returns them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.selectors import request_owner
from api.serializers.common import ChoiceOrNullField, ResponseModelSerializer, ResponseSerializer
from appraisals.models import Report, Verdict
from appraisals.selectors.custody import report_signed_file_for
from disputes.models import Dispute
from provenance.bundles import Outcome


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_STRING = {"type": "string"}
_TIME = {"type": "string", "format": "date-time", "description": "UTC, YYYY-MM-DDTHH:MM:SSZ."}
_PHOTO_REF = {
    "type": "object",
    "properties": {"slot": _STRING, "sha256": _STRING},
    "required": ["slot", "sha256"],
}
# The signed report document (docs/report.md has every field). Its bytes are signed, so it is
# described as issued; a later schema version may add fields, never change these.
REPORT_DOCUMENT = {
    "type": "object",
    "description": "The canonical report document, as signed (docs/report.md).",
    "properties": {
        "type": {"type": "string", "description": "authplatform.report"},
        "schema": {"type": "integer", "description": "2; 1 before serials became private."},
        "sandbox": {"type": "boolean", "description": "Present (true) on sandbox reports only."},
        "id": {"type": "string", "format": "uuid"},
        "version": {"type": "integer"},
        "supersedes": _nullable({"type": "string", "format": "uuid"}),
        "issued_at": _TIME,
        "issuer": {
            "type": "object",
            "properties": {"name": _STRING, "site": _STRING},
            "required": ["name", "site"],
        },
        "case": {
            "type": "object",
            "properties": {"reference": _STRING, "tier": _STRING, "submitted_at": _TIME},
            "required": ["reference", "tier", "submitted_at"],
        },
        "item": {
            "type": "object",
            "description": "Schema 1 documents hold the whole `serial` instead of `serial_hint`.",
            "properties": {
                "category": _STRING,
                "brand": _STRING,
                "model": _nullable(_STRING),
                "model_reference": _nullable(_STRING),
                "serial_hint": _nullable(_STRING),
                "serial": _nullable(_STRING),
            },
            "required": ["category", "brand", "model", "model_reference"],
        },
        "verdict": {
            "type": "object",
            "properties": {
                "result": {"$ref": "#/components/schemas/VerdictEnum"},
                "reason": _nullable(_STRING),
            },
            "required": ["result", "reason"],
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "feature": _STRING,
                    "result": _STRING,
                    "reason": _STRING,
                    "photo": _nullable(_PHOTO_REF),
                    "region": _nullable(
                        {
                            "type": "object",
                            "description": "x, y, w, h as decimal fractions of the photo.",
                            "additionalProperties": _STRING,
                        }
                    ),
                },
                "required": ["feature", "result", "reason", "photo", "region"],
            },
        },
        "condition": {
            "type": "object",
            "properties": {
                "grade": _STRING,
                "wear": _STRING,
                "repairs": _STRING,
                "replaced_parts": _STRING,
            },
        },
        "ai": _nullable(
            {
                "type": "object",
                "description": "The pre-screen: an aid to the experts, never a verdict.",
                "properties": {
                    "note": _STRING,
                    "probability_counterfeit": _STRING,
                    "band": _STRING,
                    "feature_probability_counterfeit": {
                        "type": "object",
                        "additionalProperties": _STRING,
                    },
                    "model_version": _STRING,
                    "model_sha256": _STRING,
                },
            }
        ),
        "photos": {"type": "array", "items": _PHOTO_REF},
        "reviewers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": _STRING,
                    "role": _STRING,
                    "signed_at": _TIME,
                    "decided": {"type": "boolean"},
                },
                "required": ["id", "role", "signed_at", "decided"],
            },
        },
        "correction": {
            "type": "object",
            "description": "Only on a corrected version: why.",
            "properties": {"reason": _STRING},
        },
    },
    "required": [
        "type", "schema", "id", "version", "supersedes", "issued_at", "issuer", "case", "item",
        "verdict", "findings", "condition", "ai", "photos", "reviewers",
    ],
}  # fmt: skip

ANCHOR = {
    "type": "object",
    "description": "Where a document is anchored: the chain, our contract, the batch and block.",
    "properties": {
        "chain_id": {"type": "integer"},
        "contract": {"type": "string", "description": "The AnchorLog contract's address."},
        "seq": {"type": "integer", "description": "The batch's number on that contract."},
        "batch_root": {"type": "string"},
        "batch_size": {"type": "integer"},
        "leaf_index": {"type": "integer"},
        "batch_proof": {"type": "array", "items": {"type": "string"}},
        "tx_hash": _nullable(_STRING),
        "block_number": {"type": "integer"},
        "block_hash": {"type": "string"},
        "anchored_at": _nullable(_TIME),
    },
    "required": [
        "chain_id", "contract", "seq", "batch_root", "batch_size", "leaf_index", "batch_proof",
        "tx_hash", "block_number", "block_hash", "anchored_at",
    ],
}  # fmt: skip


_REF = "#/components/schemas/"
# What bundle/ answers: the proof bundle of a live report, the signed document of a sandbox
# one (docs/bundle-spec.md and docs/provenance.md describe both).
PROOF_BUNDLE = {
    "type": "object",
    "description": "authplatform.proof-bundle/1: every public field with its salt and Merkle "
    "proof, the signed document root and where it is anchored (docs/bundle-spec.md).",
    "properties": {
        "format": {"type": "string", "enum": ["authplatform.proof-bundle/1"]},
        "document": {"type": "object", "description": "The document's type and id."},
        "fields": {"type": "array", "items": {"type": "object"}},
        "document_root": _STRING,
        "signature": {
            "type": "object",
            "properties": {"scheme": _STRING, "signer": _STRING, "signature": _STRING},
            "required": ["scheme", "signer", "signature"],
        },
        "anchor": _nullable({"$ref": f"{_REF}Anchor"}),
        "status": {"type": "string", "enum": ["anchored", "pending"]},
        "expected_by": _nullable(_TIME),
        "revocation": _nullable(
            {"type": "object", "description": "The proof bundle of what revoked it."}
        ),
    },
    "required": [
        "format", "document", "fields", "document_root", "signature", "anchor", "status",
        "expected_by", "revocation",
    ],
}  # fmt: skip
SIGNED_DOCUMENT_BUNDLE = {
    "type": "object",
    "description": "authplatform.signed-document/1: the document as signed, its SHA-256, and "
    "the signer's EIP-191 signature over it.",
    "properties": {
        "format": {"type": "string", "enum": ["authplatform.signed-document/1"]},
        "algorithm": _STRING,
        "sha256": _STRING,
        "signer": _STRING,
        "signature": _STRING,
        "document": {"$ref": f"{_REF}ReportDocument"},
    },
    "required": ["format", "algorithm", "sha256", "signer", "signature", "document"],
}


@extend_schema_field(REPORT_DOCUMENT, component_name="ReportDocument")
class ReportDocumentField(serializers.JSONField):
    pass


@extend_schema_field(ANCHOR, component_name="Anchor")
class AnchorField(serializers.JSONField):
    pass


class ReportSerializer(ResponseModelSerializer):
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
        ReportDocumentField(
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


class StepSerializer(ResponseSerializer):
    name = serializers.CharField(help_text="signature, format, proof, anchor, …")
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class RevocationSerializer(ResponseSerializer):
    code = serializers.ChoiceField(
        choices=["superseded", "withdrawn"], allow_null=True,
        help_text="superseded: a corrected version replaces it; withdrawn: nothing does.",
    )  # fmt: skip
    reason = serializers.CharField(allow_null=True, help_text="Why, as the issuer signed it.")
    superseded_by = serializers.CharField(allow_null=True, help_text="The successor's id.")
    revoked_at = serializers.CharField(
        allow_null=True, help_text="When the chain marked it revoked (UTC); null until then."
    )


class VerificationSerializer(ResponseSerializer):
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
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)
    sandbox = serializers.BooleanField()
    anchored = serializers.BooleanField()
    revoked = serializers.BooleanField()
    superseded_by = serializers.UUIDField(allow_null=True)
    revocation = RevocationSerializer(
        allow_null=True, help_text="Why and by what it was revoked; null unless it was."
    )
    anchor = AnchorField(allow_null=True, help_text="Null until anchored (never, in sandbox).")
    steps = StepSerializer(many=True)


@extend_schema_serializer(component_name="VerifyBundle")
class VerifyBundleRequestSerializer(serializers.Serializer):
    bundle = serializers.JSONField(
        help_text="A proof bundle (authplatform.proof-bundle/1), a signed report "
        "(authplatform.signed-document/1; what bundle/ answers for a sandbox report), or a "
        "report's document exactly as document/ returns it."
    )
    live = serializers.BooleanField(
        default=False, help_text="Also ask the chain node now, not only our records."
    )


class DisputeSerializer(ResponseModelSerializer):
    """What the report's holder may know: never who sits on the re-appraisal or the panel."""

    id = serializers.UUIDField(source="uid")
    report = serializers.UUIDField(source="report.uid")
    # Null until a resolution corrects the report; allow_null puts that in the schema.
    corrected_report: serializers.SlugRelatedField[Report] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, allow_null=True
    )
    outcome = ChoiceOrNullField(
        choices=Dispute.Outcome.choices, help_text="Null until the dispute is resolved."
    )

    class Meta:
        model = Dispute
        fields = [
            "id", "report", "reason", "state", "outcome", "outcome_reason", "opened_at",
            "due_at", "resolved_at", "corrected_report",
        ]  # fmt: skip
