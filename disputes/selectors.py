"""Read-side queries of disputes: who follows which (the custody rule of
``appraisals/selectors/custody.py`` applied to disputes, the one place it is written for them),
what a report's page shows of them, and the staff's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404

from appraisals.models import Report, Review, SubmissionEvent
from appraisals.selectors.custody import held_by, report_holder
from disputes.models import Dispute, PhotoRequest
from members.models import User

Outcome = Dispute.Outcome


def disputes_followed_by(*, user: User) -> QuerySet[Dispute]:
    """The disputes ``user`` follows: every dispute of the reports they hold now, whoever
    opened it (its outcome and guarantee are theirs), and every dispute they opened, even
    after passing the report on. A dispute the next holder opens is not the earlier one's."""
    return Dispute.objects.filter(held_by(user, path="report__submission__") | Q(opened_by=user))


def dispute_follower_ids(*, dispute: Dispute) -> list[int]:
    """The users who follow ``dispute`` (``disputes_followed_by``, the other way round): who
    opened it and who holds its report now; one id when that is one person."""
    holder = report_holder(dispute.report)
    return list(dict.fromkeys([dispute.opened_by_id, holder.pk]))


def report_dispute_opened_by(*, report: Report, user: User) -> Dispute | None:
    """The latest dispute of this report version that ``user`` opened, which their pages show
    and link to (a dispute's page shows its complaint and evidence to who opened it only)."""
    return report.disputes.filter(opened_by=user).order_by("-opened_at", "-id").first()


def report_disputes_public(*, report: Report) -> list[Dispute]:
    """A report version's disputes, for what its public page says of them (that one is open,
    the outcomes of the others): one query per report, whichever part asks first (a prefetch
    on the instance, which the page's other parts then read)."""
    ordered = Dispute.objects.select_related("corrected_report").order_by("opened_at", "id")
    prefetch_related_objects([report], Prefetch("disputes", queryset=ordered))
    return list(report.disputes.all())


def report_dispute_open(*, report: Report) -> Dispute | None:
    """The report version's open dispute, if any (there is at most one)."""
    return report.disputes.exclude(state=Dispute.State.RESOLVED).first()


def dispute_get_for_opener(*, uid: Any, user: User) -> Dispute:
    """A dispute's own page, with its complaint and evidence, is its opener's only; anyone
    else, a later holder of the report included, gets the 404 of an unknown address."""
    try:
        return Dispute.objects.select_related("report__submission").get(uid=uid, opened_by=user)
    except (Dispute.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such dispute.") from error


def dispute_photo_requests(*, dispute: Dispute) -> QuerySet[PhotoRequest]:
    """The re-appraisers' requests for more photos, oldest first, with the photos that answered
    each; never who asked (the holder's page and the blind brief both list them)."""
    return dispute.photo_requests.prefetch_related("evidence").order_by("requested_at", "id")


def dispute_steps(*, dispute: Dispute) -> QuerySet[SubmissionEvent]:
    """The dispute's lines on its case's timeline (``disputes.services._step``), oldest first."""
    return SubmissionEvent.objects.filter(
        submission_id=dispute.report.submission_id,
        kind__startswith="dispute",
        message__startswith=f"{dispute.reference}:",
    ).order_by("created_at", "id")


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
    """Dispute rate, overturn rate, resolution times and overturns per expert, by aggregate
    queries (a fixed number of them, whatever the volume)."""
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
    # Per expert: disputes of reports whose original opinion they signed (not a re-appraisal
    # seat), overturns, and how long those disputes took.
    per_expert_rows = (
        Review.objects.filter(
            reappraisal__isnull=True,
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
