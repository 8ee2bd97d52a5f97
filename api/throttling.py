"""Rate limits: each API key at its partner's quota, each signed-in user at ``API_USER_RATE``.

DRF counts requests in the cache (Redis in production, so every gunicorn worker shares the
count) and answers 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiKey
from authplatform.client_address import client_ip


class RequestRateThrottle(SimpleRateThrottle):
    scope = "user"

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            # The partner's quota, set by staff; requests_per_minute 0 means unlimited.
            per_minute = request.auth.partner.requests_per_minute
            if per_minute == 0:
                return True
            self.num_requests, self.duration = per_minute, 60
        else:
            # (None, None) without a rate, as in DRF's own __init__; the stubs say int.
            self.num_requests, self.duration = self.parse_rate(self.get_rate())  # type: ignore[assignment]
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiKey):
            return f"throttle_key_{request.auth.pk}"
        if request.user is not None and request.user.is_authenticated:
            return f"throttle_user_{request.user.pk}"
        return None  # unauthenticated requests are refused before they count

    def get_ident(self, request: Request) -> str:
        # DRF's own reads X-Forwarded-For its way (the whole header, which the client writes);
        # any per-address count must see the address the sign-in lock-out sees.
        return client_ip(request) or ""
