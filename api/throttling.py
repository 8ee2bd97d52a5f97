"""Rate limits: each API key at its partner's quota, each signed-in user at ``API_USER_RATE``.

DRF counts requests in the cache (Redis in production, so every gunicorn worker shares the
count) and answers 429 with ``Retry-After``. Each counted request leaves its caller's standing
(a ``Quota``) on the request, which api/ratelimit_headers.py states in the RateLimit headers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.authentication import key_lookup
from api.models import ApiKey
from authplatform.client_address import client_ip

_QUOTA_ATTRIBUTE = "api_quota"


@dataclass(frozen=True)
class Quota:
    """A caller's standing in its window, just after a request."""

    limit: int
    window: int  # seconds
    remaining: int
    # Seconds until the window frees a request: until the next one is allowed when none is
    # left, else until one more is.
    reset: float

    @property
    def reset_seconds(self) -> int:
        return math.ceil(self.reset)  # as DRF rounds Retry-After


def quota_of(history: list[float], *, limit: int, window: int, now: float) -> Quota:
    """The standing a request history gives (newest first, all inside the window)."""
    if len(history) < limit:
        reset = history[-1] + window - now if history else 0.0
        return Quota(limit=limit, window=window, remaining=limit - len(history), reset=reset)
    # Over the limit (lowered since these were counted) the request that frees the slot is
    # the limit-th newest, not the oldest.
    reset = history[limit - 1] + window - now if limit else float(window)
    return Quota(limit=limit, window=window, remaining=0, reset=reset)


def _cache_key(key: ApiKey | None, user: Any) -> str | None:
    if key is not None:
        return f"throttle_key_{key.pk}"
    if user is not None and user.is_authenticated:
        return f"throttle_user_{user.pk}"
    return None  # unauthenticated requests are refused before they count


class RequestRateThrottle(SimpleRateThrottle):
    scope = "user"
    quota: Quota | None = None

    def rate_of(self, key: ApiKey | None) -> tuple[int, int] | None:
        """Requests per window and the window's seconds for a caller; None for no limit."""
        if key is not None:
            # The partner's quota, set by staff; requests_per_minute 0 means unlimited.
            per_minute = key.partner.requests_per_minute
            return (per_minute, 60) if per_minute else None
        num_requests, duration = self.parse_rate(self.get_rate())
        if num_requests is None or duration is None:
            return None  # (None, None): no rate set, as in DRF's own __init__
        return num_requests, duration

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = self.rate_of(request.auth if isinstance(request.auth, ApiKey) else None)
        if rate is None:
            return True
        self.num_requests, self.duration = rate
        allowed = super().allow_request(request, view)
        if self.quota is not None:
            # On the Django request, where middleware finds it once the view has answered.
            setattr(request._request, _QUOTA_ATTRIBUTE, self.quota)
        return allowed

    def throttle_success(self) -> bool:
        allowed = super().throttle_success()
        self.quota = self._quota()
        return allowed

    def throttle_failure(self) -> bool:
        self.quota = self._quota()
        return False

    def _quota(self) -> Quota:
        return quota_of(self.history, limit=self.num_requests, window=self.duration, now=self.now)

    def wait(self) -> float | None:
        # DRF's own gives None (so no Retry-After) when the history outgrew a lowered limit.
        return self.quota.reset if self.quota is not None else super().wait()

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = request.auth if isinstance(request.auth, ApiKey) else None
        return _cache_key(key, request.user)

    def get_ident(self, request: Request) -> str:
        # DRF's own reads X-Forwarded-For its way (the whole header, which the client writes);
        # any per-address count must see the address the sign-in lock-out sees.
        return client_ip(request) or ""


def request_quota(request: HttpRequest) -> Quota | None:
    """The standing the throttle left on ``request``: None when it did not count."""
    quota = getattr(request, _QUOTA_ATTRIBUTE, None)
    return quota if isinstance(quota, Quota) else None


def quota_peek(request: HttpRequest) -> Quota | None:
    """The caller's standing without counting ``request`` (answered before any view: an
    idempotent replay or conflict, a path with no route): None for an unknown caller or one
    without a limit. The caller is found as authentication finds it: a valid, unrevoked
    ``Bearer`` key, else the signed-in user."""
    keyword, _, text = request.headers.get("Authorization", "").partition(" ")
    key, user = None, None
    if keyword:
        key = key_lookup(text) if keyword == "Bearer" else None
        if key is None or key.revoked_at is not None:
            return None
    else:
        user = getattr(request, "user", None)
    cache_key = _cache_key(key, user)
    throttle = RequestRateThrottle()
    rate = throttle.rate_of(key)
    if cache_key is None or rate is None:
        return None
    limit, window = rate
    now = throttle.timer()
    history = [moment for moment in throttle.cache.get(cache_key, []) if moment > now - window]
    return quota_of(history, limit=limit, window=window, now=now)
