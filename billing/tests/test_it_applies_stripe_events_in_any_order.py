"""Stripe delivers events in any order; an invoice only moves forward. A payment after its
session's expiry still settles the invoice (the money is real), an expiry after a payment
changes nothing, and a refund that overtakes its payment waits for it. Refunds made in
Stripe's dashboard, failed bank payments and chargebacks reach the ledger, the points and
the member's credit."""

from __future__ import annotations

from typing import Any

import pytest

from billing.models import Invoice, LedgerEntry, PaymentEvent
from billing.services.invoices import invoice_refund
from billing.services.passes import pass_checkout
from billing.tests.fake_stripe import (
    charge,
    checkout_session,
    deliver,
    dispute,
    event,
    fake_stripe,
    invoice_for_card,
    stripe_settings,
)
from members.models import User
from membership.models import CreditSignal, EarnReason, Plan
from membership.selectors.points import points_balance
from membership.services.plans import membership_grant
from membership.services.points import points_earn

pytestmark = pytest.mark.django_db

# The fixtures fake_stripe.py defines, named here so that pytest finds them.
__all__ = ["fake_stripe", "stripe_settings"]


def _send(client: Any, event_type: str, obj: dict[str, Any]) -> str:
    response = deliver(client, event(event_type, obj))
    assert response.status_code == 200, response.content
    return str(response.json()["outcome"])


def _ledger(invoice: Invoice) -> list[tuple[str, int]]:
    return sorted((e.kind, e.cents) for e in LedgerEntry.objects.filter(invoice=invoice))


def _status(invoice: Invoice) -> str:
    invoice.refresh_from_db()
    return str(invoice.status)


@pytest.fixture
def invoice(buyer: User, stripe_settings: Any) -> Invoice:
    return invoice_for_card(buyer, cents=4400)


def test_an_expiry_after_the_payment_changes_nothing(client: Any, invoice: Invoice) -> None:
    session = checkout_session(invoice_number=invoice.number, amount_total=4400)

    assert _send(client, "checkout.session.completed", session) == "applied"
    assert _send(client, "checkout.session.expired", session) == "ignored_stale"

    assert _status(invoice) == "paid"
    assert _ledger(invoice) == [("payment", 4400)]


def test_an_expiry_voids_a_due_invoice(client: Any, invoice: Invoice) -> None:
    session = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_intent=None, status="expired"
    )

    assert _send(client, "checkout.session.expired", session) == "applied"

    assert _status(invoice) == "void"
    assert _ledger(invoice) == []


def test_the_expiry_of_a_session_the_invoice_no_longer_uses_changes_nothing(
    client: Any, invoice: Invoice
) -> None:
    Invoice.objects.filter(pk=invoice.pk).update(provider_session="cs_test_newer")
    old = checkout_session(
        invoice_number=invoice.number,
        amount_total=4400,
        session_id="cs_test_older",
        payment_intent=None,
        status="expired",
    )

    assert _send(client, "checkout.session.expired", old) == "ignored_stale"

    assert _status(invoice) == "due"


def test_a_payment_after_the_expiry_voided_the_invoice_settles_a_replacement_for_it(
    client: Any, invoice: Invoice
) -> None:
    expired = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_intent=None, status="expired"
    )
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.expired", expired) == "applied"
    assert _status(invoice) == "void"

    assert _send(client, "checkout.session.completed", paid) == "applied"

    assert _status(invoice) == "void"
    replacement = Invoice.objects.get(reference=invoice.reference, status="paid")
    assert replacement.total_cents == 4400
    assert replacement.provider_payment == "pi_test_webhook"
    assert _ledger(replacement) == [("payment", 4400)] and _ledger(invoice) == []
    recorded = PaymentEvent.objects.get(type="checkout.session.completed")
    assert recorded.invoice == replacement and invoice.number in recorded.detail


def test_a_late_payment_spends_again_the_points_of_the_discount_the_member_saw(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    points_earn(member=buyer, points=400, reason=EarnReason.CSAT_ANSWERED, reference="c-1")
    invoice = invoice_for_card(buyer, cents=4400, points=400)
    expired = checkout_session(
        invoice_number=invoice.number, amount_total=4000, payment_intent=None, status="expired"
    )
    assert _send(client, "checkout.session.expired", expired) == "applied"
    assert points_balance(buyer) == 400

    paid = checkout_session(invoice_number=invoice.number, amount_total=4000)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    replacement = Invoice.objects.get(reference=invoice.reference, status="paid")
    assert replacement.total_cents == 4000 and replacement.points_used == 400
    assert [line.cents for line in replacement.lines.all()] == [4400]
    assert _ledger(replacement) == [("payment", 4000)]
    assert points_balance(buyer) == 0


def test_a_late_payment_whose_points_were_spent_since_is_rejected_for_a_refund(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    points_earn(member=buyer, points=400, reason=EarnReason.CSAT_ANSWERED, reference="c-1")
    invoice = invoice_for_card(buyer, cents=4400, points=400)
    expired = checkout_session(
        invoice_number=invoice.number, amount_total=4000, payment_intent=None, status="expired"
    )
    assert _send(client, "checkout.session.expired", expired) == "applied"
    other = invoice_for_card(buyer, cents=4400, points=400)  # another case takes the points

    paid = checkout_session(invoice_number=invoice.number, amount_total=4000)
    assert _send(client, "checkout.session.completed", paid) == "rejected"

    recorded = PaymentEvent.objects.get(type="checkout.session.completed")
    assert "refund it in Stripe" in recorded.detail and invoice.number in recorded.detail
    assert not Invoice.objects.filter(reference=invoice.reference).exclude(status="void")
    assert _status(other) == "due" and points_balance(buyer) == 0
    assert not LedgerEntry.objects.exists()


def test_a_late_payment_settles_the_new_invoice_the_member_asked_for_meanwhile(
    client: Any, buyer: User, invoice: Invoice
) -> None:
    expired = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_intent=None, status="expired"
    )
    assert _send(client, "checkout.session.expired", expired) == "applied"
    again = invoice_for_card(buyer, cents=4400, reference=invoice.reference)
    assert again.pk != invoice.pk

    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    assert _status(invoice) == "void"
    assert _status(again) == "paid"
    assert Invoice.objects.filter(reference=invoice.reference).count() == 2


def test_a_late_payment_when_another_invoice_was_paid_is_rejected_for_a_refund(
    client: Any, buyer: User, invoice: Invoice
) -> None:
    expired = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_intent=None, status="expired"
    )
    assert _send(client, "checkout.session.expired", expired) == "applied"
    again = invoice_for_card(buyer, cents=4400, reference=invoice.reference)
    second = checkout_session(
        invoice_number=again.number, amount_total=4400, payment_intent="pi_second"
    )
    assert _send(client, "checkout.session.completed", second) == "applied"

    first = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", first) == "rejected"

    assert _status(invoice) == "void" and _status(again) == "paid"
    assert _ledger(invoice) == []
    assert "refund" in PaymentEvent.objects.get(invoice=invoice, outcome="rejected").detail


def test_a_refund_made_in_the_dashboard_refunds_the_invoice_and_gives_back_its_points(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    points_earn(member=buyer, points=500, reason=EarnReason.CSAT_ANSWERED, reference="c-1")
    invoice = invoice_for_card(buyer, cents=4400, points=400)
    assert points_balance(buyer) == 100 and invoice.total_cents == 4000
    paid = checkout_session(invoice_number=invoice.number, amount_total=4000)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    refunded = charge(payment_intent="pi_test_webhook", amount=4000, amount_refunded=4000)
    assert _send(client, "charge.refunded", refunded) == "applied"

    assert _status(invoice) == "refunded"
    assert _ledger(invoice) == [("payment", 4000), ("refund", 4000)]
    assert points_balance(buyer) == 500


def test_a_partial_dashboard_refund_reaches_the_ledger_and_the_invoice_stays_paid(
    client: Any, invoice: Invoice
) -> None:
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    part = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=1000)
    assert _send(client, "charge.refunded", part) == "applied"
    rest = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400)
    assert _send(client, "charge.refunded", rest) == "applied"

    assert _status(invoice) == "refunded"
    assert _ledger(invoice) == [("payment", 4400), ("refund", 1000), ("refund", 3400)]


def test_the_webhook_of_a_refund_we_made_ourselves_changes_nothing(
    client: Any, invoice: Invoice, fake_stripe: Any
) -> None:
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"
    invoice.refresh_from_db()
    invoice_refund(invoice=invoice, reason="Wrong item photographed")
    assert len(fake_stripe.posts_to("/v1/refunds")) == 1

    refunded = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400)
    assert _send(client, "charge.refunded", refunded) == "ignored_stale"

    assert _ledger(invoice) == [("payment", 4400), ("refund", 4400)]


def test_a_refund_that_overtakes_its_payment_is_kept_and_applied_when_the_payment_lands(
    client: Any, invoice: Invoice
) -> None:
    refunded = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400)
    assert _send(client, "charge.refunded", refunded) == "deferred"
    assert _status(invoice) == "due" and _ledger(invoice) == []

    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    assert _status(invoice) == "refunded"
    assert _ledger(invoice) == [("payment", 4400), ("refund", 4400)]
    kept = PaymentEvent.objects.get(type="charge.refunded")
    assert kept.outcome == "applied" and kept.invoice == invoice
    assert kept.detail.startswith("applied late")


def test_a_chargeback_takes_the_money_back_and_counts_against_credit(
    client: Any, buyer: User, invoice: Invoice
) -> None:
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"

    disputed = dispute(payment_intent="pi_test_webhook", amount=4400)
    assert _send(client, "charge.dispute.created", disputed) == "applied"

    assert _ledger(invoice) == [("chargeback", 4400), ("payment", 4400)]
    signal = CreditSignal.objects.get(member=buyer)
    assert signal.kind == "chargeback"


def test_a_chargeback_after_a_refund_takes_back_nothing_more(
    client: Any, buyer: User, invoice: Invoice
) -> None:
    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    assert _send(client, "checkout.session.completed", paid) == "applied"
    refunded = charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400)
    assert _send(client, "charge.refunded", refunded) == "applied"

    disputed = dispute(payment_intent="pi_test_webhook", amount=4400)
    assert _send(client, "charge.dispute.created", disputed) == "applied"

    assert _ledger(invoice) == [("payment", 4400), ("refund", 4400)]
    assert CreditSignal.objects.get(member=buyer).kind == "chargeback"


def test_a_failed_bank_payment_counts_against_credit_and_leaves_the_invoice_due(
    client: Any, buyer: User, invoice: Invoice
) -> None:
    failed = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_status="unpaid"
    )

    assert _send(client, "checkout.session.async_payment_failed", failed) == "applied"

    assert _status(invoice) == "due"
    signal = CreditSignal.objects.get(member=buyer)
    assert signal.kind == "payment_failed"
    assert signal.reference == f"stripe:{PaymentEvent.objects.get().event_id}"


def test_a_paid_pass_is_granted_from_the_webhook(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    plan = Plan.objects.get(code="pass-monthly")
    invoice = pass_checkout(member=buyer, plan=plan)
    paid = checkout_session(invoice_number=invoice.number, amount_total=invoice.total_cents)

    assert _send(client, "checkout.session.completed", paid) == "applied"

    assert _status(invoice) == "paid"
    assert invoice.membership is not None and invoice.membership.plan == plan


def test_a_payment_billing_cannot_apply_is_recorded_as_rejected_not_an_error(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    plan = Plan.objects.get(code="pass-monthly")
    invoice = pass_checkout(member=buyer, plan=plan)
    # Staff gave the member an open-ended pass meanwhile: the bought one can't be added.
    membership_grant(member=buyer, plan=Plan.objects.get(code="pass-annual"))
    paid = checkout_session(invoice_number=invoice.number, amount_total=invoice.total_cents)

    assert _send(client, "checkout.session.completed", paid) == "rejected"

    assert _status(invoice) == "due"
    assert _ledger(invoice) == []
    recorded = PaymentEvent.objects.get()
    assert recorded.invoice == invoice and recorded.detail.startswith("pass_overlap")
