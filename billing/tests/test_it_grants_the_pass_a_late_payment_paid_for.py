"""A payment that arrives for a void pass invoice grants the pass that invoice was issued
for, not the one the subscription moved to since; when the void invoice doesn't say which
pass it bought, the payment is rejected for a refund and nothing is granted."""

from __future__ import annotations

from typing import Any

import pytest

from billing.models import Invoice, PaymentEvent
from billing.services.passes import pass_checkout
from billing.tests.factories import pass_plan
from billing.tests.fake_stripe import checkout_session, deliver, event, stripe_settings
from members.models import User
from membership.models import Membership

pytestmark = pytest.mark.django_db

__all__ = ["stripe_settings"]


def _pay(client: Any, invoice: Invoice) -> str:
    paid = checkout_session(invoice_number=invoice.number, amount_total=invoice.total_cents)
    response = deliver(client, event("checkout.session.completed", paid))
    assert response.status_code == 200, response.content
    return str(response.json()["outcome"])


def test_a_late_payment_of_the_old_pass_grants_the_old_pass(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    monthly, annual = pass_plan("pass-monthly"), pass_plan("pass-annual")
    old = pass_checkout(member=buyer, plan=monthly)
    new = pass_checkout(member=buyer, plan=annual)
    old.refresh_from_db()
    assert old.status == "void" and old.plan == monthly and new.plan == annual

    assert _pay(client, old) == "applied"

    settled = Invoice.objects.get(status="paid")
    assert settled.total_cents == monthly.price_cents and settled.plan == monthly
    assert settled.membership is not None and settled.membership.plan == monthly
    assert settled.subscription is not None and settled.subscription.plan == monthly


def test_a_late_payment_for_an_unknown_pass_is_rejected_for_a_refund(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    old = pass_checkout(member=buyer, plan=pass_plan("pass-monthly"))
    pass_checkout(member=buyer, plan=pass_plan("pass-annual"))
    # A pass invoice voided before invoices recorded their pass.
    Invoice.objects.filter(pk=old.pk).update(plan=None)
    old.refresh_from_db()

    assert _pay(client, old) == "rejected"

    detail = PaymentEvent.objects.get(type="checkout.session.completed").detail
    assert "refund it in Stripe" in detail
    assert not Invoice.objects.filter(status="paid").exists()
    assert not Membership.objects.filter(member=buyer).exists()
