"""Points earned from appraisals: ``POINTS_FOR_APPRAISAL`` to the owner when a case's report
is issued (once, whatever the deliveries; not for a correction, nor for a sandbox case, nor
for an inconclusive report, whose fee is given back), and ``POINTS_FOR_CSAT`` for answering
the satisfaction question."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from appraisals.models import Report, Submission
from appraisals.policies import SANDBOX
from appraisals.services import reviews as review_services
from appraisals.services.feedback import report_feedback_record
from appraisals.services.photos import submission_photo_upload
from appraisals.services.reports import report_correct
from appraisals.services.rewards import report_points_award
from appraisals.services.sandbox import sandbox_review_run
from appraisals.services.submissions import submission_create, submission_submit
from appraisals.tasks import submission_check_photos
from appraisals.tests.prioritising import in_queue_paid
from appraisals.tests.reviewing import deliver_events, expert, sign, to_expert_queue
from members.models import User
from membership.models import EarnReason, PointsEntry
from membership.selectors.points import points_balance
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def _reported(owner: User, category: Any, verdict: str = "authentic", reason: str = "") -> Report:
    case = in_queue_paid(owner, category)
    who = expert()
    seat = review_services.review_take_next(expert=who)
    assert seat is not None and seat.submission_id == case.pk
    sign(seat, who, verdict, reason)  # delivers the events: ReportIssued reaches its subscribers
    return Report.objects.get(submission=case)


def test_the_owner_earns_points_once_for_a_report(
    buyer: User, catalog: dict[str, Any], settings: Any
) -> None:
    settings.POINTS_FOR_APPRAISAL = 100
    report = _reported(buyer, catalog["handbag"])

    assert points_balance(buyer) == 100
    lot = PointsEntry.objects.get(reference=f"report:{report.pk}")
    assert lot.reason == EarnReason.APPRAISAL_COMPLETED and lot.points == 100
    # The outbox may deliver the event again: the reference makes it count once.
    assert report_points_award(report_id=report.pk) == lot
    deliver_events()
    assert points_balance(buyer) == 100

    with transaction.atomic():
        correction = report_correct(
            report=report,
            changes={"item": {**report.document["item"], "serial": "AR1234"}},
            reason="Serial typo",
        )
    deliver_events()
    assert correction.supersedes == report
    assert not PointsEntry.objects.filter(reference=f"report:{correction.pk}").exists()
    assert points_balance(buyer) == 100


def test_an_inconclusive_report_earns_nothing(
    buyer: User, catalog: dict[str, Any], settings: Any
) -> None:
    settings.POINTS_FOR_APPRAISAL = 100
    report = _reported(buyer, catalog["handbag"], "inconclusive", "The date code is unreadable.")

    assert report.verdict == "inconclusive"
    assert report_points_award(report_id=report.pk) is None
    assert not PointsEntry.objects.filter(reference=f"report:{report.pk}").exists()
    assert points_balance(buyer) == 0


def test_a_sandbox_report_earns_nothing(buyer: User, catalog: dict[str, Any]) -> None:
    category = catalog["handbag"]
    case = submission_create(
        owner=buyer,
        policy=SANDBOX,
        category=category,
        brand=category.brands.order_by("name").first(),
        sandbox_outcome="authentic",
    )
    for index, slot in enumerate(category.slots.order_by("position")):
        submission_photo_upload(submission=case, slot=slot, data=good_jpeg(index))
    submission_submit(submission=case, for_partner=True)
    case.refresh_from_db()
    assert submission_check_photos.apply(args=[case.pk, case.round]).get() == "queued"
    to_expert_queue(Submission.objects.get(pk=case.pk))
    assert sandbox_review_run(submission_id=case.pk, round=1) == "signed 1"
    deliver_events()

    assert Report.objects.filter(submission=case).exists()
    assert points_balance(buyer) == 0


def test_answering_the_satisfaction_question_earns_points_once(
    buyer: User, stranger: User, catalog: dict[str, Any], settings: Any
) -> None:
    settings.POINTS_FOR_APPRAISAL, settings.POINTS_FOR_CSAT = 100, 10
    report = _reported(buyer, catalog["handbag"])

    feedback = report_feedback_record(report=report, user=buyer, score="5", comment="Quick.")

    assert points_balance(buyer) == 110
    lot = PointsEntry.objects.get(reference=f"csat:{feedback.pk}")
    assert lot.reason == EarnReason.CSAT_ANSWERED and lot.points == 10
    with pytest.raises(ValidationError, match="already rated"):
        report_feedback_record(report=report, user=buyer, score="4", comment="")
    with pytest.raises(ValidationError, match="owner"):
        report_feedback_record(report=report, user=stranger, score="4", comment="")
    with pytest.raises(ValidationError, match="score"):
        report_feedback_record(report=report, user=buyer, score="9", comment="")
    assert points_balance(buyer) == 110
    assert points_balance(stranger) == 0
