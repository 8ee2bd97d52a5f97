"""Every answer to a caller with a quota states it: ``RateLimit-Limit``, ``-Remaining``,
``-Reset`` and ``-Policy``, counting down with each request, on successes, on errors after
authentication, on the 429 (with ``Retry-After``) and on an idempotent replay; a partner
without a limit gets none."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api.models import Partner
from api.tests.conftest import api_for
from api.throttling import RequestRateThrottle

pytestmark = pytest.mark.django_db

MIDDLEWARE = "api.ratelimit_headers.RateLimitHeadersMiddleware"
CATEGORIES = "/api/v1/catalog/categories/"


@pytest.fixture(autouse=True)
def headers_middleware(settings: Any) -> None:
    """The middleware where settings put it: just outside the idempotency middleware."""
    stack = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    stack.insert(stack.index("api.idempotency.IdempotencyMiddleware"), MIDDLEWARE)
    settings.MIDDLEWARE = stack


def _quota(partner: Partner, per_minute: int) -> None:
    partner.requests_per_minute = per_minute
    partner.save(update_fields=["requests_per_minute"])


def _stated(response: Any) -> tuple[str, str, str]:
    return (
        response["RateLimit-Limit"],
        response["RateLimit-Remaining"],
        response["RateLimit-Policy"],
    )


def test_the_headers_count_down_to_a_429_that_says_when_to_retry(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 3)
    api = api_for(partner)

    answers = [api.get(CATEGORIES) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [_stated(a) for a in answers] == [
        ("3", "2", "3;w=60"), ("3", "1", "3;w=60"), ("3", "0", "3;w=60"), ("3", "0", "3;w=60"),
    ]  # fmt: skip
    assert all(1 <= int(a["RateLimit-Reset"]) <= 60 for a in answers)
    limited = answers[-1]
    assert limited["Retry-After"] == limited["RateLimit-Reset"]
    assert limited.json()["error"]["retry_after"] == int(limited["Retry-After"])


def test_errors_after_authentication_count_and_carry_the_headers(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 10)
    api = api_for(partner)

    missing = api.get("/api/v1/submissions/00000000-0000-4000-8000-000000000009/")
    invalid = api.post("/api/v1/submissions/", {"category": "no-such-category"})
    created = api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"})
    submitted = api.post(f"/api/v1/submissions/{created.json()['id']}/submit/")

    assert [missing.status_code, invalid.status_code, created.status_code] == [404, 400, 201]
    assert submitted.status_code in (400, 409)  # no photos yet: refused, and counted
    remaining = [a["RateLimit-Remaining"] for a in (missing, invalid, created, submitted)]
    assert remaining == ["9", "8", "7", "6"]


def test_a_replay_or_a_path_with_no_route_states_the_quota_without_spending_it(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 10)
    api = api_for(partner)
    body = {"category": "handbag", "brand": "hermes"}

    first = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="order-1")
    replay = api.post("/api/v1/submissions/", body, HTTP_IDEMPOTENCY_KEY="order-1")
    reused = api.post(
        "/api/v1/submissions/", {**body, "tier": "express"}, HTTP_IDEMPOTENCY_KEY="order-1"
    )
    nowhere = api.get("/api/v1/no-such-thing/")
    after = api.get(CATEGORIES)

    assert [a.status_code for a in (first, replay, reused, nowhere)] == [201, 201, 409, 404]
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == first.json()
    stated = [_stated(a) for a in (first, replay, reused, nowhere)]
    assert stated == [("10", "9", "10;w=60")] * 4
    assert 1 <= int(replay["RateLimit-Reset"]) <= 60
    assert after["RateLimit-Remaining"] == "8"


def test_a_request_refused_before_it_counts_gets_no_headers(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 10)
    answers = [
        api_for(partner, "reports:read").get(CATEGORIES),
        Client(HTTP_AUTHORIZATION="Bearer ak_live_nope_nope").get(CATEGORIES),
        Client().get(CATEGORIES),
    ]

    assert [a.status_code for a in answers] == [403, 401, 401]
    assert not [a for a in answers if any(h.startswith("RateLimit-") for h in a.headers)]
    assert api_for(partner).get(CATEGORIES)["RateLimit-Remaining"] == "9"


def test_a_partner_without_a_limit_gets_no_headers(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 0)
    unlimited = api_for(partner)
    answers = [
        unlimited.get(CATEGORIES),
        unlimited.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"},
                       HTTP_IDEMPOTENCY_KEY="a"),
        unlimited.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"},
                       HTTP_IDEMPOTENCY_KEY="a"),
        unlimited.get("/api/v1/submissions/00000000-0000-4000-8000-000000000009/"),
    ]  # fmt: skip

    assert [a.status_code for a in answers] == [200, 201, 201, 404]
    assert not [a for a in answers if any(h.startswith("RateLimit-") for h in a.headers)]


def test_a_lowered_quota_still_says_when_to_retry(
    partner: Partner, catalog: dict[str, Any]
) -> None:
    _quota(partner, 5)
    api = api_for(partner)
    for _ in range(4):
        api.get(CATEGORIES)
    _quota(partner, 2)

    limited = api.get(CATEGORIES)

    assert limited.status_code == 429 and _stated(limited) == ("2", "0", "2;w=60")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["Retry-After"] == limited["RateLimit-Reset"]


def test_a_signed_in_user_is_counted_at_the_user_rate(buyer: Any, catalog: dict[str, Any]) -> None:
    limit, window = RequestRateThrottle().rate_of(None) or (0, 0)
    client = Client()
    client.force_login(buyer)

    first, second = client.get(CATEGORIES), client.get(CATEGORIES)

    assert first.status_code == second.status_code == 200
    assert _stated(first) == (str(limit), str(limit - 1), f"{limit};w={window}")
    assert second["RateLimit-Remaining"] == str(limit - 2)
