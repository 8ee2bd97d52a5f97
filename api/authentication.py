"""API-key authentication (``Authorization: Bearer ak_live_…``) and scope checks."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from api.models import ApiKey, key_hash

# last_used_at is written at most this often per key, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, text = header.partition(" ")
        if keyword != self.keyword or not text.startswith("ak_"):
            return None
        parts = text.split("_", 3)
        if len(parts) != 4 or parts[1] not in ("live", "test"):
            raise exceptions.AuthenticationFailed(
                "The API key is malformed: expected ak_live_… or ak_test_…."
            )
        key = ApiKey.objects.select_related("partner__account").filter(prefix=parts[2]).first()
        if key is None or not hmac.compare_digest(key.hashed, key_hash(text)):
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.partner.account, key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasScope(permissions.BasePermission):
    """The view's ``required_scope`` must be among the key's scopes (session users pass)."""

    message = "This API key lacks the scope this endpoint needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        scope = getattr(view, "required_scope", None)
        if isinstance(request.auth, ApiKey):
            return scope is None or scope in request.auth.scopes
        return True
