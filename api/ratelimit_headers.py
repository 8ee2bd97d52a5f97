"""The RateLimit headers on every answer under /api/ to a caller with a quota.

``RateLimit-Limit`` (requests per window), ``RateLimit-Remaining`` (left in the window after
this request), ``RateLimit-Reset`` (seconds until the window frees a request; on a 429 the
same as ``Retry-After``) and ``RateLimit-Policy: <limit>;w=<seconds>``. A request the throttle
counted states its standing after it (api/throttling.py); one that did not count (answered by
the idempotency middleware: a replay, its 409s; a path with no route) states the standing it
found, unchanged. No headers on a 401 or 403 (refused before it counts), nor for a caller without a
limit (a partner at 0: unlimited).

It sits outside ``IdempotencyMiddleware`` so that replays, which never reach a view, carry
the headers too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from api.throttling import quota_peek, request_quota


class RateLimitHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        quota = request_quota(request)
        if quota is None and response.status_code not in (401, 403):
            # Answered without counting (a replay, the idempotency 409s, no route): the
            # standing as it is. A 401 or 403 was refused before it counted: nothing to state.
            quota = quota_peek(request)
        if quota is not None:
            response["RateLimit-Limit"] = str(quota.limit)
            response["RateLimit-Remaining"] = str(quota.remaining)
            response["RateLimit-Reset"] = str(quota.reset_seconds)
            response["RateLimit-Policy"] = f"{quota.limit};w={quota.window}"
        return response
