"""The webhook events in the OpenAPI schema: one component per event type with its ``data``
typed, ``WebhookEvent`` (one of them, told apart by ``type``), and the delivery headers.

No operation returns these (we POST them to partners), so a postprocessing hook adds them.
webhooks/tests/test_it_sends_every_event_as_its_schema_says.py validates real deliveries of
every type, and the test events, against them: the schema cannot drift from what we send.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from rest_framework.fields import ChoiceField

from api.serializers.submissions import PhotoIssueSerializer
from appraisals.models import Status, Verdict
from authplatform.timestamps import WIRE_PATTERN
from disputes.models import Dispute
from webhooks.delivery import USER_AGENT
from webhooks.models import EventType

Schema = dict[str, Any]

_STRING: Schema = {"type": "string"}
_UUID: Schema = {"type": "string", "format": "uuid"}
_URL: Schema = {"type": "string", "format": "uri"}
_INTEGER: Schema = {"type": "integer"}
_TIME: Schema = {
    "type": "string",
    "format": "date-time",
    "pattern": WIRE_PATTERN,
    "description": "UTC, YYYY-MM-DDTHH:MM:SSZ.",
}
_HEX64: Schema = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_EVENT_ID: Schema = {"type": "string", "pattern": "^evt_[0-9a-f]{32}$"}
_REVOCATION_CODE: Schema = {
    "type": "string",
    "enum": ["superseded", "withdrawn"],
    "description": "superseded: a corrected version replaces it; withdrawn: nothing does.",
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    # OpenAPI 3.0 ignores a $ref's siblings, so a nullable reference wraps it, as
    # drf-spectacular writes one.
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def _enum(values: list[str], description: str = "") -> Schema:
    schema: Schema = {"type": "string", "enum": values}
    return {**schema, "description": description} if description else schema


def _object(description: str, **properties: Schema) -> Schema:
    """An object whose every property is always sent (null where it may be empty)."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
    }


# The parts several events share.
_PARTS: dict[str, Schema] = {
    "WebhookSubmissionRef": _object(
        "The submission (case) an event is about.",
        id=_UUID,
        reference=_STRING,
        external_reference={**_STRING, "description": "Yours, as you set it; may be empty."},
        url={**_URL, "description": "The submission in the API."},
    ),
    "WebhookReportRef": _object(
        "A report version.",
        id=_UUID,
        version={"type": "integer", "minimum": 1},
        verdict=_enum(Verdict.values),
        sha256={**_HEX64, "description": "SHA-256 of the signed document's bytes."},
        url={**_URL, "description": "The report in the API."},
        public_url={**_URL, "description": "The public report page."},
    ),
    "WebhookPhotoIssue": _object(
        "What the quality check found, as the API's photo answers state it.",
        # The codes the API's own photo answers declare (photo_issues builds both).
        code=_enum(
            list(cast(ChoiceField, PhotoIssueSerializer().fields["code"]).choices),
            "server_check: the server's re-check could not read the photo.",
        ),
        reason={**_STRING, "description": "What is wrong, in a few words."},
        hint={**_STRING, "description": "What to do about it, written for the photographer."},
    ),
    "WebhookVerifiableRef": _object(
        "A report as the public revocation feed names it: its id and verification page.",
        id=_UUID,
        verify_url=_nullable(_URL),
    ),
    "WebhookRevocationEntry": _object(
        "The public revocation feed's entry for the notice (docs/provenance.md, "
        '"Revocation feed").',
        id={**_UUID, "description": "The revocation notice."},
        revoked=_object(
            "The revoked document.",
            type=_STRING,
            id=_STRING,
            verify_id=_nullable(_UUID),
            verify_url=_nullable(_URL),
            root=_STRING,
        ),
        revoked_at=_TIME,
        reason_code=_REVOCATION_CODE,
        successor=_nullable(
            _object(
                "The document that replaces it.",
                type=_STRING,
                id=_STRING,
                verify_id=_nullable(_UUID),
                verify_url=_nullable(_URL),
            )
        ),
        notice=_object("The revocation notice itself.", root=_STRING, verify_url=_URL),
        anchor=_nullable(
            _object(
                "Where the notice is anchored; null until its batch is confirmed.",
                chain_id=_INTEGER,
                contract=_STRING,
                seq=_INTEGER,
                tx_hash=_nullable(_STRING),
                block_number=_nullable(_INTEGER),
                anchored_at=_nullable(_TIME),
            )
        ),
    ),
    "ReportRevokedOwnData": _object(
        "Your own report was revoked: a correction replaced it.",
        submission=_ref("WebhookSubmissionRef"),
        report=_ref("WebhookReportRef"),
        superseded_by=_ref("WebhookReportRef"),
        reason={**_STRING, "description": "Why it was corrected, in the expert's words."},
        reason_code=_REVOCATION_CODE,
    ),
    "ReportRevokedPublicData": _object(
        "Another partner's report was revoked: only what the public revocation feed shows.",
        report=_ref("WebhookVerifiableRef"),
        superseded_by=_nullable(_ref("WebhookVerifiableRef")),
        reason_code=_REVOCATION_CODE,
        revocation=_ref("WebhookRevocationEntry"),
    ),
}

# Each event type's ``data``.
_DATA: dict[str, tuple[str, Schema]] = {
    EventType.SUBMISSION_STATUS_CHANGED: (
        "SubmissionStatusChangedData",
        _object(
            "A submission's status changed.",
            submission=_ref("WebhookSubmissionRef"),
            status=_enum(Status.values),
            previous_status=_enum(Status.values),
        ),
    ),
    EventType.PHOTO_REJECTED: (
        "PhotoRejectedData",
        _object(
            "A photo failed the quality check (on upload, or at the server's re-check).",
            submission=_ref("WebhookSubmissionRef"),
            slot={**_STRING, "description": "The photo slot's code."},
            issues={"type": "array", "items": _ref("WebhookPhotoIssue")},
        ),
    ),
    EventType.REPORT_ISSUED: (
        "ReportIssuedData",
        _object(
            "A report version was signed.",
            submission=_ref("WebhookSubmissionRef"),
            report=_ref("WebhookReportRef"),
        ),
    ),
    EventType.REPORT_REVOKED: (
        "ReportRevokedData",
        {
            "description": "A report was revoked: yours (with the case and the reason) or "
            "another partner's (only what the public revocation feed shows).",
            "oneOf": [_ref("ReportRevokedOwnData"), _ref("ReportRevokedPublicData")],
        },
    ),
    EventType.ANCHOR_CONFIRMED: (
        "AnchorConfirmedData",
        _object(
            "The report's batch was confirmed on chain.",
            submission=_ref("WebhookSubmissionRef"),
            report=_ref("WebhookReportRef"),
            anchor=_object(
                "The batch's anchor.",
                chain_id=_INTEGER,
                contract={**_STRING, "description": "The AnchorLog contract's address."},
                batch={**_INTEGER, "description": "The batch's sequence number."},
                block_number=_INTEGER,
                block_hash=_STRING,
            ),
            verify_url={**_URL, "description": "Verify the report in the API."},
        ),
    ),
    EventType.DISPUTE_UPDATED: (
        "DisputeUpdatedData",
        _object(
            "A dispute you follow was opened or changed state.",
            dispute=_object(
                "The dispute.",
                id=_UUID,
                state=_enum(Dispute.State.values),
                previous_state=_nullable(_enum(Dispute.State.values, "null when just opened.")),
                outcome=_nullable(_enum(Dispute.Outcome.values, "Set once resolved.")),
                url={**_URL, "description": "The dispute in the API."},
            ),
            report=_ref("WebhookReportRef"),
        ),
    ),
}

# Sent with every delivery (webhooks/delivery.py).
DELIVERY_HEADERS: dict[str, Schema] = {
    "Authplatform-Event-Id": {
        "description": "The event's id (evt_…), as in the body: the same on every retry and "
        "for every endpoint. De-duplicate on it, per endpoint.",
        "schema": _EVENT_ID,
    },
    "Authplatform-Event-Type": {
        "description": "The event's type, as in the body.",
        "schema": _ref("WebhookEventType"),
    },
    "Authplatform-Endpoint-Id": {
        "description": "The endpoint this delivery is for (its id in the API): tells apart two "
        "endpoints on one URL, each signing with its own secret.",
        "schema": _UUID,
    },
    "Authplatform-Delivery-Id": {
        "description": "This delivery (its id in the endpoint's deliveries): the same on every "
        "retry of it.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "Authplatform-Signature": {
        "description": 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the '
        "endpoint's secret>; t is the attempt's time.",
        "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"},
    },
    "User-Agent": {"description": "Ours.", "schema": {"type": "string", "enum": [USER_AGENT]}},
}


def _camel(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace(".", "_").split("_"))


def event_component_name(event_type: str) -> str:
    """``report.issued`` → ``WebhookEventReportIssued``."""
    return f"WebhookEvent{_camel(event_type)}"


def _event(event_type: str, data: str) -> Schema:
    return _object(
        f"The {event_type} event, as POSTed to your endpoint.",
        id={**_EVENT_ID, "description": "The same in the Authplatform-Event-Id header."},
        type={"type": "string", "enum": [event_type]},
        created={
            "type": "integer",
            "deprecated": True,
            "description": "Unix seconds; use created_at.",
        },
        created_at=_TIME,
        sandbox={"type": "boolean", "description": "An event of sandbox data."},
        test={"type": "boolean", "description": "Sent with …/test/: made-up data."},
        data=_ref(data),
    )


def webhook_schemas() -> dict[str, Schema]:
    """Every component this module adds, by name."""
    schemas = dict(_PARTS)
    mapping = {}
    for event_type in EventType.values:
        data_name, data = _DATA[event_type]
        schemas[data_name] = data
        name = event_component_name(event_type)
        schemas[name] = _event(event_type, data_name)
        mapping[event_type] = f"#/components/schemas/{name}"
    schemas["WebhookEvent"] = {
        "description": "What we POST to a webhook endpoint, with the headers in "
        "components.headers (Authplatform-Signature signs the raw body). One of the "
        "event types, told apart by type.",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    return schemas


def _shared_enums(node: Any, names: dict[tuple[str, ...], str]) -> Any:
    """``node`` with each enum the API already names (the same values, in order) as a
    reference to that component, so a generated client has one type for both."""
    if isinstance(node, list):
        return [_shared_enums(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    name = names.get(tuple(node["enum"])) if "enum" in node else None
    if name is None:
        return {key: _shared_enums(value, names) for key, value in node.items()}
    rest = {key: value for key, value in node.items() if key not in ("type", "enum")}
    return {"allOf": [_ref(name)], **rest} if rest else _ref(name)


def webhook_components(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the webhook components."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    enum_names = {
        tuple(schema["enum"]): name
        for name, schema in schemas.items()
        if schema.get("type") == "string" and "enum" in schema
    }
    ours = _shared_enums(webhook_schemas(), enum_names)
    taken = sorted(set(ours) & set(schemas))
    if taken:
        raise ImproperlyConfigured(f"Webhook components clash with the API's: {taken}")
    schemas.update(ours)
    components["schemas"] = dict(sorted(schemas.items()))
    headers = components.setdefault("headers", {})
    headers.update(DELIVERY_HEADERS)
    return result
