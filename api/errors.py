"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

# The shape itself is the project core's, so the body-limit middleware answers /api/ alike.
from authplatform.errors import error_body

__all__ = ["ErrorSerializer", "api_exception", "error_body", "validation_error_body"]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so this one doesn't hide the
    # ``fields`` property at run time; the stubs can't express that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    error = ErrorDetailSerializer()


def api_exception(exc: Exception) -> Exception:
    """Django's own exceptions as DRF's: a service's ValidationError is a 400, never a 500."""
    if isinstance(exc, ValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(detail)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def validation_error_body(detail: Any) -> dict[str, Any]:
    general = detail.get("non_field_errors") if isinstance(detail, dict) else detail
    message = " ".join(str(m) for m in general) if general else "Some fields are not valid."
    return error_body("invalid", message, detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(detail)
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException) and hasattr(exc.detail, "code"):
            code = exc.detail.code or code
        response.data = error_body(code, message)
    # DRF sets Throttled.wait in __init__; djangorestframework-stubs leaves the attribute out.
    wait = exc.wait if isinstance(exc, exceptions.Throttled) else None  # type: ignore[attr-defined]
    if wait is not None:
        response.data["error"]["retry_after"] = int(wait + 0.999)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Bearer"
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404: the API's error shape under /api/ (a path that matched no route, such
    as an id that is not a UUID), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        body = error_body("not_found", "Nothing here: check the path and the id.")
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)
