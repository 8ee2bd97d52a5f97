"""Background work for membership (CELERY_BEAT_SCHEDULE): the daily expiry of points and the
daily review of earned tiers."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from membership.services.plans import tiers_review_due
from membership.services.points import points_expire_due

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
def points_expire() -> int:
    """Write off the unspent points of every lot past its expiry; safe to run twice."""
    written = points_expire_due()
    logger.info("points expiry: %s entries written", written)
    return written


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
    acks_late=True,
)
def tiers_review() -> int:
    """Renew, raise or let lapse the tiers of members whose 12-month spend or held tier
    changed; safe to run twice."""
    reviewed = tiers_review_due()
    logger.info("tier review: %s members reviewed", reviewed)
    return reviewed
