"""API-key authentication (``Authorization: Bearer ak_live_…``) and scope checks."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from api.models import KEY_CACHE_SECONDS, ApiKey, Partner, api_key_cache_name, key_hash

# last_used_at is written at most this often per key, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


# Each process also keeps a key it just used for this long, sparing a cache round trip per
# request: a revocation made in another process takes effect here within this time.
LOCAL_SECONDS = 1.0
_local: dict[str, tuple[float, ApiKey]] = {}


def _key_lookup(text: str) -> ApiKey | None:
    """The key with its partner and account, from the caches when it was used lately.

    Looked up by the SHA-256 of the whole key text (the cache name too), so only the right key
    finds a row or an entry. Revoking a key, or changing it or its partner, drops its entries
    (api/services.py and the receivers in api/models.py); the shared entry expires after
    ``KEY_CACHE_SECONDS`` regardless, the process's own after ``LOCAL_SECONDS``.
    """
    hashed = key_hash(text)
    now = time.monotonic()
    held = _local.get(hashed)
    if held is not None and now - held[0] < LOCAL_SECONDS:
        return held[1]
    key = cache.get(api_key_cache_name(hashed))
    if key is None:
        key = ApiKey.objects.select_related("partner__account").filter(hashed=hashed).first()
        if key is not None:
            cache.set(api_key_cache_name(hashed), key, KEY_CACHE_SECONDS)
    if key is not None:
        if len(_local) > 10_000:
            _local.clear()
        _local[hashed] = (now, key)
    return key


def key_forget(hashed: str) -> None:
    """Drop a key from this process and the shared cache (after a change or revocation)."""
    _local.pop(hashed, None)
    cache.delete(api_key_cache_name(hashed))


@receiver(post_save, sender=ApiKey, dispatch_uid="api.key_changed")
def _key_changed(sender: type[ApiKey], instance: ApiKey, **kwargs: object) -> None:
    key_forget(instance.hashed)


@receiver(post_save, sender=Partner, dispatch_uid="api.partner_changed")
def _partner_changed(sender: type[Partner], instance: Partner, **kwargs: object) -> None:
    for hashed in instance.keys.values_list("hashed", flat=True):
        key_forget(hashed)


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
        key = _key_lookup(text)
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
            cache.set(api_key_cache_name(key.hashed), key, KEY_CACHE_SECONDS)
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
