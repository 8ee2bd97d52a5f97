"""Background work for disputes: the SLA clock."""

from __future__ import annotations

from celery import shared_task

from disputes.services import disputes_sla_breaches_record


@shared_task(soft_time_limit=30, time_limit=60)
def disputes_record_sla_breaches() -> int:
    """Record, once, each open dispute that has run past its due time (beat, every minute)."""
    return disputes_sla_breaches_record()
