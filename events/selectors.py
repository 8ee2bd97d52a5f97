"""Queries over the outbox."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from events.models import Delivery


def deliveries_due(*, before: datetime) -> QuerySet[Delivery]:
    """Pending deliveries due by ``before``, oldest event first."""
    return Delivery.objects.filter(
        state=Delivery.State.PENDING, next_attempt_at__lte=before
    ).order_by("event_id", "subscriber")
