"""Issuing an invoice: numbered from a sequence, idempotent by reference, re-issued for a new
amount, and refused with a clear message for what can't be billed."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from billing.models import Invoice, InvoiceLine
from billing.services.invoices import BillingRefused, LineInput, invoice_issue, invoice_settle
from billing.tests.factories import appraisal_invoice
from events.models import Event
from members.models import User

pytestmark = pytest.mark.django_db


def test_an_invoice_is_numbered_and_holds_its_lines(buyer: User) -> None:
    invoice = invoice_issue(
        member=buyer,
        purpose=Invoice.Purpose.APPRAISAL,
        reference="submission:aa11",
        lines=[
            LineInput(description="Appraisal, Express", cents=5900),
            LineInput(description="Covered by your pass", cents=-2900),
        ],
    )

    assert re.fullmatch(r"INV-\d{4}-\d{6}", invoice.number)
    assert str(invoice.issued_at.year) in invoice.number
    assert invoice.status == Invoice.Status.DUE and not invoice.is_paid
    assert (invoice.subtotal_cents, invoice.total_cents) == (3000, 3000)
    assert list(invoice.lines.values_list("position", "cents")) == [(1, 5900), (2, -2900)]
    assert invoice.due_at > invoice.issued_at
    second = appraisal_invoice(buyer, reference="submission:bb22")
    assert int(second.number[-6:]) == int(invoice.number[-6:]) + 1


def test_the_same_reference_and_amount_returns_the_same_invoice(buyer: User) -> None:
    first = appraisal_invoice(buyer)
    again = appraisal_invoice(buyer)

    assert again.pk == first.pk
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.count() == 1


def test_a_new_amount_voids_the_due_invoice_and_issues_anew(buyer: User) -> None:
    first = appraisal_invoice(buyer, cents=2900)
    second = appraisal_invoice(buyer, cents=4400)

    first.refresh_from_db()
    assert first.status == Invoice.Status.VOID and first.void_reason
    assert second.pk != first.pk and second.total_cents == 4400
    assert second.status == Invoice.Status.DUE
    assert Event.objects.filter(name="invoice.voided", aggregate_id=str(first.pk)).exists()


def test_a_new_amount_for_a_paid_invoice_is_refused(buyer: User) -> None:
    paid = appraisal_invoice(buyer, cents=2900)
    invoice_settle(invoice=paid)
    with pytest.raises(BillingRefused) as refused:
        appraisal_invoice(buyer, cents=4400)
    assert refused.value.code == "already_paid"
    assert paid.number in refused.value.message


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([LineInput(description="Credit", cents=-100)], "negative_total"),
        ([], "no_lines"),
        ([LineInput(description="  ", cents=100)], "invalid_line"),
        ([LineInput(description="Fee", cents=10**12)], "invalid_amount"),
    ],
)
def test_what_cant_be_billed_is_refused_and_nothing_is_written(
    buyer: User, lines: list[LineInput], code: str
) -> None:
    with pytest.raises(BillingRefused) as refused:
        invoice_issue(
            member=buyer, purpose=Invoice.Purpose.APPRAISAL, reference="submission:x", lines=lines
        )
    assert refused.value.code == code
    assert refused.value.message
    assert not Invoice.objects.exists()


def test_a_foreign_currency_is_refused(buyer: User) -> None:
    with pytest.raises(BillingRefused) as refused:
        invoice_issue(
            member=buyer,
            purpose=Invoice.Purpose.APPRAISAL,
            reference="submission:usd",
            lines=[LineInput(description="Appraisal", cents=2900)],
            currency="USD",
        )
    assert refused.value.code == "invalid_currency"
    assert "USD" in refused.value.message and "EUR" in refused.value.message
    assert not Invoice.objects.exists()


def test_another_members_reference_is_refused(buyer: User, stranger: User) -> None:
    appraisal_invoice(buyer)
    with pytest.raises(BillingRefused) as refused:
        appraisal_invoice(stranger)
    assert refused.value.code == "reference_reused"


def test_a_zero_invoice_is_paid_at_issue_without_money_moving(buyer: User) -> None:
    invoice = invoice_issue(
        member=buyer,
        purpose=Invoice.Purpose.APPRAISAL,
        reference="submission:covered",
        lines=[
            LineInput(description="Appraisal, Standard", cents=2900),
            LineInput(description="Covered by your pass", cents=-2900),
        ],
    )

    assert invoice.status == Invoice.Status.PAID and invoice.paid_at is not None
    assert not invoice.ledger_entries.exists()
    assert Event.objects.filter(name="invoice.paid", aggregate_id=str(invoice.pk)).exists()


def test_the_database_refuses_a_total_that_is_not_subtotal_less_discount(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total_cents=1)


def test_the_database_refuses_a_second_live_invoice_for_a_reference(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            number="INV-2000-999999",
            member=buyer,
            purpose=invoice.purpose,
            reference=invoice.reference,
            subtotal_cents=100,
            total_cents=100,
            due_at=invoice.due_at,
        )
