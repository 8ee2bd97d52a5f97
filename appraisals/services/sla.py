"""Service-level agreement: recording breaches, and the figures computed from them.

Each tier has a due time (``TIER_TURNAROUND``), set at first submission and pushed back by the
time a case waited for the buyer's extra photos. A case that runs past it gets
``sla_breached_at`` once, with a timeline line telling the buyer we are late. Only cases whose
policy counts for the SLA (``appraisals/policies.py``) are promised a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from appraisals.models import Status, Submission, SubmissionEvent
from appraisals.policies import policy_filter
from appraisals.services.submissions import submission_event_add

OPEN_STATES = [Status.SUBMITTED, Status.QUEUED, Status.AWAITING_EXPERT]


def sla_breaches_record(overdue: QuerySet[Any], tell: Callable[[Any], object]) -> int:
    """Mark each overdue row (a case, or a dispute: ``disputes.services``) once
    (``sla_breached_at`` = its due time) and ``tell`` the row's timeline, in the same
    transaction; returns how many were newly marked."""
    marked = 0
    for pk in overdue.filter(sla_breached_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            # Conditional update: two beat runs never mark (or tell the buyer) twice.
            changed = overdue.model.objects.filter(pk=pk, sla_breached_at__isnull=True).update(
                sla_breached_at=F("due_at")
            )
            if changed:
                tell(overdue.model.objects.get(pk=pk))
                marked += 1
    return marked


def submissions_sla_breaches_record() -> int:
    """Mark every open case past its due time; returns how many were newly marked."""
    return sla_breaches_record(
        Submission.objects.filter(
            policy_filter(counts_for_sla=True), status__in=OPEN_STATES, due_at__lt=timezone.now()
        ),
        lambda submission: submission_event_add(
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

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else rate * 100

    @property
    def mean_hours(self) -> float | None:
        if self.mean_appraisal is None:
            return None
        return self.mean_appraisal.total_seconds() / 3600


def _completed(since: datetime | None) -> QuerySet[Submission]:
    """Cases completed since ``since`` whose policy makes the due time a promise (a partner's
    sandbox tests don't count)."""
    completed = Submission.objects.filter(
        policy_filter(counts_for_sla=True), completed_at__isnull=False
    )
    return completed if since is None else completed.filter(completed_at__gte=since)


def _aggregates() -> dict[str, Any]:
    duration = ExpressionWrapper(
        F("completed_at") - F("submitted_at"), output_field=DurationField()
    )
    return {
        "total": Count("pk"),
        "on_time": Count("pk", filter=Q(sla_breached_at__isnull=True)),
        "mean": Avg(duration),
    }


def _figures(row: dict[str, Any]) -> SlaFigures:
    return SlaFigures(completed=row["total"], on_time=row["on_time"], mean_appraisal=row["mean"])


def sla_figures(*, since: datetime | None = None) -> SlaFigures:
    """On-time rate and mean appraisal time over cases completed since ``since`` whose policy
    makes the due time a promise (a partner's sandbox tests don't count)."""
    return _figures(_completed(since).aggregate(**_aggregates()))


SlaGroup = Literal["tier", "member_plan"]


def sla_figures_by(*, group: SlaGroup, since: datetime | None = None) -> dict[str, SlaFigures]:
    """The same figures per service tier (``"standard"``, ``"priority"``, ``"express"``) or per
    member plan code snapshotted at submission (``"diamond"``, ``"free"``; ``""`` for a case
    whose owner had no plan), in one query. A group without a completed case is absent.

    Each case is measured against its own promise (``due_at``: the tier's turnaround, or the
    plan's SLA where shorter), so a Diamond member's standard case is late after 6 hours."""
    if group not in ("tier", "member_plan"):
        raise ValueError(f"No SLA figures per {group!r}.")
    rows = _completed(since).values(group).annotate(**_aggregates()).order_by(group)
    return {row[group]: _figures(row) for row in rows}
