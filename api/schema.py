"""How the OpenAPI schema describes our API-key authentication."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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


# The errors any operation may answer, beyond those its view documents: every call can be
# refused (401, 403, 429); a path with an id, or a list's cursor, can name nothing (404); a
# body or query parameters can be invalid (400).
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_GENERAL = {
    "401": "No API key, or a key that is not valid or was revoked.",
    "403": "The key lacks this operation's scope.",
    "429": "Too many requests: retry after the Retry-After header's seconds.",
}


def error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error responses every operation may give,
    all in the one error shape, so the schema documents each status a client can meet."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = dict(_GENERAL)
            parameters = operation.get("parameters", [])
            if "{" in path or any(p.get("name") == "cursor" for p in parameters):
                wanted["404"] = "Not found, or not yours (or a stale cursor)."
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                wanted["400"] = "The request is not valid: see error.fields."
            for code, description in wanted.items():
                responses.setdefault(
                    code,
                    {"description": description,
                     "content": {"application/json": {"schema": _ERROR_REF}}},
                )  # fmt: skip
    return result
