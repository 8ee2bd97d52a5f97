"""Paying by card opens one Stripe Checkout Session per invoice, however often the button is
pressed, for the invoice's total, named by its number; a refund goes to Stripe once per
reference; and Stripe being unreachable is a clear refusal that keeps the invoice. The
official library talks over HTTP to a fake Stripe on a loopback port."""

from __future__ import annotations

from typing import Any

import pytest

from billing.models import Invoice
from billing.services.invoices import BillingRefused, checkout_start, invoice_settle
from billing.tests.fake_stripe import (
    API_KEY,
    FakeStripe,
    checkout_session,
    deliver,
    event,
    fake_stripe,
    invoice_for_card,
    stripe_settings,
)
from members.models import User
from membership.models import EarnReason
from membership.services.points import points_earn

pytestmark = pytest.mark.django_db

# The fixtures fake_stripe.py defines, named here so that pytest finds them.
__all__ = ["fake_stripe", "stripe_settings"]


SUCCESS = "https://authplatform.test/billing/invoices/paid/"
CANCEL = "https://authplatform.test/billing/invoices/"


def test_a_double_click_opens_one_session_for_the_invoice_total(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    points_earn(member=buyer, points=400, reason=EarnReason.CSAT_ANSWERED, reference="c-1")
    invoice = invoice_for_card(buyer, cents=4400, points=400)

    first = checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)
    second = checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert first == second
    assert first is not None and first.startswith("https://checkout.stripe.test/")
    assert len(fake_stripe.sessions) == 1
    (session,) = fake_stripe.sessions.values()
    sent = fake_stripe.posts_to("/v1/checkout/sessions")
    assert len(sent) == 2 and sent[0].idempotency_key == sent[1].idempotency_key
    assert sent[0].idempotency_key and invoice.number in sent[0].idempotency_key
    form = sent[0].form
    assert sent[0].authorization == f"Bearer {API_KEY}"
    assert form["mode"] == "payment"
    assert form["client_reference_id"] == invoice.number
    assert form["metadata[invoice]"] == invoice.number
    assert form["line_items[0][price_data][unit_amount]"] == "4000"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][quantity]"] == "1"
    assert (
        "Appraisal (Priority, 12 h)" in form["line_items[0][price_data][product_data][description]"]
    )
    assert (form["success_url"], form["cancel_url"]) == (SUCCESS, CANCEL)
    invoice.refresh_from_db()
    assert invoice.provider_session == session["id"]
    assert invoice.provider == Invoice.Provider.STRIPE
    assert invoice.status == Invoice.Status.DUE


def test_two_invoices_open_two_sessions(buyer: User, fake_stripe: FakeStripe) -> None:
    one = invoice_for_card(buyer, cents=2900)
    two = invoice_for_card(buyer, cents=5900)

    urls = {
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)
        for invoice in (one, two)
    }

    assert len(urls) == 2 and len(fake_stripe.sessions) == 2
    amounts = sorted(s["amount_total"] for s in fake_stripe.sessions.values())
    assert amounts == [2900, 5900]


def test_a_paid_invoice_opens_no_session(buyer: User, fake_stripe: FakeStripe) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    invoice_settle(invoice=invoice, provider_payment="pi_1")
    invoice.refresh_from_db()

    with pytest.raises(BillingRefused) as refused:
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert refused.value.code == "not_due"
    assert fake_stripe.requests == []


def test_stripe_being_unreachable_is_a_clear_refusal_and_the_invoice_is_kept(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    fake_stripe.stop()

    with pytest.raises(BillingRefused) as refused:
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert refused.value.code == "provider_unavailable"
    assert "try again" in refused.value.message
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE
    assert invoice.provider_session == ""
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_stripe_refusing_the_key_is_a_clear_refusal(
    buyer: User, fake_stripe: FakeStripe, stripe_settings: Any
) -> None:
    stripe_settings.STRIPE_SECRET_KEY = "sk_test_revoked"
    invoice = invoice_for_card(buyer, cents=4400)

    with pytest.raises(BillingRefused) as refused:
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert refused.value.code == "provider_error"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE and invoice.provider_session == ""


def test_a_refund_goes_to_stripe_once_per_reference(buyer: User, fake_stripe: FakeStripe) -> None:
    from billing.providers.stripe import StripeProvider

    invoice = invoice_for_card(buyer, cents=4400)
    invoice_settle(invoice=invoice, provider_payment="pi_paid")
    invoice.refresh_from_db()

    first = StripeProvider().refund(invoice, f"refund:{invoice.number}")
    again = StripeProvider().refund(invoice, f"refund:{invoice.number}")

    assert first == again and first.startswith("re_test_")
    assert len(fake_stripe.refunds) == 1
    (refund,) = fake_stripe.refunds.values()
    assert refund["payment_intent"] == "pi_paid" and refund["amount"] == 4400
    assert refund["metadata"]["invoice"] == invoice.number
    sent = fake_stripe.posts_to("/v1/refunds")
    assert len(sent) == 2 and sent[0].idempotency_key == sent[1].idempotency_key


def test_a_refund_without_a_card_payment_is_refused_before_calling_stripe(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    from billing.providers.stripe import StripeProvider

    invoice = invoice_for_card(buyer, cents=4400)

    with pytest.raises(BillingRefused) as refused:
        StripeProvider().refund(invoice, f"refund:{invoice.number}")

    assert refused.value.code == "no_provider_payment"
    assert fake_stripe.requests == []


def test_the_pay_button_sends_the_member_to_stripe(
    client: Any, buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    client.force_login(buyer)

    response = client.post(f"/billing/invoices/{invoice.number}/pay/")

    assert response.status_code == 302
    (session,) = fake_stripe.sessions.values()
    assert response["Location"] == session["url"]
    assert session["success_url"].endswith(f"/billing/invoices/{invoice.number}/")
    assert fake_stripe.posts_to("/v1/checkout/sessions")[0].form["locale"] == "en"


def test_stripes_page_speaks_the_members_language(
    client: Any, buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    client.force_login(buyer)

    response = client.post(
        f"/billing/invoices/{invoice.number}/pay/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 302
    assert fake_stripe.posts_to("/v1/checkout/sessions")[0].form["locale"] == "zh"


def test_the_pay_button_with_stripe_down_shows_the_error_and_keeps_the_invoice(
    client: Any, buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    fake_stripe.stop()
    client.force_login(buyer)

    response = client.post(f"/billing/invoices/{invoice.number}/pay/")

    assert response.status_code == 400
    assert "couldn&#x27;t reach the payment service" in response.content.decode()
    assert invoice.number in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE


def test_after_a_failed_bank_payment_the_pay_button_opens_a_new_session(
    client: Any, buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    first = checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)
    (session_id,) = fake_stripe.sessions
    failed = checkout_session(
        invoice_number=invoice.number,
        amount_total=4400,
        session_id=session_id,
        payment_status="unpaid",
    )
    assert (
        deliver(client, event("checkout.session.async_payment_failed", failed)).status_code == 200
    )

    again = checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert again != first and len(fake_stripe.sessions) == 2
    invoice.refresh_from_db()
    assert invoice.provider_session != session_id and invoice.status == Invoice.Status.DUE


def test_without_an_api_key_card_payment_is_refused_before_calling_stripe(
    buyer: User, fake_stripe: FakeStripe, stripe_settings: Any
) -> None:
    stripe_settings.STRIPE_SECRET_KEY = ""
    invoice = invoice_for_card(buyer, cents=4400)

    with pytest.raises(BillingRefused) as refused:
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert refused.value.code == "provider_unconfigured"
    assert fake_stripe.requests == []
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE


def test_a_total_below_stripes_minimum_is_refused_before_calling_stripe(
    buyer: User, fake_stripe: FakeStripe
) -> None:
    invoice = invoice_for_card(buyer, cents=40)

    with pytest.raises(BillingRefused) as refused:
        checkout_start(invoice=invoice, success_url=SUCCESS, cancel_url=CANCEL)

    assert refused.value.code == "amount_too_small"
    assert "€0.50" in refused.value.message
    assert fake_stripe.requests == []
