"""Service-level agreement: recording breaches, and the figures computed from them.

Each tier has a due time (``TIER_TURNAROUND``), set at first submission and pushed back by the
time a case waited for the buyer's extra photos. A case that runs past it gets
``sla_breached_at`` once, with a timeline line telling the buyer we are late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from appraisals.models import Dispute, Status, Submission, SubmissionEvent
from appraisals.services.submissions import submission_event_add

OPEN_STATES = [Status.SUBMITTED, Status.QUEUED, Status.AWAITING_EXPERT]


def _breaches_record(
    overdue: QuerySet[Any], tell: Callable[[Any], tuple[Submission, str, str]]
) -> int:
    """Mark each overdue row once (``sla_breached_at`` = its due time) and add the timeline
    line ``tell`` gives for it; returns how many were newly marked."""
    marked = 0
    for pk in overdue.filter(sla_breached_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            # Conditional update: two beat runs never mark (or tell the buyer) twice.
            changed = overdue.model.objects.filter(pk=pk, sla_breached_at__isnull=True).update(
                sla_breached_at=F("due_at")
            )
            if changed:
                submission, kind, message = tell(overdue.model.objects.get(pk=pk))
                submission_event_add(submission, kind, message)
                marked += 1
    return marked


def disputes_sla_breaches_record() -> int:
    """Mark disputes past their clock once each, with a line on the case's timeline."""
    return _breaches_record(
        Dispute.objects.filter(resolved_at__isnull=True, due_at__lt=timezone.now()),
        lambda dispute: (
            dispute.report.submission,
            SubmissionEvent.Kind.DISPUTE_STEP,
            f"{dispute.reference}: past the {settings.DISPUTE_SLA_HOURS}-hour promise; "
            "it keeps its place first.",
        ),
    )


def submissions_sla_breaches_record() -> int:
    """Mark every open case past its due time; returns how many were newly marked."""
    return _breaches_record(
        # Sandbox cases are a partner's tests: no promise, no breach.
        Submission.objects.filter(status__in=OPEN_STATES, due_at__lt=timezone.now(), sandbox=False),
        lambda submission: (
            submission,
            SubmissionEvent.Kind.SLA_BREACHED,
            gettext_noop("We are past the promised time; your case keeps its place at the front."),
        ),
    )


@dataclass(frozen=True)
class SlaFigures:
    completed: int
    on_time: int
    mean_appraisal: timedelta | None  # submitted -> report issued

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


def sla_figures(*, since: datetime | None = None) -> SlaFigures:
    """On-time rate and mean appraisal time over cases completed since ``since``."""
    completed = Submission.objects.filter(completed_at__isnull=False)
    if since is not None:
        completed = completed.filter(completed_at__gte=since)
    duration = ExpressionWrapper(
        F("completed_at") - F("submitted_at"), output_field=DurationField()
    )
    figures = completed.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(sla_breached_at__isnull=True)),
        mean=Avg(duration),
    )
    return SlaFigures(
        completed=figures["total"], on_time=figures["on_time"], mean_appraisal=figures["mean"]
    )
