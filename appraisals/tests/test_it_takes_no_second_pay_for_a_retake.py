"""A case is paid for once, at its first submission: a retake after the expert asks for more
photos goes back without a fee or another free appraisal."""

from __future__ import annotations

import pytest

from appraisals.models import Status, Submission
from appraisals.services import reviews as review_services
from appraisals.services.payments import fee_reference
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import submission_submit
from appraisals.tests.factories import submit_paying
from appraisals.tests.paying import ready_draft
from appraisals.tests.reviewing import expert, to_expert_queue
from billing.models import Invoice
from membership.models import QuotaUse
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def _more_photos_asked(submission: Submission) -> Submission:
    """An expert takes the case and asks for a new photo of its first slot."""
    to_expert_queue(submission)
    who = expert()
    seat = review_services.review_take_next(expert=who)
    assert seat is not None
    slot = submission.category.slots.order_by("position").first()
    assert slot is not None
    review_services.review_request_photos(
        review=seat, expert=who, slot_codes=[slot.code], message="The heat stamp, closer."
    )
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_RETAKE
    submission_photo_upload(submission=submission, slot=slot, data=good_jpeg(42))
    return submission


def test_a_retake_of_a_covered_case_uses_no_second_free_appraisal(buyer, catalog) -> None:  # noqa: ANN001
    submission = _more_photos_asked(
        submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    )

    again = submission_submit(submission=submission)  # the month's free appraisal is spent

    assert again.round == 2 and again.status == Status.SUBMITTED
    assert QuotaUse.objects.filter(member=buyer).count() == 1
    assert not Invoice.objects.exists()


def test_a_retake_of_a_paid_case_is_not_charged_again(buyer, catalog) -> None:  # noqa: ANN001
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    paid = submit_paying(ready_draft(buyer, catalog["watch"]))
    assert Invoice.objects.get(reference=fee_reference(paid)).status == "paid"
    submission = _more_photos_asked(paid)

    again = submission_submit(submission=submission)

    assert again.round == 2 and again.status == Status.SUBMITTED
    assert Invoice.objects.filter(member=buyer).count() == 1
