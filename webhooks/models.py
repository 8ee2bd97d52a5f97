"""Webhooks: a partner's endpoints, the events we send them, and every delivery attempt.

An event is stored once per emission; a delivery is that event on its way to one endpoint,
and each try at sending it is an attempt, kept so partners and staff can see what happened.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import Partner
from authplatform.timestamps import wire_timestamp


class EventType(models.TextChoices):
    SUBMISSION_STATUS_CHANGED = "submission.status_changed", _("A submission's status changed")
    PHOTO_REJECTED = "photo.rejected", _("A photo was rejected")
    REPORT_ISSUED = "report.issued", _("A report was issued")
    REPORT_REVOKED = "report.revoked", _("A report was revoked")
    ANCHOR_CONFIRMED = "anchor.confirmed", _("A report's anchor was confirmed on chain")
    DISPUTE_UPDATED = "dispute.updated", _("A dispute was opened or changed")


class WireJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder (UUIDs, decimals, dates) with datetimes in the API's one format:
    Django's own writes milliseconds, dropping a zero fraction."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return wire_timestamp(o)
        return super().default(o)


def secret_generate() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    """A URL of a partner's that receives the event types it subscribed to.

    The secret is stored as it is: we sign every delivery with it, so it must be readable.
    An endpoint registered with a sandbox key gets only sandbox events; a live one only live.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=80, default=secret_generate, editable=False)
    sandbox = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    # Set when a delivery gave up after its last retry; cleared by the next success.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"


class WebhookEvent(models.Model):
    """Something that happened to a partner's data, as its receivers are told (``evt_…``)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_events")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    sandbox = models.BooleanField(default=False)
    # A test event sent from the API to try a receiver; never about real data.
    test = models.BooleanField(default=False)
    # Datetimes are stored as the API states them.
    data = models.JSONField(default=dict, encoder=WireJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.wire_id} {self.event_type}"

    @property
    def wire_id(self) -> str:
        return f"evt_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint, tried until it succeeds or the retries run out."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; null once the delivery succeeded or failed.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back (or why nothing did)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    # Null when no response came back (refused address, timeout, connection error).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.status_code or self.error}"
