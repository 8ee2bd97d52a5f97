"""Refuse request bodies larger than any legitimate upload before Django spools them to disk."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RequestSizeLimitMiddleware:
    """413 with a clear message when Content-Length exceeds a full batch of photos."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.PHOTO_MAX_BYTES * settings.PHOTOS_PER_BATCH + 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            megabytes = settings.PHOTO_MAX_BYTES // 1_048_576
            return HttpResponse(
                f"This upload is too large ({length / 1_048_576:.0f} MB). Send at most "
                f"{settings.PHOTOS_PER_BATCH} photos of up to {megabytes} MB each at a time.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
