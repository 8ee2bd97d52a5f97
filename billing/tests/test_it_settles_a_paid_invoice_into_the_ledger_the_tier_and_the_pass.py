"""Marking an invoice paid (invoice mode): one payment on the ledger, the tier's spend, the pass
it buys, and ``invoice.paid``; settling twice changes nothing; staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.models import Invoice, LedgerEntry, PassSubscription
from billing.services.invoices import (
    BillingRefused,
    interval_after,
    invoice_mark_paid,
    invoice_void,
)
from billing.services.passes import pass_checkout
from billing.tests.factories import appraisal_invoice, pass_plan, staff_make
from events.models import Event
from members.models import User
from membership.models import Plan, Spend
from membership.selectors.plans import membership_current

pytestmark = pytest.mark.django_db


def test_marking_paid_writes_the_payment_the_spend_and_the_event(buyer: User) -> None:
    staff = staff_make()
    invoice = appraisal_invoice(buyer, cents=2900)

    paid = invoice_mark_paid(invoice=invoice, staff=staff)

    assert paid.is_paid and paid.paid_by == staff and paid.paid_at is not None
    payment = LedgerEntry.objects.get()
    assert (payment.kind, payment.cents, payment.invoice) == ("payment", 2900, paid)
    assert payment.reference == f"payment:{paid.number}"
    spend = Spend.objects.get()
    assert (spend.member, spend.cents, spend.reference) == (buyer, 2900, paid.number)
    event = Event.objects.get(name="invoice.paid")
    assert event.payload["reference"] == "submission:abc"
    assert event.payload["purpose"] == "appraisal"

    again = invoice_mark_paid(invoice=invoice, staff=staff)
    assert again.paid_at == paid.paid_at
    assert LedgerEntry.objects.count() == 1 and Spend.objects.count() == 1
    assert Event.objects.filter(name="invoice.paid").count() == 1


def test_a_member_who_is_not_staff_cannot_mark_an_invoice_paid(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    with pytest.raises(BillingRefused) as refused:
        invoice_mark_paid(invoice=invoice, staff=buyer)
    assert refused.value.code == "forbidden"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE


def test_a_card_invoice_is_not_marked_paid_by_hand(buyer: User) -> None:
    invoice = appraisal_invoice(buyer)
    Invoice.objects.filter(pk=invoice.pk).update(provider=Invoice.Provider.STRIPE)
    invoice.refresh_from_db()
    with pytest.raises(BillingRefused) as refused:
        invoice_mark_paid(invoice=invoice, staff=staff_make())
    assert refused.value.code == "paid_by_provider"


def test_a_void_invoice_cannot_be_marked_paid(buyer: User) -> None:
    invoice = invoice_void(invoice=appraisal_invoice(buyer), reason="Withdrawn")
    with pytest.raises(BillingRefused) as refused:
        invoice_mark_paid(invoice=invoice, staff=staff_make())
    assert refused.value.code == "not_due"
    assert not LedgerEntry.objects.exists()


def test_paying_for_a_pass_grants_it_for_one_interval_and_links_it(buyer: User) -> None:
    plan = pass_plan("pass-monthly")
    invoice = pass_checkout(member=buyer, plan=plan)

    paid = invoice_mark_paid(invoice=invoice, staff=staff_make())

    subscription = PassSubscription.objects.get(member=buyer)
    membership = subscription.membership
    assert membership is not None and paid.membership == membership
    assert membership.plan == plan and membership.source == "purchase"
    assert paid.paid_at is not None
    assert membership.starts_at == paid.paid_at
    assert membership.ends_at == interval_after(paid.paid_at, Plan.Interval.MONTH)
    assert membership_current(buyer).plan_of(Plan.Kind.PASS) == plan


def test_the_next_period_starts_where_the_pass_held_ends(buyer: User) -> None:
    staff = staff_make()
    plan = pass_plan("pass-monthly")
    first = invoice_mark_paid(invoice=pass_checkout(member=buyer, plan=plan), staff=staff)
    second = invoice_mark_paid(invoice=pass_checkout(member=buyer, plan=plan), staff=staff)

    assert first.membership is not None and second.membership is not None
    assert second.membership.starts_at == first.membership.ends_at
    assert second.reference != first.reference
    assert PassSubscription.objects.get().membership == second.membership
    # The first period still applies; the second follows it without a gap.
    assert first.membership.ends_at is not None
    later = first.membership.ends_at + timedelta(days=1)
    assert membership_current(buyer, now=later).plan_of(Plan.Kind.PASS) == plan
