"""The Stripe webhook endpoint accepts an event signed with the webhook secret, as Stripe signs
it, and refuses everything else with a 400 and a JSON message, writing nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from billing.models import Invoice, LedgerEntry, PaymentEvent
from billing.tests.fake_stripe import (
    checkout_session,
    deliver,
    event,
    invoice_for_card,
    stripe_settings,
    stripe_signature,
)
from members.models import User

pytestmark = pytest.mark.django_db

# The fixtures fake_stripe.py defines, named here so that pytest finds them.
__all__ = ["stripe_settings"]


@pytest.fixture
def paid_event(buyer: User, stripe_settings: Any) -> tuple[Invoice, bytes]:
    invoice = invoice_for_card(buyer, cents=4400)
    body = event(
        "checkout.session.completed",
        checkout_session(invoice_number=invoice.number, amount_total=4400),
    )
    return invoice, body


def _assert_nothing_written(invoice: Invoice) -> None:
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE
    assert PaymentEvent.objects.count() == 0
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).exists()


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return str(error["message"])


def test_an_event_signed_with_the_secret_is_recorded_and_applied(
    client: Any, paid_event: tuple[Invoice, bytes]
) -> None:
    invoice, body = paid_event

    response = deliver(client, body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "applied"
    recorded = PaymentEvent.objects.get()
    assert recorded.event_id == json.loads(body)["id"]
    assert recorded.invoice == invoice and recorded.payload == json.loads(body)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.provider_payment == "pi_test_webhook"


def test_a_signature_made_with_another_secret_is_refused(
    client: Any, paid_event: tuple[Invoice, bytes]
) -> None:
    invoice, body = paid_event

    response = deliver(client, body, stripe_signature(body, secret="whsec_someone_else"))

    assert "signature" in _error(response, 400, "invalid_signature")
    _assert_nothing_written(invoice)


def test_a_body_changed_after_signing_is_refused(
    client: Any, paid_event: tuple[Invoice, bytes]
) -> None:
    invoice, body = paid_event
    signature = stripe_signature(body)
    tampered = body.replace(b'"amount_total": 4400', b'"amount_total": 1')
    assert tampered != body

    response = deliver(client, tampered, signature)

    _error(response, 400, "invalid_signature")
    _assert_nothing_written(invoice)


def test_a_delivery_without_the_signature_header_is_refused(
    client: Any, paid_event: tuple[Invoice, bytes]
) -> None:
    invoice, body = paid_event

    response = deliver(client, body, signature=None)

    assert "Stripe-Signature" in _error(response, 400, "missing_signature")
    _assert_nothing_written(invoice)


@pytest.mark.parametrize("seconds", [-301, -3600, 301])
def test_a_signature_outside_the_tolerance_is_refused_as_a_possible_replay(
    client: Any, paid_event: tuple[Invoice, bytes], seconds: int
) -> None:
    invoice, body = paid_event

    response = deliver(client, body, stripe_signature(body, at=int(time.time()) + seconds))

    assert "window" in _error(response, 400, "stale_signature")
    _assert_nothing_written(invoice)


def test_a_signature_inside_the_tolerance_is_accepted(
    client: Any, paid_event: tuple[Invoice, bytes]
) -> None:
    _, body = paid_event

    response = deliver(client, body, stripe_signature(body, at=int(time.time()) - 250))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"hello": "world"}',
        b'{"id": "evt_1", "object": "event", "type": "x", "created": 1, "data": []}',
        b"[1, 2, 3]",
        b"\xff\xfe binary",
    ],
    ids=["text", "not-an-event", "no-object", "a-list", "not-utf8"],
)
def test_a_signed_body_that_is_not_a_stripe_event_is_refused(
    client: Any, stripe_settings: Any, body: bytes
) -> None:
    response = deliver(client, body)

    _error(response, 400, "not_an_event")
    assert PaymentEvent.objects.count() == 0


def test_a_signed_json_body_that_is_not_an_event_says_so(client: Any, stripe_settings: Any) -> None:
    response = deliver(client, b'{"hello": "world"}')

    assert "not a Stripe event" in _error(response, 400, "not_an_event")


def test_without_a_configured_secret_every_delivery_is_refused(
    client: Any, paid_event: tuple[Invoice, bytes], stripe_settings: Any
) -> None:
    invoice, body = paid_event
    stripe_settings.STRIPE_WEBHOOK_SECRET = ""

    response = deliver(client, body)

    _error(response, 400, "webhook_unconfigured")
    _assert_nothing_written(invoice)


def test_only_post_is_answered(client: Any, stripe_settings: Any) -> None:
    assert client.get("/billing/webhooks/stripe/").status_code == 405


def test_an_unknown_event_type_is_recorded_as_ignored(client: Any, stripe_settings: Any) -> None:
    body = event("customer.created", {"id": "cus_1", "object": "customer"})

    response = deliver(client, body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert PaymentEvent.objects.get().type == "customer.created"
