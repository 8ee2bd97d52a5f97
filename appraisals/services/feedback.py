"""What buyers tell us after a report: a CSAT score per report and, rarely, an NPS answer."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisals.models import NpsResponse, Report, ReportFeedback, Submission
from appraisals.services.rewards import csat_points_award
from members.models import User


def _score(raw: object, *, low: int, high: int) -> int:
    try:
        score = int(str(raw))
    except ValueError as error:
        raise ValidationError(
            _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
        ) from error
    if not low <= score <= high:
        raise ValidationError(
            _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    return score


def report_feedback_record(
    *, report: Report, user: User, score: object, comment: str
) -> ReportFeedback:
    """The owner's one-question rating of a report (1-5, optional comment), once per report;
    answering earns ``POINTS_FOR_CSAT`` points, in the same transaction."""
    if report.submission.owner_id != user.pk:
        raise ValidationError(_("Only the report's owner can rate it."))
    value = _score(score, low=1, high=5)
    try:
        with transaction.atomic():
            feedback = ReportFeedback.objects.create(
                report=report, user=user, score=value, comment=comment.strip()[:1000]
            )
            csat_points_award(feedback=feedback)
            return feedback
    except IntegrityError as error:
        raise ValidationError(_("You already rated this report.")) from error


def nps_due(*, user: User) -> bool:
    """Ask at most once per ``NPS_INTERVAL_DAYS``, and only people who got a report."""
    since = timezone.now() - timedelta(days=settings.NPS_INTERVAL_DAYS)
    if NpsResponse.objects.filter(user=user, created_at__gte=since).exists():
        return False
    return Report.objects.filter(submission__owner=user).exists()


def nps_record(*, user: User, score: object, comment: str) -> NpsResponse:
    value = _score(score, low=0, high=10)
    with transaction.atomic():
        # Lock the user's row so two tabs answering at once still make one answer.
        User.objects.select_for_update().get(pk=user.pk)
        if not nps_due(user=user):
            raise ValidationError(_("Thanks, you already answered this recently."))
        return NpsResponse.objects.create(user=user, score=value, comment=comment.strip()[:1000])


def submission_owner_name_set(*, submission: Submission, show: bool) -> Submission:
    submission.show_owner_name = show
    submission.save(update_fields=["show_owner_name", "updated_at"])
    return submission
