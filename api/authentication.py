"""API-key authentication (``Authorization: Bearer ak_live_…``) and scope checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from api.models import ApiKey, Partner, key_hash
from authplatform.hold import Hold

# last_used_at is written at most this often per key, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


# How long an authenticated key stays in the shared cache; any change to the key or its
# partner drops it at once.
KEY_CACHE_SECONDS = 60


def api_key_cache_name(hashed: str) -> str:
    return f"apikey:{hashed}"


# Each process also holds a key it just used for a second, sparing a cache round trip per
# request: a revocation made in another process takes effect here within that second.
_held: Hold[ApiKey] = Hold(seconds=1.0)


def key_lookup(text: str) -> ApiKey | None:
    """The key with its partner and account, from the caches when it was used lately.

    Looked up by the SHA-256 of the whole key text (the cache name too), so only the right key
    finds a row or an entry. Revoking a key, or changing it or its partner, drops its entries
    (api/services.py and the receivers below); the shared entry expires after
    ``KEY_CACHE_SECONDS`` regardless, the process's own after a second.
    """
    hashed = key_hash(text)
    key = _held.get(hashed)
    if key is not None:
        return key
    key = cache.get(api_key_cache_name(hashed))
    if key is None:
        key = ApiKey.objects.select_related("partner__account").filter(hashed=hashed).first()
        if key is not None:
            cache.set(api_key_cache_name(hashed), key, KEY_CACHE_SECONDS)
    if key is not None:
        _held.put(hashed, key)
    return key


def key_forget(hashed: str) -> None:
    """Drop a key from this process and the shared cache (after a change or revocation)."""
    _held.forget(hashed)
    cache.delete(api_key_cache_name(hashed))


def _forget_now_and_after_commit(hashes: list[str]) -> None:
    # Now, and again once the change is committed: a request that read the old row in
    # between must not leave it cached.
    def forget() -> None:
        for hashed in hashes:
            key_forget(hashed)

    forget()
    transaction.on_commit(forget)


@receiver(post_save, sender=ApiKey, dispatch_uid="api.key_changed")
def _key_changed(sender: type[ApiKey], instance: ApiKey, **kwargs: object) -> None:
    _forget_now_and_after_commit([instance.hashed])


@receiver(post_save, sender=Partner, dispatch_uid="api.partner_changed")
def _partner_changed(sender: type[Partner], instance: Partner, **kwargs: object) -> None:
    _forget_now_and_after_commit(list(instance.keys.values_list("hashed", flat=True)))


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
        key = key_lookup(text)
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            # Only an unrevoked row is touched: a revocation that the caches haven't seen yet
            # is caught here.
            touched = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
                last_used_at=now
            )
            if not touched:
                key_forget(key.hashed)
                raise exceptions.AuthenticationFailed("This API key was revoked.")
            key.last_used_at = now
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
