"""Points as a discount: spent under the invoice's number at the configured value, never above
the cap or the balance, and given back when the invoice is voided or refunded, never as money."""

from __future__ import annotations

import pytest
from django.test import override_settings

from billing.models import Invoice, LedgerEntry
from billing.services.invoices import BillingRefused, invoice_refund, invoice_settle, invoice_void
from billing.tests.factories import appraisal_invoice, points_give
from members.models import User
from membership.models import PointsEntry, PointsKind
from membership.selectors.points import points_balance
from membership.tests.points_ledger import assert_ledger_exact

pytestmark = pytest.mark.django_db


def test_points_take_their_value_off_the_total(buyer: User) -> None:
    points_give(buyer, 1000)

    invoice = appraisal_invoice(buyer, cents=2900, points=1000)

    assert (invoice.subtotal_cents, invoice.discount_cents, invoice.total_cents) == (
        2900,
        1000,
        1900,
    )
    assert invoice.points_used == 1000
    assert points_balance(buyer) == 0
    spent = PointsEntry.objects.get(kind=PointsKind.SPENT)
    assert spent.reference == invoice.number and spent.points == -1000
    assert_ledger_exact(buyer)


@override_settings(POINTS_CENT_VALUE=2, POINTS_MAX_DISCOUNT_PERCENT=50)
def test_the_discount_stops_at_the_cap(buyer: User) -> None:
    points_give(buyer, 5000)

    at_cap = appraisal_invoice(buyer, reference="submission:cap", cents=2900, points=725)
    assert at_cap.discount_cents == 1450 and at_cap.total_cents == 1450

    with pytest.raises(BillingRefused) as refused:
        appraisal_invoice(buyer, reference="submission:over", cents=2900, points=726)
    assert refused.value.code == "points_over_cap"
    assert "50%" in refused.value.message and "725" in refused.value.message
    assert not Invoice.objects.filter(reference="submission:over").exists()
    assert points_balance(buyer) == 5000 - 725


def test_more_points_than_the_member_has_are_refused_and_nothing_is_kept(buyer: User) -> None:
    points_give(buyer, 300)

    with pytest.raises(BillingRefused) as refused:
        appraisal_invoice(buyer, cents=2900, points=400)

    assert refused.value.code == "insufficient_points"
    assert "300" in refused.value.message
    assert not Invoice.objects.exists()
    assert points_balance(buyer) == 300


def test_voiding_gives_the_points_back(buyer: User) -> None:
    points_give(buyer, 500)
    invoice = appraisal_invoice(buyer, cents=2900, points=500)

    invoice_void(invoice=invoice, reason="Case withdrawn")

    assert points_balance(buyer) == 500
    assert PointsEntry.objects.filter(kind=PointsKind.RESTORED, reference=invoice.number).exists()
    assert_ledger_exact(buyer)


def test_a_refund_gives_back_the_money_paid_and_the_points_as_points(buyer: User) -> None:
    points_give(buyer, 900)
    invoice = invoice_settle(invoice=appraisal_invoice(buyer, cents=2900, points=900))

    invoice_refund(invoice=invoice, reason="Verdict overturned")

    refund = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REFUND)
    assert refund.cents == 2000  # what was paid, never the points' value
    assert points_balance(buyer) == 900
    assert_ledger_exact(buyer)


def test_a_re_issue_for_a_new_amount_moves_the_points_to_the_new_invoice(buyer: User) -> None:
    points_give(buyer, 500)
    first = appraisal_invoice(buyer, cents=2900, points=500)
    second = appraisal_invoice(buyer, cents=4400, points=500)

    assert points_balance(buyer) == 0
    assert PointsEntry.objects.filter(kind=PointsKind.RESTORED, reference=first.number).exists()
    assert PointsEntry.objects.filter(kind=PointsKind.SPENT, reference=second.number).exists()
    assert_ledger_exact(buyer)
