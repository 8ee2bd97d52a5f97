"""Background work for submissions: the server-side photo re-check and its safety net."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from appraisals.selectors import (
    submissions_bot_review_stalled,
    submissions_prescreen_stalled,
    submissions_stalled,
)
from appraisals.services import payments as payments_services
from appraisals.services.photos import submission_check_photos_run
from appraisals.services.prescreen import PreScreenUnavailable, submission_prescreen_run
from appraisals.services.sandbox import sandbox_review_run
from appraisals.services.sla import submissions_sla_breaches_record

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


@shared_task(
    autoretry_for=(PreScreenUnavailable, OperationalError, OSError),
    retry_backoff=5,
    # Well inside the broker's visibility timeout with the time limit added (settings).
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=20,
    soft_time_limit=120,
    time_limit=180,
    acks_late=True,
)
def submission_prescreen(submission_id: int, round: int) -> str:
    """Score a queued case's photos with the active classifier, read its serial, route it."""
    outcome = submission_prescreen_run(submission_id=submission_id, round=round)
    logger.info("submission %s round %s pre-screen: %s", submission_id, round, outcome)
    return outcome


@shared_task(soft_time_limit=30, time_limit=60)
def submissions_requeue_stalled() -> int:
    """Enqueue again the work of cases stuck in ``submitted`` or ``queued``, and of cases still
    waiting for the sandbox bot.

    Covers a message lost by the broker, a worker that crashed, and a pre-screen that gave
    up retrying while no model was available.
    """
    count = 0
    photo_checks = submissions_stalled(
        older_than=timedelta(seconds=settings.SUBMISSION_CHECK_STALL_SECONDS)
    ).values_list("pk", "round")
    for submission_id, round_ in photo_checks:
        submission_check_photos.delay(submission_id, round_)
        count += 1
    prescreens = submissions_prescreen_stalled(
        older_than=timedelta(seconds=settings.PRESCREEN_STALL_SECONDS)
    ).values_list("pk", "round")
    for submission_id, round_ in prescreens:
        submission_prescreen.delay(submission_id, round_)
        count += 1
    bot_reviews = submissions_bot_review_stalled(
        older_than=timedelta(seconds=settings.PRESCREEN_STALL_SECONDS)
    ).values_list("pk", "round")
    for submission_id, round_ in bot_reviews:
        sandbox_review.delay(submission_id, round_)
        count += 1
    return count


@shared_task(soft_time_limit=30, time_limit=60)
def submissions_record_sla_breaches() -> int:
    """Record, once, each open case that has run past its due time (disputes have their own
    task: ``disputes.tasks``)."""
    return submissions_sla_breaches_record()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def sandbox_review(submission_id: int, round: int) -> str:
    """The sandbox bot signs the seats of a case its policy gives to the bot
    (appraisals/services/sandbox.py)."""
    return sandbox_review_run(submission_id=submission_id, round=round)


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
def fee_invoices_void_overdue() -> int:
    """Void the fee invoices still due past their due date, releasing the free appraisals they
    held (appraisals/services/payments.py); safe to run twice."""
    voided = payments_services.fee_invoices_void_overdue()
    logger.info("overdue fee invoices voided: %s", voided)
    return voided
