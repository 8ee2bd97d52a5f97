"""The owner may cancel a case no expert has taken yet, after a confirmation page: what it
took comes back (the free appraisal or pass use, a paid fee in full, a due invoice voided).
Once an expert holds a seat the cancel is refused with a 409 that says why; a stranger gets
a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Review, Status, Submission, SubmissionEvent
from appraisals.services.payments import fee_reference, submission_checkout
from appraisals.services.reviews import review_take_next
from appraisals.services.submissions import submission_submit
from appraisals.tests.factories import cashier
from appraisals.tests.paying import ready_draft
from appraisals.tests.reviewing import expert, to_expert_queue
from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid
from members.models import User
from membership.models import QuotaUse

pytestmark = pytest.mark.django_db

Kind = SubmissionEvent.Kind


def _cancel_url(submission: Submission) -> str:
    return reverse("appraisals:submission-cancel", args=[submission.uid])


def _paid_case(buyer: User, catalog: dict) -> Submission:  # type: ignore[type-arg]
    """A case paid in invoice mode and submitted (the month's free appraisal went to another)."""
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    submission = ready_draft(buyer, catalog["handbag"])
    result = submission_checkout(
        submission=submission, points=0, success_url="http://t/", cancel_url="http://t/"
    )
    assert result.invoice is not None
    invoice_mark_paid(invoice=result.invoice, staff=cashier())
    return submission_submit(submission=submission)


def test_cancelling_a_covered_case_returns_its_free_appraisal(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    client.force_login(buyer)

    detail = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert _cancel_url(submission) in detail.content.decode()
    confirm = client.get(_cancel_url(submission)).content.decode()
    assert "Cancel this case?" in confirm
    assert submission.status == Status.SUBMITTED  # a GET changes nothing

    response = client.post(_cancel_url(submission))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.CANCELLED
    use = QuotaUse.objects.get(reference=fee_reference(submission))
    assert use.restored_at is not None and use.restore_reason == "cancelled"
    kinds = list(submission.events.values_list("kind", flat=True))
    assert kinds[-2:] == [Kind.CANCELLED, Kind.QUOTA_RESTORED]
    page = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert "Cancelled: no expert will examine this case." in page.content.decode()
    assert _cancel_url(submission) not in page.content.decode()
    # The free appraisal is back: the next case is covered again.
    again = ready_draft(buyer, catalog["handbag"])
    review = client.get(reverse("appraisals:submission-review", args=[again.uid]))
    assert "Covered by one of your free appraisals (1 left this month)." in review.content.decode()
    # A second cancel is refused, and nothing is given back twice.
    assert client.post(_cancel_url(submission)).status_code == 409
    assert submission.events.filter(kind=Kind.QUOTA_RESTORED).count() == 1


def test_cancelling_a_paid_case_refunds_its_fee(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    submission = _paid_case(buyer, catalog)
    assert submission.status == Status.SUBMITTED
    client.force_login(buyer)

    assert client.post(_cancel_url(submission)).status_code == 302

    invoice = Invoice.objects.get(reference=fee_reference(submission))
    assert invoice.status == "refunded" and invoice.refund_reason == "cancelled"
    refunded = submission.events.get(kind=Kind.REFUNDED)
    assert refunded.message == f"{invoice.number}: €29.00"


def test_cancelling_a_draft_voids_its_due_invoice(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    draft = ready_draft(buyer, catalog["handbag"])
    submission_checkout(submission=draft, points=0, success_url="http://t/", cancel_url="http://t/")
    client.force_login(buyer)

    assert client.post(_cancel_url(draft)).status_code == 302

    draft.refresh_from_db()
    assert draft.status == Status.CANCELLED and draft.submitted_at is None
    assert Invoice.objects.get(reference=fee_reference(draft)).status == "void"


def test_a_case_waiting_in_the_queue_can_be_cancelled_and_its_seat_closes(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    to_expert_queue(submission)
    client.force_login(buyer)

    assert client.post(_cancel_url(submission)).status_code == 302

    assert list(submission.reviews.values_list("state", flat=True)) == [Review.State.WITHDRAWN]
    assert review_take_next(expert=expert()) is None  # nothing left for an expert


def test_once_an_expert_holds_it_the_cancel_is_refused(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    to_expert_queue(submission)
    seat = review_take_next(expert=expert())
    assert seat is not None
    client.force_login(buyer)

    detail = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert _cancel_url(submission) not in detail.content.decode()
    response = client.post(_cancel_url(submission))

    assert response.status_code == 409
    assert (
        "An expert is already examining this case, so it can no longer be cancelled."
        in response.content.decode()
    )
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_EXPERT
    assert QuotaUse.objects.get(reference=fee_reference(submission)).restored_at is None


def test_a_stranger_cannot_cancel_someone_elses_case(
    client: Client,
    buyer,  # noqa: ANN001
    stranger,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    client.force_login(stranger)

    assert client.get(_cancel_url(submission)).status_code == 404
    assert client.post(_cancel_url(submission)).status_code == 404
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
