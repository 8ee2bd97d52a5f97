"""An inconclusive report gives the member back what the case took: the free appraisal
returns to their allowance and the fee they paid is refunded, once, however often the event
is delivered. A conclusive report keeps both."""

from __future__ import annotations

import pytest

from appraisals.events import ReportIssued
from appraisals.models import Report, Submission, SubmissionEvent
from appraisals.services.payments import fee_reference, submission_checkout
from appraisals.services.reviews import review_take_next
from appraisals.services.submissions import submission_submit
from appraisals.subscribers import return_fee_of_inconclusive
from appraisals.tests.factories import cashier
from appraisals.tests.paying import ready_draft
from appraisals.tests.reviewing import deliver_events, expert, sign, to_expert_queue
from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid
from members.models import User
from membership.models import QuotaUse

pytestmark = pytest.mark.django_db

Kind = SubmissionEvent.Kind


def _priority_case_paid(buyer: User, catalog: dict) -> Submission:  # type: ignore[type-arg]
    """A Priority case: a free appraisal covers the Standard part, the member paid the rest."""
    submission = ready_draft(buyer, catalog["handbag"], tier="priority")
    result = submission_checkout(
        submission=submission, points=0, success_url="http://t/", cancel_url="http://t/"
    )
    assert result.invoice is not None and result.invoice.total_cents == 1500
    invoice_mark_paid(invoice=result.invoice, staff=cashier())
    deliver_events()  # InvoicePaid: the case is submitted
    submission.refresh_from_db()
    assert submission.round == 1
    return to_expert_queue(submission)


def test_an_inconclusive_report_restores_the_quota_and_refunds_the_fee(
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = _priority_case_paid(buyer, catalog)
    who = expert()

    sign(review_take_next(expert=who), who, "inconclusive", "The date code is unreadable.")

    report = Report.objects.get(submission=submission)
    invoice = Invoice.objects.get(reference=fee_reference(submission))
    assert invoice.status == "refunded" and invoice.refund_reason == "inconclusive"
    use = QuotaUse.objects.get(reference=fee_reference(submission))
    assert use.restore_reason == "inconclusive"
    # Delivered again (the outbox retries): nothing more is given back.
    return_fee_of_inconclusive(
        ReportIssued(submission_id=submission.pk, report_id=report.pk, supersedes_id=None)
    )
    assert submission.events.filter(kind=Kind.REFUNDED).count() == 1
    assert submission.events.filter(kind=Kind.QUOTA_RESTORED).count() == 1


def test_an_authentic_report_keeps_the_fee(buyer, catalog) -> None:  # noqa: ANN001
    submission = _priority_case_paid(buyer, catalog)
    who = expert()

    sign(review_take_next(expert=who), who, "authentic")

    assert Invoice.objects.get(reference=fee_reference(submission)).status == "paid"
    assert QuotaUse.objects.get(reference=fee_reference(submission)).restored_at is None


def test_a_covered_case_gets_its_free_appraisal_back(buyer, catalog) -> None:  # noqa: ANN001
    submission = to_expert_queue(submission_submit(submission=ready_draft(buyer, catalog["watch"])))
    who = expert()

    sign(review_take_next(expert=who), who, "inconclusive", "Too worn to tell.")

    use = QuotaUse.objects.get(reference=fee_reference(submission))
    assert use.restored_at is not None
    assert not Invoice.objects.exists()
