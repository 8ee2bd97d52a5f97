"""A fee that is refunded (by staff here, or in Stripe's dashboard) or charged back stops
counting towards a tier: its spend is marked reversed, once."""

from __future__ import annotations

from typing import Any

import pytest

from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid, invoice_refund
from billing.tests.factories import appraisal_invoice, staff_make
from billing.tests.fake_stripe import (
    charge,
    checkout_session,
    deliver,
    dispute,
    event,
    invoice_for_card,
    stripe_settings,
)
from members.models import User
from membership.models import Spend

pytestmark = pytest.mark.django_db

__all__ = ["stripe_settings"]


def _send(client: Any, event_type: str, obj: dict[str, Any]) -> str:
    response = deliver(client, event(event_type, obj))
    assert response.status_code == 200, response.content
    return str(response.json()["outcome"])


def _paid_by_card(client: Any, member: User) -> Invoice:
    invoice = invoice_for_card(member, cents=4400)
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"
    assert Spend.objects.counting().filter(reference=invoice.number).exists()
    return invoice


def test_a_refund_by_staff_reverses_the_spend(buyer: User) -> None:
    paid = invoice_mark_paid(invoice=appraisal_invoice(buyer), staff=staff_make())
    assert Spend.objects.counting().filter(reference=paid.number).exists()

    invoice_refund(invoice=paid, reason="Charged by mistake.")

    spend = Spend.objects.get(reference=paid.number)
    assert spend.reversed_at is not None
    assert not Spend.objects.counting().filter(member=buyer).exists()


def test_a_refund_in_stripes_dashboard_reverses_the_spend(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    invoice = _paid_by_card(client, buyer)

    refunded = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400)
    assert _send(client, "charge.refunded", refunded) == "applied"

    assert Spend.objects.get(reference=invoice.number).reversed_at is not None


def test_a_chargeback_reverses_the_spend(client: Any, buyer: User, stripe_settings: Any) -> None:
    invoice = _paid_by_card(client, buyer)

    disputed = dispute(payment_intent="pi_test_webhook", amount=4400)
    assert _send(client, "charge.dispute.created", disputed) == "applied"

    assert Spend.objects.get(reference=invoice.number).reversed_at is not None
    assert not Spend.objects.counting().filter(member=buyer).exists()
