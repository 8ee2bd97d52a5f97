"""Background work of the billing app (CELERY_BEAT_SCHEDULE): renewing passes."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from billing.services.passes import passes_renew_due

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
    acks_late=True,
)
def passes_renew() -> dict[str, int]:
    """Issue renewing passes' next invoices and end lapsed subscriptions; safe to run twice."""
    issued, ended = passes_renew_due()
    logger.info("pass renewal: %s invoices issued, %s subscriptions ended", issued, ended)
    return {"issued": issued, "ended": ended}
