"""Periodic upkeep of the API's own records."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from api.idempotency import IDEMPOTENCY_TTL
from api.models import IdempotencyRecord


@shared_task(soft_time_limit=60, time_limit=90)
def idempotency_records_purge() -> int:
    """Delete the replay records older than ``IDEMPOTENCY_TTL`` (they are ignored already)."""
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
