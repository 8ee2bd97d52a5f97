"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
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


def _under_api(request: HttpRequest) -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _not_found(request: HttpRequest) -> JsonResponse:
    message = "Nothing here: check the path and the id."
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_path:
            message = f"Nothing here: the API's paths end with a slash ({request.path}/)."
    return JsonResponse(error_body("not_found", message), status=status.HTTP_404_NOT_FOUND)


# DRF's views are exempt from CSRF; so is this, so that an unknown POST gets its 404, not a
# CSRF page. Not appending a slash keeps /api itself from a redirect (or, with DEBUG, a 500).
@csrf_exempt
@no_append_slash
def unknown_path(request: HttpRequest) -> JsonResponse:
    """The last route under /api/: every path no other route takes (an unknown path, an id
    that is not a UUID, a path without its trailing slash) gets the API's 404, whatever the
    method. A route, not handler404, so that it answers in JSON with DEBUG on too, and so that
    CommonMiddleware never redirects to the path with a slash: a POST would lose its body."""
    return _not_found(request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404: the API's error shape under /api/ (/api itself, or an Http404 a view
    there raised outside DRF), the usual page elsewhere."""
    if _under_api(request):
        return _not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500: the API's error shape under /api/, the usual page elsewhere."""
    if _under_api(request):
        message = "Something went wrong on our side. Try again later."
        body = error_body("server_error", message)
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
