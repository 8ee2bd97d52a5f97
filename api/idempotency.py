"""``Idempotency-Key`` for every POST under /api/: a retry gets the first response again.

A partner whose connection dropped can't tell whether its POST went through; sending it again
with the same key is then safe. The same key and the same request (method, path, content type
and body) returns the stored response, marked ``Idempotent-Replayed: true``; the same key with
another request is a 409; so is a retry while the first is still running. Keys are kept for
``IDEMPOTENCY_TTL``. Server errors (5xx) and 429s are not stored, so those can be retried.

It is middleware rather than a view mixin so that every POST of the API gets it, including
ones added later. The caller is its API key (checked as authentication checks it: a bad or
revoked key's requests are never recorded or replayed) or the signed-in user. A secret shown
once in a response is not kept. Records are purged after ``IDEMPOTENCY_TTL`` (api/tasks.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from api.authentication import key_lookup
from api.errors import error_body
from api.models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
# A first request still unanswered after this is taken for dead (its worker was killed).
ABANDONED_AFTER = timedelta(minutes=5)
HEADER = "Idempotency-Key"


def _error(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse(error_body(code, message), status=status)


def _principal(request: HttpRequest) -> str | None:
    """The caller: a valid, unrevoked API key, or the signed-in user; None for anyone else,
    whose request goes on to be refused by the view and is never recorded."""
    keyword, _, text = request.headers.get("Authorization", "").partition(" ")
    if keyword:
        key = key_lookup(text) if keyword == "Bearer" else None
        if key is None or key.revoked_at is not None:
            return None
        return f"key:{key.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _claim(principal: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """None when this request is the first with the key; else the existing record.

    An expired record, or one whose request never finished (its worker died), is replaced.
    """
    for _attempt in range(2):
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    principal=principal, key=key, fingerprint=fingerprint
                )
            return None
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
            if existing is None:
                continue  # deleted meanwhile (expired, or its request failed): claim again
            age = timezone.now() - existing.created_at
            abandoned = existing.status_code is None and age > ABANDONED_AFTER
            if age < IDEMPOTENCY_TTL and not abandoned:
                return existing
            existing.delete()
    return IdempotencyRecord.objects.filter(principal=principal, key=key).first()


def _stored_content(response: HttpResponse) -> bytes:
    """The body to keep: a secret shown once (a webhook endpoint's) is not kept, so a replay
    answers the same without it ("secret": null; rotate the secret to get a new one)."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return bytes(response.content)
    try:
        body = json.loads(response.content)
    except ValueError:
        return bytes(response.content)
    if isinstance(body, dict) and body.get("secret"):
        return json.dumps({**body, "secret": None}).encode()
    return bytes(response.content)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            return _error(400, "invalid", f"{HEADER} must be 1 to 255 printable characters.")
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)  # unauthenticated: the view answers 401
        fingerprint = _fingerprint(request)
        existing = _claim(principal, key, fingerprint)
        if existing is not None:
            return self._replay(existing, fingerprint)
        response = self.get_response(request)
        records = IdempotencyRecord.objects.filter(principal=principal, key=key)
        if response.status_code >= 500 or response.status_code == 429 or response.streaming:
            records.delete()
            return response
        records.update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            content=_stored_content(response),
        )
        return response

    def _replay(self, record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
        if record.fingerprint != fingerprint:
            return _error(
                409,
                "idempotency_key_reused",
                f"This {HEADER} was already used for a different request. Use a new key for "
                "a new request.",
            )
        if record.status_code is None:
            return _error(
                409,
                "idempotency_in_progress",
                f"A request with this {HEADER} is still being processed. Retry in a moment.",
            )
        response = HttpResponse(
            bytes(record.content), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
