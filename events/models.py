"""The transactional outbox: each domain event as a row written in the transaction that made
the change, and one delivery row per subscriber, worked off by the dispatcher."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.Model):
    """Something that happened in a domain app, e.g. "report.issued" for report 42.

    Written by ``events.services.event_emit`` in the same transaction as the change; never
    updated. ``aggregate`` and ``aggregate_id`` name the thing it is about; events about one
    aggregate reach each subscriber in the order of ``id``.
    """

    name = models.CharField(max_length=80, db_index=True)
    aggregate = models.CharField(max_length=40)
    aggregate_id = models.CharField(max_length=100)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["aggregate", "aggregate_id", "id"])]

    def __str__(self) -> str:
        return f"{self.name} {self.aggregate}:{self.aggregate_id} (#{self.pk})"


class Delivery(models.Model):
    """One event for one subscriber: pending until its handler has run once, successfully."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        # Out of attempts: it waits for staff (retry or skip in the admin), and so do the later
        # events about the same aggregate for this subscriber.
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped by staff"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=120)
    # Copied from the event, so "is an earlier one for this aggregate still open?" is one index.
    aggregate_key = models.CharField(max_length=150)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="one_delivery_per_subscriber"
            ),
            models.CheckConstraint(
                condition=Q(state="delivered", delivered_at__isnull=False) | ~Q(state="delivered"),
                name="delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["subscriber", "aggregate_key", "event"]),
            models.Index(
                fields=["next_attempt_at"], name="delivery_due", condition=Q(state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscriber} ({self.state})"
