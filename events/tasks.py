"""Delivering the outbox in the background: the sweep for what is due again (retries,
deliveries that waited for an earlier one, what the emitting process could not deliver right
after its commit). The first attempt is made by the emitting process itself
(events.services.event_dispatch_now), as is a staff retry's."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from events.selectors import deliveries_due
from events.services import delivery_run

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


@shared_task(soft_time_limit=240, time_limit=300)
def events_dispatch_due() -> int:
    """Run every delivery that is due, in event order; the number delivered."""
    delivered = 0
    ids = list(deliveries_due(before=timezone.now()).values_list("pk", flat=True)[:SWEEP_BATCH])
    for delivery_id in ids:
        if delivery_run(delivery_id=delivery_id) == "delivered":
            delivered += 1
    if ids:
        logger.info("events sweep: %s of %s due deliveries delivered", delivered, len(ids))
    return delivered
