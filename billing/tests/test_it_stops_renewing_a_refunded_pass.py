"""A refunded pass stops: its membership ends, its subscription stops renewing and ends (a
renewal invoice not yet paid is voided), so the renewal task issues nothing for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Invoice, PassSubscription
from billing.services.invoices import invoice_mark_paid, invoice_refund
from billing.services.passes import pass_checkout, passes_renew_due
from billing.tests.factories import pass_plan, staff_make
from members.models import User

pytestmark = pytest.mark.django_db


def _bought(member: User) -> Invoice:
    return invoice_mark_paid(
        invoice=pass_checkout(member=member, plan=pass_plan()), staff=staff_make()
    )


def test_a_refunded_pass_is_not_renewed(buyer: User) -> None:
    paid = _bought(buyer)

    invoice_refund(invoice=paid, reason="Bought by mistake.")

    subscription = PassSubscription.objects.get(pk=paid.subscription_id)
    assert subscription.renews is False and subscription.ended_at is not None
    later = timezone.now() + timedelta(days=40)
    assert passes_renew_due(now=later) == (0, 0)
    assert not Invoice.objects.filter(status="due").exists()


def test_refunding_a_pass_voids_its_unpaid_renewal(buyer: User) -> None:
    paid = _bought(buyer)
    assert paid.membership is not None and paid.membership.ends_at is not None
    assert passes_renew_due(now=paid.membership.ends_at - timedelta(days=1)) == (1, 0)
    renewal = Invoice.objects.get(status="due")

    invoice_refund(invoice=paid, reason="Bought by mistake.")

    renewal.refresh_from_db()
    assert renewal.status == "void"
    assert passes_renew_due(now=paid.membership.ends_at - timedelta(days=1)) == (0, 0)


def test_the_member_can_buy_a_pass_again_after_a_refund(buyer: User) -> None:
    paid = _bought(buyer)
    invoice_refund(invoice=paid, reason="Bought by mistake.")

    again = pass_checkout(member=buyer, plan=pass_plan("pass-annual"))

    assert again.status == "due" and again.subscription_id != paid.subscription_id
