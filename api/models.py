"""Partners and their API keys.

A key is shown once, when staff create it, as ``ak_<prefix>_<secret>``. Only the prefix
(visible, for telling keys apart) and the SHA-256 of the whole key are stored: the secret is
192 random bits, so a fast hash is enough and a leaked table gives nothing usable.
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
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.partner} · {self.label} (ak_{self.prefix}_…)"

    @classmethod
    def issue(cls, *, partner: Partner, label: str, scopes: list[str]) -> tuple[ApiKey, str]:
        """A new key and its full text, which is never stored and shown only this once."""
        prefix = secrets.token_hex(4)
        text = f"ak_{prefix}_{secrets.token_urlsafe(24)}"
        key = cls.objects.create(
            partner=partner, label=label, prefix=prefix, hashed=key_hash(text), scopes=scopes
        )
        return key, text
