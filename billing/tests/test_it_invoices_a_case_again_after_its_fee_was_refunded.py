"""A case's fee invoice that staff refunded doesn't hold its reference: the case can be
invoiced, and paid, again. A refunded pass or dispute fee still does (it is returned as it
is, as before)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from billing.models import Invoice
from billing.selectors.invoices import invoice_for_reference
from billing.services.invoices import (
    LineInput,
    checkout_start,
    invoice_issue,
    invoice_mark_paid,
    invoice_refund,
)
from billing.tests.factories import appraisal_invoice, staff_make
from members.models import User

pytestmark = pytest.mark.django_db


def test_a_refunded_case_fee_is_invoiced_anew(buyer: User) -> None:
    first = invoice_mark_paid(invoice=appraisal_invoice(buyer), staff=staff_make())
    invoice_refund(invoice=first, reason="Charged twice by mistake.")

    again = appraisal_invoice(buyer)

    assert again.pk != first.pk and again.status == "due"
    assert invoice_for_reference(first.reference) == again
    assert checkout_start(invoice=again, success_url="/", cancel_url="/") is None  # invoice mode
    assert invoice_mark_paid(invoice=again, staff=staff_make("b@example.com")).status == "paid"
    statuses = Invoice.objects.filter(reference=first.reference).values_list("status", flat=True)
    assert sorted(statuses) == ["paid", "refunded"]
    # The same again returns the live one.
    assert appraisal_invoice(buyer).pk == again.pk


def test_a_refunded_dispute_fee_is_not_invoiced_again(buyer: User) -> None:
    def issue() -> Invoice:
        return invoice_issue(
            member=buyer,
            purpose=Invoice.Purpose.DISPUTE_FEE,
            reference="dispute:1",
            lines=[LineInput(description="Dispute fee", cents=1500)],
        )

    first = invoice_mark_paid(invoice=issue(), staff=staff_make())
    invoice_refund(invoice=first, reason="Waived.")

    assert issue().pk == first.pk


def test_the_database_holds_one_due_or_paid_invoice_per_reference(buyer: User) -> None:
    first = appraisal_invoice(buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            number="INV-2026-999999",
            member=buyer,
            purpose=first.purpose,
            reference=first.reference,
            subtotal_cents=100,
            total_cents=100,
            due_at=first.due_at,
        )
