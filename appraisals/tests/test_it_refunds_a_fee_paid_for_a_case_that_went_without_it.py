"""A fee paid for a case that had already gone through without it is refunded, once: the case
was covered in full by a pass or a free appraisal meanwhile (its unpaid invoice voided), and
the member then paid the old invoice in a Stripe tab left open; or its fee was given back for
an inconclusive verdict before the late payment landed. A case that went through on its
payment keeps it, however often the payment's event is delivered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraisals.models import Status, Submission, SubmissionEvent
from appraisals.services.fees import COVERED_REASON
from appraisals.services.payments import (
    fee_reference,
    submission_after_payment,
    submission_checkout,
)
from appraisals.services.reviews import review_take_next
from appraisals.services.submissions import submission_submit
from appraisals.tests.factories import cashier
from appraisals.tests.paying import pass_give, ready_draft
from appraisals.tests.reviewing import deliver_events, expert, sign, to_expert_queue
from billing.models import Invoice, LedgerEntry
from billing.services.invoices import LineInput, invoice_issue, invoice_mark_paid
from billing.tests.fake_stripe import (
    FakeStripe,
    checkout_session,
    deliver,
    event,
    fake_stripe,
    stripe_settings,
)
from members.models import User
from membership.models import QuotaUse

__all__ = ["fake_stripe", "stripe_settings"]

pytestmark = pytest.mark.django_db

Kind = SubmissionEvent.Kind


def _checkout(submission: Submission) -> Any:
    return submission_checkout(
        submission=submission, points=0, success_url="http://t/", cancel_url="http://t/"
    )


def test_a_late_card_payment_for_a_case_a_pass_covered_since_is_refunded(
    client: Client,
    buyer: User,
    catalog: dict[str, Any],
    fake_stripe: FakeStripe,
    active_model: Any,
) -> None:
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))  # the free appraisal
    case = ready_draft(buyer, catalog["handbag"])
    old = _checkout(case).invoice
    assert old is not None and old.status == "due" and old.total_cents == 2900
    pass_give(buyer)  # a pass, while the Stripe tab is still open
    assert _checkout(case).submitted  # covered now: the old invoice is voided
    deliver_events()
    old.refresh_from_db()
    assert old.status == "void"

    paid = checkout_session(invoice_number=old.number, amount_total=2900)
    assert deliver(client, event("checkout.session.completed", paid)).status_code == 200
    deliver_events()  # InvoicePaid: the case went without this payment

    reference = fee_reference(case)
    assert not Invoice.objects.filter(reference=reference, status="paid").exists()
    refunded = Invoice.objects.get(reference=reference, status="refunded")
    assert refunded.refund_reason == COVERED_REASON
    assert LedgerEntry.objects.filter(invoice=refunded, kind="refund", cents=2900).exists()
    assert len(fake_stripe.posts_to("/v1/refunds")) == 1
    assert QuotaUse.objects.get(reference=reference, restored_at__isnull=True).source == "pass"
    # Delivered again: nothing more.
    submission_after_payment(reference=reference)
    assert case.events.filter(kind=Kind.REFUNDED).count() == 1
    assert len(fake_stripe.posts_to("/v1/refunds")) == 1


def _paid_after_the_fact(case: Submission) -> Invoice:
    """A payment for the case's reference that lands after the case went on (what a late
    card payment of its void invoice settles), in invoice mode."""
    invoice = invoice_issue(
        member=case.owner,
        purpose=Invoice.Purpose.APPRAISAL,
        reference=fee_reference(case),
        lines=[LineInput(description="Appraisal", cents=2900)],
    )
    return invoice_mark_paid(invoice=invoice, staff=cashier())


def test_a_late_payment_for_a_case_a_free_appraisal_covered_is_refunded(
    buyer: User, catalog: dict[str, Any]
) -> None:
    case = submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    invoice = _paid_after_the_fact(case)

    deliver_events()

    invoice.refresh_from_db()
    assert (invoice.status, invoice.refund_reason) == ("refunded", COVERED_REASON)
    assert QuotaUse.objects.get(reference=fee_reference(case)).restored_at is None
    event_line = case.events.get(kind=Kind.REFUNDED)
    assert event_line.message == f"{invoice.number}: €29.00"


def test_a_late_payment_for_an_inconclusive_case_is_refunded(
    buyer: User, catalog: dict[str, Any]
) -> None:
    case = to_expert_queue(submission_submit(submission=ready_draft(buyer, catalog["handbag"])))
    who = expert()
    seat = review_take_next(expert=who)
    assert seat is not None and seat.submission_id == case.pk
    sign(seat, who, "inconclusive", "The date code is unreadable.")
    assert QuotaUse.objects.get(reference=fee_reference(case)).restored_at is not None

    invoice = _paid_after_the_fact(case)
    deliver_events()

    invoice.refresh_from_db()
    assert (invoice.status, invoice.refund_reason) == ("refunded", "inconclusive")


def test_a_case_that_went_on_its_payment_keeps_it(buyer: User, catalog: dict[str, Any]) -> None:
    priority = ready_draft(buyer, catalog["handbag"], tier="priority")
    invoice = _checkout(priority).invoice  # a free appraisal covers the Standard part
    assert invoice is not None and invoice.total_cents == 1500
    invoice_mark_paid(invoice=invoice, staff=cashier())
    deliver_events()
    priority.refresh_from_db()
    assert priority.status != Status.DRAFT

    submission_after_payment(reference=fee_reference(priority))  # delivered again

    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert not priority.events.filter(kind=Kind.REFUNDED).exists()
