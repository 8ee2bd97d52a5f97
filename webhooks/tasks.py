"""Sending webhooks: one attempt per task run, retries scheduled with backoff, and a sweeper
for attempts whose message was lost."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from webhooks.delivery import CLAIM_SECONDS, delivery_attempt
from webhooks.selectors import deliveries_due

logger = logging.getLogger(__name__)

# The sweeper leaves alone what is due since less than this: its own message is on the way.
SWEEP_GRACE = timedelta(seconds=CLAIM_SECONDS)
SWEEP_BATCH = 1000
# Retries due within this are scheduled as delayed messages; later ones by the sweeper. A Redis
# broker hands a message held past its visibility timeout to a worker again, so only waits
# well inside that timeout are held as messages.
SCHEDULE_AHEAD_SECONDS = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 2


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at a delivery, if it is due; a failed one schedules the next."""
    outcome, delay = delivery_attempt(delivery_id=delivery_id)
    if delay is not None and delay <= SCHEDULE_AHEAD_SECONDS:
        # Eager (tests): this runs at once, finds the delivery not yet due, and returns.
        webhook_deliver.apply_async((delivery_id,), countdown=delay)
    # Longer waits are left to the sweeper, which enqueues a delivery once it is due.
    logger.info("webhook delivery %s: %s", delivery_id, outcome)
    return outcome


@shared_task(soft_time_limit=30, time_limit=60)
def webhooks_deliver_due() -> int:
    """Enqueue again the deliveries overdue by more than the grace (a lost message)."""
    overdue = deliveries_due(before=timezone.now() - SWEEP_GRACE)
    ids = list(overdue.values_list("pk", flat=True)[:SWEEP_BATCH])
    for delivery_id in ids:
        webhook_deliver.delay(delivery_id)
    return len(ids)
