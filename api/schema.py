"""How the OpenAPI schema describes the API, beyond what each view declares: the API-key
scheme, readable operation ids and tags, the headers every answer may carry, the errors any
operation may give, and ``required`` as it really is. docs/api.md says the same in words.

The schema is written for generated clients (openapi-python-client, openapi-typescript; the
contract tests in api/tests/test_generated_clients.py build both from the live schema)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.serializers.reports import PROOF_BUNDLE, SIGNED_DOCUMENT_BUNDLE


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ak_live_<prefix>_<secret> or ak_test_<prefix>_<secret>",
            "description": "An API key from the partner admin, sent as `Authorization: Bearer`.",
        }


# Every operation's id and tag. Generators name functions and modules after them, so they are
# part of the contract: an operation missing here fails the schema build.
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("get", "/api/v1/catalog/categories/"): ("category_list", "catalog"),
    ("get", "/api/v1/catalog/brands/"): ("brand_list", "catalog"),
    ("get", "/api/v1/catalog/models/"): ("product_model_list", "catalog"),
    ("get", "/api/v1/submissions/"): ("submission_list", "submissions"),
    ("post", "/api/v1/submissions/"): ("submission_create", "submissions"),
    ("post", "/api/v1/submissions/bulk/"): ("submission_bulk_create", "submissions"),
    ("get", "/api/v1/submissions/{uid}/"): ("submission_get", "submissions"),
    ("put", "/api/v1/submissions/{uid}/photos/{slot}/"): ("photo_upload", "submissions"),
    ("post", "/api/v1/submissions/{uid}/submit/"): ("submission_submit", "submissions"),
    ("get", "/api/v1/submissions/{uid}/timeline/"): ("submission_timeline", "submissions"),
    ("get", "/api/v1/reports/"): ("report_list", "reports"),
    ("get", "/api/v1/reports/{uid}/"): ("report_get", "reports"),
    ("get", "/api/v1/reports/{uid}/document/"): ("report_document", "reports"),
    ("get", "/api/v1/reports/{uid}/pdf/"): ("report_pdf", "reports"),
    ("get", "/api/v1/reports/{uid}/bundle/"): ("report_bundle", "reports"),
    ("post", "/api/v1/verify/"): ("verify_bundle", "verification"),
    ("get", "/api/v1/verify/{uid}/"): ("verify_report", "verification"),
    ("get", "/api/v1/passports/{token}/"): ("passport_get", "passports"),
    ("post", "/api/v1/passports/{token}/events/"): ("passport_event_create", "passports"),
    ("get", "/api/v1/disputes/"): ("dispute_list", "disputes"),
    ("get", "/api/v1/disputes/{uid}/"): ("dispute_get", "disputes"),
    ("get", "/api/v1/webhooks/endpoints/"): ("webhook_endpoint_list", "webhooks"),
    ("post", "/api/v1/webhooks/endpoints/"): ("webhook_endpoint_create", "webhooks"),
    ("get", "/api/v1/webhooks/endpoints/{uid}/"): ("webhook_endpoint_get", "webhooks"),
    ("patch", "/api/v1/webhooks/endpoints/{uid}/"): ("webhook_endpoint_update", "webhooks"),
    ("delete", "/api/v1/webhooks/endpoints/{uid}/"): ("webhook_endpoint_delete", "webhooks"),
    ("post", "/api/v1/webhooks/endpoints/{uid}/test/"): ("webhook_endpoint_test", "webhooks"),
    ("post", "/api/v1/webhooks/endpoints/{uid}/rotate-secret/"): (
        "webhook_endpoint_rotate_secret",
        "webhooks",
    ),
    ("get", "/api/v1/webhooks/endpoints/{uid}/deliveries/"): ("webhook_delivery_list", "webhooks"),
}

TAGS = [
    {"name": "catalog", "description": "What can be appraised and how to photograph it."},
    {"name": "submissions", "description": "Create a case, upload its photos, submit, follow."},
    {"name": "reports", "description": "Signed reports: JSON, the signed bytes, PDF, proof."},
    {"name": "verification", "description": "Check any report or bundle."},
    {"name": "passports", "description": "An item's history."},
    {"name": "disputes", "description": "Disputes of the reports you hold or opened."},
    {"name": "webhooks", "description": "Endpoints we POST events to, and their deliveries."},
]

_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_INTEGER = {"type": "integer", "minimum": 0}

# Request header on every POST (api/idempotency.py).
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key with the same request answers the first "
    "response again (Idempotent-Replayed: true); with another request, 409 "
    "idempotency_key_reused. Kept 24 hours per caller. 1 to 255 printable ASCII characters; "
    "use a new one per request you mean.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}

# Headers an answer may carry (api/throttling.py, api/ratelimit_headers.py, idempotency).
_RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": (
        "Requests allowed per window (the key's quota); absent for an unlimited quota and "
        "for a request refused before it counts (401, 403)."
    ),
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window frees a request.",
}
_RATE_LIMIT_POLICY = {
    "description": "The quota as `<limit>;w=<window seconds>`.",
    "schema": {"type": "string", "example": "120;w=60"},
}
_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "required": True,
    "schema": _INTEGER,
}
_REPLAYED = {
    "description": "true when this is the stored answer to an earlier request with the same "
    "Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}

# The errors any operation may answer, beyond those its view documents: every call can be
# refused (401, 403, 429); a path with an id, or a list's cursor, can name nothing (404); a
# body or query parameters can be invalid (400); any POST can meet its Idempotency-Key (409).
_GENERAL = {
    "401": "No API key, or a key that is not valid or was revoked.",
    "403": "The key lacks this operation's scope.",
    "429": "Too many requests: retry after the Retry-After header's seconds.",
}
_CONFLICT = (
    "A conflict: the case's state does not allow it (code conflict), or the Idempotency-Key "
    "was used for another request (idempotency_key_reused) or is still in progress "
    "(idempotency_in_progress)."
)


def _operation_name(method: str, path: str, operation: dict[str, Any]) -> None:
    try:
        operation_id, tag = OPERATIONS[(method, path)]
    except KeyError:
        raise ImproperlyConfigured(
            f"{method.upper()} {path} has no operation id: add it to api.schema.OPERATIONS."
        ) from None
    operation["operationId"] = operation_id
    operation["tags"] = [tag]


def _error_responses(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    wanted = dict(_GENERAL)
    parameters = operation.get("parameters", [])
    if "{" in path or any(p.get("name") == "cursor" for p in parameters):
        wanted["404"] = "Not found, or not yours (or a stale cursor)."
    if "requestBody" in operation or any(p.get("in") in ("query", "header") for p in parameters):
        wanted["400"] = "The request is not valid: see error.fields."
    if method == "post":
        wanted["409"] = _CONFLICT
    for code, description in wanted.items():
        responses.setdefault(
            code,
            {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}},
        )
    if method == "post":
        responses["409"]["description"] = _CONFLICT


def _headers(method: str, operation: dict[str, Any]) -> None:
    for code, response in operation["responses"].items():
        headers = response.setdefault("headers", {})
        if code not in ("401", "403"):
            for name, description in _RATE_LIMIT_HEADERS.items():
                headers.setdefault(name, {"description": description, "schema": _INTEGER})
            headers.setdefault("RateLimit-Policy", _RATE_LIMIT_POLICY)
        if code == "429":
            headers["Retry-After"] = _RETRY_AFTER
        if method == "post" and code.startswith(("2", "4")) and code not in ("401", "429"):
            headers.setdefault("Idempotent-Replayed", _REPLAYED)
        if not headers:
            del response["headers"]


def _response_components(result: dict[str, Any]) -> set[str]:
    """The components of answers that DRF writes: every property read-only (the response
    serializers of api/serializers/common.py), or a page of a list. Hand-written components
    (the signed document, webhook payloads) state their own ``required``."""
    return {
        name
        for name, component in result.get("components", {}).get("schemas", {}).items()
        if component.get("properties")
        and (
            all(p.get("readOnly") for p in component["properties"].values())
            or name.startswith("Paginated")
        )
    }


def schema_finish(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: names, headers, errors and ``required``."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _operation_name(method, path, operation)
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                parameters.append(dict(IDEMPOTENCY_KEY))
            _error_responses(path, method, operation)
            _headers(method, operation)
    # Every field of an answer is always present (DRF writes each), so each is required;
    # one that may be empty is nullable instead.
    schemas = result.get("components", {}).get("schemas", {})
    for name in _response_components(result):
        schemas[name]["required"] = sorted(schemas[name]["properties"])
    # A request field with a default is optional to send; openapi-typescript would type it as
    # required (its defaultNonNullable), so the default is stated in words instead.
    for name, component in schemas.items():
        if name.endswith("Request"):
            for prop in component.get("properties", {}).values():
                if "default" in prop:
                    default = prop.pop("default")
                    text = prop.get("description", "")
                    prop["description"] = f"{text}\n\nDefault: `{default}`.".strip()
    schemas.setdefault("ProofBundle", PROOF_BUNDLE)
    schemas.setdefault("SignedDocumentBundle", SIGNED_DOCUMENT_BUNDLE)
    result["tags"] = TAGS
    return result
