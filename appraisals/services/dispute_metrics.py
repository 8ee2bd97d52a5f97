"""Dispute figures for staff: rates, resolution times and per-expert overturns, computed by
aggregate queries (a fixed number of them, whatever the volume)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypedDict

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q

from appraisals.models import Dispute, Report, Review

Outcome = Dispute.Outcome


class _Percentile(Aggregate):
    """PostgreSQL's ordered-set percentile over a duration."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, fraction: float) -> None:
        super().__init__(expression, fraction=fraction)


class ExpertDisputes(TypedDict):
    """One expert's line: disputes of reports they signed, overturns, resolution times."""

    code: str | None
    disputes: int
    overturned: int
    median: timedelta | None
    p95: timedelta | None
    overturn_rate: float | None


@dataclass(frozen=True)
class DisputeMetrics:
    reports: int
    disputes: int
    resolved: int
    overturned: int
    median_resolution: timedelta | None
    p95_resolution: timedelta | None
    breached: int
    per_expert: list[ExpertDisputes]

    @property
    def dispute_rate(self) -> float | None:
        return self.disputes / self.reports if self.reports else None

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.resolved if self.resolved else None


def dispute_metrics() -> DisputeMetrics:
    duration = ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())
    resolved = Dispute.objects.filter(resolved_at__isnull=False)
    counts = Dispute.objects.aggregate(
        total=Count("pk"),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        overturned=Count("pk", filter=Q(outcome=Outcome.OVERTURNED)),
        breached=Count("pk", filter=Q(sla_breached_at__isnull=False)),
    )
    times = resolved.aggregate(median=_Percentile(duration, 0.5), p95=_Percentile(duration, 0.95))
    median, p95 = times["median"], times["p95"]
    # Per expert: disputes of reports whose original opinion they signed, overturns, and how
    # long those disputes took.
    per_expert_rows = (
        Review.objects.filter(
            dispute__isnull=True,
            state=Review.State.SIGNED,
            submission__reports__disputes__resolved_at__isnull=False,
        )
        .values(code=F("expert__reviewer_code"))
        .annotate(
            disputes=Count("submission__reports__disputes", distinct=True),
            overturned=Count(
                "submission__reports__disputes",
                filter=Q(submission__reports__disputes__outcome=Outcome.OVERTURNED),
                distinct=True,
            ),
        )
        .order_by("-overturned", "code")
    )
    took = ExpressionWrapper(
        F("submission__reports__disputes__resolved_at")
        - F("submission__reports__disputes__opened_at"),
        output_field=DurationField(),
    )
    per_expert_rows = per_expert_rows.annotate(
        median=_Percentile(took, 0.5), p95=_Percentile(took, 0.95)
    )
    per_expert: list[ExpertDisputes] = [
        {
            "code": row["code"],
            "disputes": row["disputes"],
            "overturned": row["overturned"],
            "median": row["median"],
            "p95": row["p95"],
            "overturn_rate": row["overturned"] / row["disputes"] if row["disputes"] else None,
        }
        for row in per_expert_rows
    ]
    return DisputeMetrics(
        reports=Report.objects.filter(supersedes__isnull=True).count(),
        disputes=counts["total"],
        resolved=counts["resolved"],
        overturned=counts["overturned"],
        median_resolution=median,
        p95_resolution=p95,
        breached=counts["breached"],
        per_expert=per_expert,
    )
