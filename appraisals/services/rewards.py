"""Points a member earns from appraisals (membership's points ledger): for a completed
appraisal (not an inconclusive one, whose fee is given back) and for an answered
satisfaction question.

Both go through ``points_earn``, which is idempotent by reference (``report:<id>``,
``csat:<id>``), so an event delivered twice or a retried request earns once.
"""

from __future__ import annotations

from django.conf import settings

from appraisals.models import Report, ReportFeedback, Verdict
from appraisals.policies import policy_for
from membership.models import EarnReason, PointsEntry
from membership.services.points import points_earn


def report_points_award(*, report_id: int) -> PointsEntry | None:
    """``POINTS_FOR_APPRAISAL`` points to the case's owner for its first report version.

    A correction (a later version of the same case's report) earns nothing more, and neither
    does a sandbox case, whose report is a partner's test, nor an inconclusive report: the
    case's fee and quota are given back, so it was no appraisal the member paid for. None
    when nothing is earned.
    """
    report = Report.objects.select_related("submission__owner").get(pk=report_id)
    submission = report.submission
    if report.supersedes_id is not None or policy_for(submission).labels_reports_sandbox:
        return None
    if report.verdict == Verdict.INCONCLUSIVE:
        return None
    if settings.POINTS_FOR_APPRAISAL <= 0:
        return None
    return points_earn(
        member=submission.owner,
        points=settings.POINTS_FOR_APPRAISAL,
        reason=EarnReason.APPRAISAL_COMPLETED,
        reference=f"report:{report.pk}",
    )


def csat_points_award(*, feedback: ReportFeedback) -> PointsEntry | None:
    """``POINTS_FOR_CSAT`` points to the member who answered the satisfaction question; in the
    transaction that records the answer, so the answer and its points stand or fall together."""
    if settings.POINTS_FOR_CSAT <= 0:
        return None
    return points_earn(
        member=feedback.user,
        points=settings.POINTS_FOR_CSAT,
        reason=EarnReason.CSAT_ANSWERED,
        reference=f"csat:{feedback.pk}",
    )
