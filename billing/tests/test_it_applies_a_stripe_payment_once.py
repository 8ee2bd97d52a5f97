"""A Stripe payment reaches the ledger once however often it is delivered, one delivery after
another or ten at the same moment on their own connections; a payment of the wrong amount or
currency is recorded as rejected and leaves the invoice due."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from billing.models import Invoice, LedgerEntry, PaymentEvent
from billing.tests.fake_stripe import (
    charge,
    checkout_session,
    deliver,
    event,
    invoice_for_card,
    stripe_settings,
)
from members.models import User
from membership.models import Spend

# The fixtures fake_stripe.py defines, named here so that pytest finds them.
__all__ = ["stripe_settings"]


def _payments(invoice: Invoice) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(invoice=invoice, kind=LedgerEntry.Kind.PAYMENT))


@pytest.mark.django_db
def test_the_same_event_delivered_twice_pays_the_invoice_once(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    body = event(
        "checkout.session.completed",
        checkout_session(invoice_number=invoice.number, amount_total=4400),
    )

    first = deliver(client, body)
    again = deliver(client, body)

    assert first.status_code == again.status_code == 200
    assert first.json()["outcome"] == "applied"
    assert again.json()["outcome"] == "ignored_replay"
    assert [entry.cents for entry in _payments(invoice)] == [4400]
    assert Spend.objects.filter(member=buyer).count() == 1
    stored = PaymentEvent.objects.get()
    assert stored.outcome == "applied"


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_deliveries_of_one_event_pay_once(
    buyer: User, stripe_settings: Any
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    body = event(
        "checkout.session.completed",
        checkout_session(invoice_number=invoice.number, amount_total=4400),
    )
    start = threading.Barrier(10)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            start.wait()
            response = deliver(Client(), body)
            with lock:
                answers.append((response.status_code, response.json().get("outcome", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == 10
    assert {status for status, _ in answers} == {200}
    assert sorted(outcome for _, outcome in answers) == ["applied"] + ["ignored_replay"] * 9
    assert [entry.cents for entry in _payments(invoice)] == [4400]
    assert PaymentEvent.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "currency"), [(4399, "eur"), (44000, "eur"), (4400, "usd")], ids=str
)
def test_a_payment_of_another_amount_or_currency_is_rejected_and_the_invoice_stays_due(
    client: Any, buyer: User, stripe_settings: Any, amount: int, currency: str
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    body = event(
        "checkout.session.completed",
        checkout_session(invoice_number=invoice.number, amount_total=amount, currency=currency),
    )

    response = deliver(client, body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "rejected"
    recorded = PaymentEvent.objects.get()
    assert recorded.outcome == "rejected" and str(amount) in recorded.detail
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE
    assert _payments(invoice) == []


@pytest.mark.django_db
def test_a_completed_session_still_awaiting_a_bank_payment_settles_when_it_succeeds(
    client: Any, buyer: User, stripe_settings: Any
) -> None:
    invoice = invoice_for_card(buyer, cents=4400)
    waiting = checkout_session(
        invoice_number=invoice.number, amount_total=4400, payment_status="unpaid"
    )

    assert deliver(client, event("checkout.session.completed", waiting)).json()["outcome"] == (
        "ignored"
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DUE

    paid = checkout_session(invoice_number=invoice.number, amount_total=4400)
    response = deliver(client, event("checkout.session.async_payment_succeeded", paid))

    assert response.json()["outcome"] == "applied"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert [entry.cents for entry in _payments(invoice)] == [4400]


@pytest.mark.django_db
def test_a_payment_for_an_invoice_we_never_issued_is_recorded_as_rejected(
    client: Any, stripe_settings: Any
) -> None:
    body = event(
        "checkout.session.completed",
        checkout_session(invoice_number="INV-2026-999999", amount_total=4400),
    )

    response = deliver(client, body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "rejected"
    assert PaymentEvent.objects.get().invoice is None
    assert not LedgerEntry.objects.exists()


def _backends_waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return int(count)


def _until(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_refund_whose_commit_lags_behind_its_payment_is_still_applied(
    buyer: User, stripe_settings: Any
) -> None:
    """The worst interleaving, forced with PostgreSQL's own locks: the refund has looked for
    its invoice (none paid yet) but not committed when the payment is applied. Another
    connection holds the refund's event id uncommitted, so the refund's insert waits; the
    payment must wait for the refund rather than miss it."""
    invoice = invoice_for_card(buyer, cents=4400)
    session = checkout_session(invoice_number=invoice.number, amount_total=4400)
    refund_body = event(
        "charge.refunded",
        charge(payment_intent="pi_test_webhook", amount=4400, amount_refunded=4400),
    )
    refund_id = json.loads(refund_body)["id"]
    held, release = threading.Event(), threading.Event()
    answers: dict[str, int] = {}

    def hold_the_event_id() -> None:
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    provider="stripe",
                    event_id=refund_id,
                    type="charge.refunded",
                    created=timezone.now(),
                    outcome="applied",
                )
                held.set()
                release.wait(timeout=60)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def post(name: str, body: bytes) -> None:
        try:
            answers[name] = deliver(Client(), body).status_code
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_event_id)
    holder.start()
    assert held.wait(timeout=30)
    refund = threading.Thread(target=post, args=("refund", refund_body))
    refund.start()
    _until(lambda: _backends_waiting_on_locks() >= 1)
    payment = threading.Thread(
        target=post, args=("payment", event("checkout.session.completed", session))
    )
    payment.start()
    # The payment either finishes (and so missed the refund) or waits behind it.
    _until(lambda: not payment.is_alive() or _backends_waiting_on_locks() >= 2)
    release.set()
    for thread in (holder, refund, payment):
        thread.join(timeout=60)

    assert answers == {"refund": 200, "payment": 200}
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.REFUNDED
    kinds = sorted(LedgerEntry.objects.filter(invoice=invoice).values_list("kind", flat=True))
    assert kinds == ["payment", "refund"]
