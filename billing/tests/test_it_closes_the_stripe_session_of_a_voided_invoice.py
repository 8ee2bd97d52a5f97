"""Voiding an invoice closes its Stripe Checkout session first, so the old session can't be
paid later (a stale discount, an old pass, a case covered since). A session already paid
refuses the void (its webhook settles the invoice); Stripe being unreachable refuses it with
nothing changed; the expiry webhook voids without asking Stripe (the session is closed)."""

from __future__ import annotations

from typing import Any

import pytest

from billing.models import Invoice
from billing.services.invoices import BillingRefused, checkout_start, invoice_void
from billing.tests.factories import appraisal_invoice, points_give
from billing.tests.fake_stripe import (
    FakeStripe,
    checkout_session,
    deliver,
    event,
    fake_stripe,
    invoice_for_card,
    stripe_settings,
)
from members.models import User
from membership.selectors.points import points_balance

pytestmark = pytest.mark.django_db

# The fixtures fake_stripe.py defines, named here so that pytest finds them.
__all__ = ["fake_stripe", "stripe_settings"]

URL = "https://platform.test/billing/"


def _opened(member: User, *, points: int = 0) -> Invoice:
    invoice = invoice_for_card(member, cents=4400, points=points)
    checkout_start(invoice=invoice, success_url=URL, cancel_url=URL)
    invoice.refresh_from_db()
    assert invoice.provider_session
    return invoice


def _expires(fake: FakeStripe, invoice: Invoice) -> list[Any]:
    return fake.posts_to(f"/v1/checkout/sessions/{invoice.provider_session}/expire")


def test_voiding_expires_the_open_session(buyer: User, fake_stripe: FakeStripe) -> None:
    invoice = _opened(buyer)

    invoice_void(invoice=invoice, reason="The member chose another tier.")

    invoice.refresh_from_db()
    assert invoice.status == "void"
    assert len(_expires(fake_stripe, invoice)) == 1
    assert fake_stripe.sessions[invoice.provider_session]["status"] == "expired"


def test_a_session_that_already_expired_at_stripe_is_voided(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = _opened(buyer)
    fake_stripe.sessions[invoice.provider_session]["status"] = "expired"

    assert invoice_void(invoice=invoice, reason="Replaced.").status == "void"


def test_a_session_already_paid_refuses_the_void_and_changes_nothing(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    points_give(buyer, 400)
    invoice = _opened(buyer, points=400)
    fake_stripe.session_complete(invoice.provider_session)

    with pytest.raises(BillingRefused) as refused:
        invoice_void(invoice=invoice, reason="Replaced.")

    assert refused.value.code == "already_paid"
    assert invoice.number in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == "due" and points_balance(buyer) == 0


def test_a_reissue_for_a_new_amount_is_refused_when_the_old_session_was_paid(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = _opened(buyer)
    fake_stripe.session_complete(invoice.provider_session)

    with pytest.raises(BillingRefused) as refused:
        invoice_for_card(buyer, cents=2900, reference=invoice.reference)

    assert refused.value.code == "already_paid"
    assert list(Invoice.objects.values_list("status", flat=True)) == ["due"]


def test_stripe_unreachable_refuses_the_void_and_changes_nothing(
    buyer: User, fake_stripe: FakeStripe, stripe_settings: Any
) -> None:
    invoice = _opened(buyer)
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(BillingRefused) as refused:
        invoice_void(invoice=invoice, reason="Replaced.")

    assert refused.value.code == "provider_unavailable"
    assert invoice.number in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == "due"


def test_the_expiry_webhook_voids_without_asking_stripe(
    client: Any, buyer: User, fake_stripe: FakeStripe, stripe_settings: Any
) -> None:
    invoice = _opened(buyer)
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe is not asked
    expired = checkout_session(
        invoice_number=invoice.number,
        amount_total=4400,
        session_id=invoice.provider_session,
        payment_intent=None,
        payment_status="unpaid",
        status="expired",
    )

    response = deliver(client, event("checkout.session.expired", expired))

    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    invoice.refresh_from_db()
    assert invoice.status == "void"
    assert _expires(fake_stripe, invoice) == []


def test_an_invoice_without_a_session_is_voided_without_a_provider_call(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = appraisal_invoice(buyer)

    assert invoice_void(invoice=invoice, reason="Covered by the pass.").status == "void"
    assert fake_stripe.requests == []
