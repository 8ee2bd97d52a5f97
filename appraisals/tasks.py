"""Background work for submissions: the server-side photo re-check and its safety net."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from appraisals.selectors import submissions_stalled
from appraisals.services.photos import submission_check_photos_run

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def submission_check_photos(submission_id: int, round: int) -> str:
    """Re-check every photo of a submitted case; move it to queued or needs_retake."""
    outcome = submission_check_photos_run(submission_id=submission_id, round=round)
    logger.info("submission %s round %s photo check: %s", submission_id, round, outcome)
    return outcome


@shared_task(soft_time_limit=30, time_limit=60)
def submissions_requeue_stalled() -> int:
    """Enqueue the re-check again for cases stuck in ``submitted`` (a lost message, a crash)."""
    stalled = submissions_stalled(
        older_than=timedelta(seconds=settings.SUBMISSION_CHECK_STALL_SECONDS)
    ).values_list("pk", "round")
    count = 0
    for submission_id, round_ in stalled:
        submission_check_photos.delay(submission_id, round_)
        count += 1
    return count
