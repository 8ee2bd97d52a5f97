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
