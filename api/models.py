"""Partners and their API keys.

A key is shown once, when staff create it, as ``ak_live_<prefix>_<secret>`` (``ak_test_…``
for a sandbox key). Only the prefix (visible, for telling keys apart) and the SHA-256 of the
whole key are stored: the secret is 192 random bits, so a fast hash is enough and a leaked
table gives nothing usable.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", "Read the catalog"
    SUBMIT = "submissions:write", "Create and submit submissions"
    REPORTS_READ = "reports:read", "Read reports"
    VERIFY = "verify", "Verify reports and bundles"
    PASSPORT_EVENTS = "passports:write", "Add service and repair events to passports"
    WEBHOOKS = "webhooks:write", "Register webhook endpoints"


class Partner(models.Model):
    """A partner organisation: a marketplace, a hotel, a private bank."""

    name = models.CharField(max_length=120, unique=True)
    # The account that owns the partner's submissions; partners see only those.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner"
    )
    requests_per_minute = models.PositiveIntegerField(default=120)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    # A sandbox key sees only sandbox submissions, which are processed automatically and
    # never anchored; a live key sees only live ones.
    sandbox = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        mode = "test" if self.sandbox else "live"
        return f"{self.partner} · {self.label} (ak_{mode}_{self.prefix}_…)"

    @classmethod
    def issue(
        cls, *, partner: Partner, label: str, scopes: list[str], sandbox: bool = False
    ) -> tuple[ApiKey, str]:
        """A new key and its full text, which is never stored and shown only this once."""
        prefix = secrets.token_hex(4)
        mode = "test" if sandbox else "live"
        text = f"ak_{mode}_{prefix}_{secrets.token_urlsafe(24)}"
        key = cls.objects.create(
            partner=partner,
            label=label,
            prefix=prefix,
            hashed=key_hash(text),
            scopes=scopes,
            sandbox=sandbox,
        )
        return key, text


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key`` (api/idempotency.py).

    ``principal`` names the caller (a digest of the API key, or the signed-in user), so two
    callers never share keys. Rows older than ``IDEMPOTENCY_TTL`` are treated as absent and
    purged by a periodic task.
    """

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    # Null while the first request is still running.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    content = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="one_record_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
