"""Refunds and voids: only a paid invoice is refunded, only a due one voided; a refund writes
one refund entry and ends the pass it bought; payouts are recorded once; and the database
itself refuses refunds beyond payments."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Invoice, LedgerEntry
from billing.services.invoices import (
    BillingRefused,
    invoice_mark_paid,
    invoice_refund,
    invoice_settle,
    invoice_void,
    payout_record,
)
from billing.services.passes import pass_checkout
from billing.tests.factories import appraisal_invoice, constraints_now, pass_plan, staff_make
from events.models import Event
from members.models import User
from membership.models import Plan
from membership.selectors.plans import membership_current

pytestmark = pytest.mark.django_db


def test_a_due_invoice_cannot_be_refunded(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    with pytest.raises(BillingRefused) as refused:
        invoice_refund(invoice=invoice, reason="Changed mind")
    assert refused.value.code == "not_paid"
    assert invoice.number in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE
    assert not LedgerEntry.objects.exists()


def test_a_paid_invoice_cannot_be_voided(buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer))
    with pytest.raises(BillingRefused) as refused:
        invoice_void(invoice=invoice, reason="Oops")
    assert refused.value.code == "not_due"


def test_a_reason_is_required(buyer: User) -> None:
    with pytest.raises(BillingRefused) as refused:
        invoice_void(invoice=appraisal_invoice(buyer), reason="   ")
    assert refused.value.code == "invalid_reason"


def test_a_refund_is_written_once_and_announced(buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer, cents=2900))

    refunded = invoice_refund(invoice=invoice, reason="Verdict overturned")
    again = invoice_refund(invoice=invoice, reason="Verdict overturned")

    assert refunded.status == again.status == Invoice.Status.REFUNDED
    assert refunded.refunded_at is not None and refunded.refund_reason == "Verdict overturned"
    refund = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REFUND)
    assert (refund.cents, refund.reference) == (2900, f"refund:{invoice.number}")
    assert Event.objects.filter(name="invoice.refunded").count() == 1
    constraints_now()


def test_refunding_a_pass_ends_it(buyer: User) -> None:
    invoice = invoice_mark_paid(
        invoice=pass_checkout(member=buyer, plan=pass_plan()), staff=staff_make()
    )
    assert membership_current(buyer).plan_of(Plan.Kind.PASS) is not None

    invoice_refund(invoice=invoice, reason="Bought by mistake")

    assert membership_current(buyer).plan_of(Plan.Kind.PASS) is None


def test_the_database_refuses_refunds_beyond_payments(buyer: User) -> None:
    invoice = invoice_settle(invoice=appraisal_invoice(buyer, cents=2900))
    LedgerEntry.objects.create(
        member=buyer, invoice=invoice, kind="refund", cents=2000, reference="refund:part"
    )
    constraints_now()  # 2000 of 2900: allowed

    with pytest.raises(IntegrityError, match="refunded of"), transaction.atomic():
        LedgerEntry.objects.create(
            member=buyer, invoice=invoice, kind="chargeback", cents=1000, reference="cb:1"
        )
        constraints_now()


def test_the_database_refuses_a_refund_without_a_payment(buyer: User) -> None:
    invoice = appraisal_invoice(buyer, cents=2900)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=buyer, invoice=invoice, kind="refund", cents=1, reference="refund:none"
        )
        constraints_now()


def test_the_database_refuses_a_status_without_its_date(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(status="paid")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(status="void", paid_at=timezone.now())


def test_a_payout_is_recorded_once_per_reference(buyer: User, stranger: User) -> None:
    first = payout_record(member=buyer, cents=5000, reference="dispute:7", reason="Guarantee")
    again = payout_record(member=buyer, cents=5000, reference="dispute:7", reason="Guarantee")

    assert again.pk == first.pk and first.invoice is None and first.kind == "payout"
    with pytest.raises(BillingRefused) as refused:
        payout_record(member=stranger, cents=5000, reference="dispute:7", reason="Guarantee")
    assert refused.value.code == "reference_reused"
    with pytest.raises(BillingRefused) as refused:
        payout_record(member=buyer, cents=0, reference="dispute:8", reason="Guarantee")
    assert refused.value.code == "invalid_amount"
    assert LedgerEntry.objects.count() == 1
